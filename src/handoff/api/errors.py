"""Every error answered as JSON: {"error": {"code", "message", "field"?}}."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from handoff.core.events import EventError
from handoff.core.problems import PolicyError
from handoff.errors import ServiceError

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
}


class ApiError(Exception):
    """An error answered with `status` and a JSON body."""

    def __init__(
        self, status: int, code: str, message: str, field: str | None = None, **extra: Any
    ):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.extra = (
            status,
            code,
            message,
            field,
            extra,
        )


def error_response(status: int, code: str, message: str, field: str | None = None, **extra: Any):
    """The JSON response of an error."""
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    body.update(extra)
    return JSONResponse({"error": body}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error the API can raise as JSON."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.field, **exc.extra)

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError):
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.exception_handler(EventError)
    async def _event(request: Request, exc: EventError):
        return error_response(422, "invalid_event", str(exc), f"events[{exc.index}].{exc.field}")

    @app.exception_handler(PolicyError)
    async def _policy(request: Request, exc: PolicyError):
        problems = [p.to_dict() for p in exc.problems]
        message = f"the policy does not validate: {exc.problems[0]}"
        return error_response(422, "invalid_policy", message, "source", problems=problems)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        code = STATUS_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = f"{field}: {first['msg']}"
        details = [
            {"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()
        ]
        return error_response(422, "invalid", message, field, details=details)
