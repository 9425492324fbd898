"""One router per page of the dashboard."""
