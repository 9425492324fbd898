"""Outbound HTTP for the vendor modules: checked against SSRF, pinned, timed, never raising.

A delivery is a few steps; a step that fails raises `Stop` with its Result, and `run`
turns it into the delivery's Result with every secret of the config redacted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import httpx
from pydantic import Field, SecretStr

from handoff.integrations.base import (
    Integration,
    IntegrationConfig,
    Result,
    classify,
    transport_failure,
)
from handoff.integrations.urls import RefusedAddress, resolve

logger = logging.getLogger("handoff.integrations")

SEGMENT_CHARS = 12

Judge = Callable[[httpx.Response, str], Result]


class HttpConfig(IntegrationConfig):
    """Settings every HTTP integration shares: a timeout and the SSRF switch."""

    timeout: float = Field(default=10.0, gt=0, le=120)
    allow_private_networks: bool = False


class Stop(Exception):
    """Ends a delivery early with its Result."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.detail)
        self.result = result


def refused(detail: str) -> Stop:
    """A Stop that parks the delivery: retrying cannot help."""
    return Stop(Result(False, detail, retry=False))


class Outbound:
    """The HTTP side of one integration instance."""

    def __init__(
        self, name: str, client: httpx.Client, config: HttpConfig, secrets: Iterable[str]
    ) -> None:
        self.name = name
        self.client = client
        self.config = config
        self.secrets = [piece for s in secrets for piece in pieces(s)]

    def send(self, method: str, url: str, what: str, **kwargs: Any) -> httpx.Response:
        """One request to the checked address of url, within the timeout; Stop if refused/lost."""
        target = httpx.URL(url)
        if target.scheme not in ("http", "https") or not target.host:
            raise refused(f"{what}: refused: not an http(s) URL")
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            address = resolve(target.host, port, allow_private=self.config.allow_private_networks)
        except RefusedAddress as exc:
            raise refused(f"{what}: refused: {exc}") from None
        except OSError:
            raise Stop(Result(False, f"{what}: cannot resolve {target.host}", retry=True)) from None
        headers = {"Host": target.netloc.decode("ascii"), **kwargs.pop("headers", {})}
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        try:
            return self.client.request(
                method,
                target.copy_with(host=address),
                headers=headers,
                timeout=self.config.timeout,
                follow_redirects=False,
                extensions=extensions,
                **kwargs,
            )
        except httpx.HTTPError as exc:
            raise Stop(transport_failure(exc, what)) from None

    def call(
        self, method: str, url: str, what: str, judge: Judge = classify, **kwargs: Any
    ) -> httpx.Response:
        """send, then Stop with the judged Result unless the answer is 2xx."""
        response = self.send(method, url, what, **kwargs)
        if not response.is_success:
            raise Stop(judge(response, what))
        return response

    def run(self, step: Callable[[], Result], *secrets: str) -> Result:
        """The step's Result, or the one it stopped with; secrets redacted, the outcome logged."""
        try:
            result = step()
        except Stop as stop:
            result = stop.result
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            logger.exception("delivery: unexpected answer")
            result = Result(
                False, f"{self.name}: unexpected answer ({type(exc).__name__})", retry=True
            )
        hidden = [*self.secrets, *(piece for s in secrets for piece in pieces(s))]
        detail = result.detail
        for secret in hidden:
            detail = detail.replace(secret, "[redacted]")
        result = Result(
            result.ok, detail, result.retry, result.retry_after, result.external_id, result.extra
        )
        return logged(result)


def logged(result: Result) -> Result:
    """The result, its outcome logged: the one log line of every delivery."""
    logger.info("delivery ok=%s retry=%s: %s", result.ok, result.retry, result.detail)
    return result


def pieces(secret: str) -> list[str]:
    """What to redact for a secret: itself and, for a URL, its query and long path segments."""
    if not secret:
        return []
    if "://" not in secret:
        return [secret]
    url = httpx.URL(secret)
    segments = [seg for seg in url.path.split("/") if len(seg) >= SEGMENT_CHARS]
    return [secret, *segments, *([url.query.decode()] if url.query else [])]


def json_of(response: httpx.Response, what: str) -> Any:
    """The JSON body of a 2xx answer; Stop (retry) when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        raise Stop(Result(False, f"{what}: answer is not JSON", retry=True)) from None


def secrets_of(config: IntegrationConfig) -> list[str]:
    """Every SecretStr value of a config, to redact."""
    values = (getattr(config, name) for name in type(config).model_fields)
    return [v.get_secret_value() for v in values if isinstance(v, SecretStr)]


def unsupported(name: str, kind: str) -> Result:
    """A delivery kind this integration does not carry: parked."""
    return Result(False, f"{name}: does not deliver {kind!r}", retry=False)


class HttpIntegration(Integration):
    """An integration that talks HTTP through an Outbound."""

    config: HttpConfig

    def __init__(self, config: IntegrationConfig, client: httpx.Client) -> None:
        super().__init__(config, client)
        assert isinstance(config, HttpConfig)
        self.http = Outbound(self.name, client, config, secrets_of(config))


class ApiIntegration(HttpIntegration):
    """An HTTP integration that calls one vendor's API: a root URL and auth headers per vendor."""

    def root(self) -> str:
        """The URL the API's paths are under."""
        raise NotImplementedError

    def auth(self) -> dict[str, str]:
        """The headers that authenticate a call."""
        raise NotImplementedError

    def send(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        """An authenticated request to root + path, whatever its status; Stop if refused or lost."""
        return self.http.send(method, self.root() + path, what, headers=self.auth(), **kwargs)

    def call(
        self, method: str, path: str, what: str, judge: Judge = classify, **kwargs: Any
    ) -> httpx.Response:
        """An authenticated request to root + path; Stop with the judged Result unless 2xx."""
        url = self.root() + path
        return self.http.call(method, url, what, judge, headers=self.auth(), **kwargs)

    def call_json(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        """call, then the answer's JSON ({} for an empty body)."""
        response = self.call(method, path, what, **kwargs)
        return json_of(response, what) if response.content else {}
