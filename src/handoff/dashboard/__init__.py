"""The dashboard: server-rendered pages (Jinja2 + HTMX) over the store, for people who sign in."""
