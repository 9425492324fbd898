"""The HTTP API: `create_app(settings)` assembles one router per resource."""

from handoff.api.app import create_app

__all__ = ["create_app"]
