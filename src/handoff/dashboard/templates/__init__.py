"""The dashboard's Jinja2 environment (autoescape on) and `render`, for its pages and others'.

Another module's page extends `base.html` and is rendered with
`render(request, "its.html", {...})`; `add_template_dir(path)` makes its templates findable.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader

from handoff.dashboard import format as fmt

TEMPLATE_DIR = Path(__file__).parent
_extra_dirs: list[Path] = []
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def add_template_dir(path: Path) -> None:
    """Let `render` find templates in `path` too (after the dashboard's own)."""
    if path not in _extra_dirs:
        _extra_dirs.append(path)
        environment.cache_clear()


@cache
def environment() -> Environment:
    """The dashboard's Jinja2 environment, with autoescape on for every template."""
    loader = ChoiceLoader([FileSystemLoader(TEMPLATE_DIR), *map(FileSystemLoader, _extra_dirs)])
    env = Environment(loader=loader, autoescape=True)
    env.filters.update(
        when=fmt.when,
        local=fmt.local,
        num=fmt.num,
        ago=fmt.ago,
        duration=fmt.duration,
        highlight=fmt.highlight,
        compact=fmt.compact,
        title_case=fmt.title_case,
    )
    return env


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page or fragment rendered with the viewer, their CSRF token and the security headers."""
    viewer = getattr(request.state, "viewer", None)
    values = {
        "request": request,
        "viewer": viewer,
        "csrf": viewer.csrf if viewer else "",
        "path": request.url.path,
        "now": request.app.state.services.clock(),
        **(context or {}),
    }
    html = environment().get_template(name).render(values)
    return HTMLResponse(html, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})
