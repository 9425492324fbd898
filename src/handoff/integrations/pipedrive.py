"""Pipedrive: find or add the person, add a lead owned by the rep, and a note on the lead.

Pipedrive has no idempotency header, so a redelivery is deduplicated by lookup: the person
by exact email (API v2 search), the lead by its `origin_id` (set to the delivery's marker on
create), the note by the marker in its content, among the lead's notes.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr

from handoff.integrations import summary
from handoff.integrations.base import Delivery, Result, classify, register
from handoff.integrations.outbound import ApiIntegration, HttpConfig, json_of, refused, unsupported


class PipedriveConfig(HttpConfig):
    """A Pipedrive company: an API token (Personal preferences > API)."""

    api_token: SecretStr
    base_url: str = "https://api.pipedrive.com"
    default_owner_id: int | None = None


def judge(response: httpx.Response, what: str) -> Result:
    """classify; a 429 without Retry-After waits for x-ratelimit-reset."""
    result = classify(response, what)
    reset = response.headers.get("x-ratelimit-reset", "")
    if response.status_code == 429 and result.retry_after is None and reset.isdigit():
        return Result(False, result.detail, retry=True, retry_after=float(reset))
    return result


@register
class Pipedrive(ApiIntegration):
    """Person + lead + note in Pipedrive for each lead delivery."""

    name = "pipedrive"
    Config = PipedriveConfig
    config: PipedriveConfig

    def deliver(self, delivery: Delivery) -> Result:
        """Find or add the person, the lead and the note, each once."""
        if delivery.kind != "lead":
            return unsupported(self.name, delivery.kind)
        return self.http.run(lambda: self._lead(delivery))

    def _lead(self, delivery: Delivery) -> Result:
        packet = delivery.payload
        email = summary.contact(packet).get("email")
        if not email:
            raise refused("pipedrive: the contact has no email to find the person by")
        owner = summary.rep_attribute(packet, "pipedrive_user_id") or self.config.default_owner_id
        if owner is not None and not str(owner).isdigit():
            raise refused("pipedrive: the rep's pipedrive_user_id is not a number")
        mark = summary.marker(delivery.key)
        person_id = self._find_person(email)
        person_new = person_id is None
        if person_id is None:
            person_id = self._add_person(packet, email, owner)
        lead_id = self._find_lead(person_id, mark)
        lead_new = lead_id is None
        if lead_id is None:
            lead_id = self._add_lead(packet, person_id, owner, mark)
        note_id = self._find_note(lead_id, mark)
        note_new = note_id is None
        if note_id is None:
            note_id = self._add_note(packet, lead_id, mark)
        return Result(
            True,
            f"pipedrive: person {person_id} {'added' if person_new else 'found'}, "
            f"lead {lead_id} {'added' if lead_new else 'found'}, "
            f"note {note_id} {'added' if note_new else 'found'}",
            external_id=lead_id,
            extra={
                "person_id": person_id,
                "lead_id": lead_id,
                "note_id": note_id,
                "created": {"person": person_new, "lead": lead_new, "note": note_new},
            },
        )

    def root(self) -> str:
        """The company's API root."""
        return self.config.base_url.rstrip("/")

    def auth(self) -> dict[str, str]:
        """The API token in Pipedrive's header."""
        return {"x-api-token": self.config.api_token.get_secret_value()}

    def _api(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        return json_of(self.call(method, path, what, judge, **kwargs), what).get("data")

    def _find_person(self, email: str) -> int | None:
        params = {"term": email, "fields": "email", "exact_match": "true", "limit": 1}
        data = self._api("GET", "/api/v2/persons/search", "pipedrive person search", params=params)
        items = (data or {}).get("items") or []
        return int(items[0]["item"]["id"]) if items else None

    def _add_person(self, packet: dict[str, Any], email: str, owner: Any) -> int:
        c = summary.contact(packet)
        body: dict[str, Any] = {
            "name": summary.display_name(packet),
            "emails": [{"value": email, "primary": True, "label": "work"}],
        }
        if c.get("phone"):
            body["phones"] = [{"value": c["phone"], "primary": True, "label": "work"}]
        if owner:
            body["owner_id"] = int(owner)
        data = self._api("POST", "/api/v2/persons", "pipedrive person add", json=body)
        return int(data["id"])

    def _find_lead(self, person_id: int, mark: str) -> str | None:
        params = {"person_id": person_id, "limit": 100}
        leads = self._api("GET", "/v1/leads", "pipedrive lead list", params=params) or []
        return next((str(lead["id"]) for lead in leads if lead.get("origin_id") == mark), None)

    def _add_lead(self, packet: dict[str, Any], person_id: int, owner: Any, mark: str) -> str:
        body: dict[str, Any] = {
            "title": summary.title(packet),
            "person_id": person_id,
            "origin_id": mark,
        }
        if owner:
            body["owner_id"] = int(owner)
        data = self._api("POST", "/v1/leads", "pipedrive lead add", json=body)
        return str(data["id"])

    def _find_note(self, lead_id: str, mark: str) -> int | None:
        params = {"lead_id": lead_id, "limit": 100}
        notes = self._api("GET", "/v1/notes", "pipedrive note list", params=params) or []
        return next((int(n["id"]) for n in notes if mark in (n.get("content") or "")), None)

    def _add_note(self, packet: dict[str, Any], lead_id: str, mark: str) -> int:
        content = summary.summary_html(packet) + "\n" + summary.transcript_html(packet)
        body = {"content": f"{content}\n<p>ref {mark}</p>", "lead_id": lead_id}
        data = self._api("POST", "/v1/notes", "pipedrive note add", json=body)
        return int(data["id"])
