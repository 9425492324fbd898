"""HubSpot CRM v3: find the contact by email, create or update it, log the handoff as a note.

HubSpot has no idempotency header, so a redelivery is deduplicated by lookup: the contact
by email (a create that races answers 409 with the existing id), the note by the delivery's
marker token in its body, searched among the notes associated with the contact.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from handoff.integrations import summary
from handoff.integrations.base import Delivery, Result, classify, register
from handoff.integrations.outbound import (
    ApiIntegration,
    HttpConfig,
    Stop,
    json_of,
    refused,
    unsupported,
)

EXISTING_ID = re.compile(r"Existing ID: (\d+)")
NOTE_TO_CONTACT = 202  # HUBSPOT_DEFINED association type: note -> contact
CONTACT_FIELDS = {
    "email": "email",
    "company": "company",
    "phone": "phone",
    "country": "country",
    "region": "state",
    "city": "city",
}


class HubSpotConfig(HttpConfig):
    """A HubSpot account: a private-app token (contacts and notes read/write)."""

    access_token: SecretStr
    base_url: str = "https://api.hubapi.com"
    default_owner_id: str | None = None
    contact_properties: dict[str, str] = {}


@register
class HubSpot(ApiIntegration):
    """Contact + note in HubSpot for each lead delivery."""

    name = "hubspot"
    Config = HubSpotConfig
    config: HubSpotConfig

    def deliver(self, delivery: Delivery) -> Result:
        """Upsert the contact and add the note once."""
        if delivery.kind != "lead":
            return unsupported(self.name, delivery.kind)
        return self.http.run(lambda: self._lead(delivery))

    def _lead(self, delivery: Delivery) -> Result:
        packet = delivery.payload
        email = summary.contact(packet).get("email")
        if not email:
            raise refused("hubspot: the contact has no email; HubSpot contacts are keyed by email")
        owner = summary.rep_attribute(packet, "hubspot_owner_id") or self.config.default_owner_id
        properties = self._properties(packet, owner)
        contact_id = self._find_contact(email)
        created = False
        if contact_id is None:
            contact_id, created = self._create_contact(properties)
        if not created:
            self.call_json(
                "PATCH",
                f"/crm/v3/objects/contacts/{contact_id}",
                "hubspot contact update",
                json={"properties": properties},
            )
        mark = summary.marker(delivery.key)
        note_id = self._find_note(contact_id, mark)
        note_new = note_id is None
        if note_id is None:
            note_id = self._create_note(packet, contact_id, owner, mark)
        return Result(
            True,
            f"hubspot: contact {contact_id} {'created' if created else 'updated'}, "
            f"note {note_id} {'created' if note_new else 'already there'}",
            external_id=contact_id,
            extra={
                "contact_id": contact_id,
                "note_id": note_id,
                "contact_created": created,
                "note_created": note_new,
            },
        )

    def root(self) -> str:
        """The account's API root."""
        return self.config.base_url.rstrip("/")

    def auth(self) -> dict[str, str]:
        """The private-app token as a bearer."""
        return {"Authorization": f"Bearer {self.config.access_token.get_secret_value()}"}

    def _properties(self, packet: dict[str, Any], owner: str | None) -> dict[str, str]:
        c = summary.contact(packet)
        first, last = summary.split_name(packet)
        props = {"firstname": first, "lastname": last}
        props |= {ours: str(c[theirs]) for theirs, ours in CONTACT_FIELDS.items() if c.get(theirs)}
        if owner:
            props["hubspot_owner_id"] = owner
        return {k: v for k, v in props.items() if v} | self.config.contact_properties

    def _find_contact(self, email: str) -> str | None:
        body = {
            "filterGroups": [
                {"filters": [{"propertyName": "email", "operator": "EQ", "value": email}]}
            ],
            "properties": ["email"],
            "limit": 1,
        }
        found = self.call_json(
            "POST", "/crm/v3/objects/contacts/search", "hubspot contact search", json=body
        )
        results = found.get("results") or []
        return str(results[0]["id"]) if results else None

    def _create_contact(self, properties: dict[str, str]) -> tuple[str, bool]:
        """(id, True) for a new contact; (existing id, False) when HubSpot answers 409."""
        what = "hubspot contact create"
        response = self.send(
            "POST", "/crm/v3/objects/contacts", what, json={"properties": properties}
        )
        existing = EXISTING_ID.search(response.text) if response.status_code == 409 else None
        if existing:
            return existing.group(1), False
        if not response.is_success:
            raise Stop(classify(response, what))
        return str(json_of(response, what)["id"]), True

    def _find_note(self, contact_id: str, mark: str) -> str | None:
        filters = [
            {"propertyName": "associations.contact", "operator": "EQ", "value": contact_id},
            {"propertyName": "hs_note_body", "operator": "CONTAINS_TOKEN", "value": mark},
        ]
        body = {"filterGroups": [{"filters": filters}], "properties": ["hs_note_body"], "limit": 10}
        found = self.call_json(
            "POST", "/crm/v3/objects/notes/search", "hubspot note search", json=body
        )
        for note in found.get("results") or []:
            if mark in ((note.get("properties") or {}).get("hs_note_body") or ""):
                return str(note["id"])
        return None

    def _create_note(
        self, packet: dict[str, Any], contact_id: str, owner: str | None, mark: str
    ) -> str:
        text = (summary.summary_html(packet) + "\n" + summary.transcript_html(packet))[:64000]
        properties = {
            "hs_timestamp": packet.get("created_at") or datetime.now(UTC).isoformat(),
            "hs_note_body": f"{text}\n<p>ref {mark}</p>",
        }
        if owner:
            properties["hubspot_owner_id"] = owner
        association = {
            "to": {"id": contact_id},
            "types": [
                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": NOTE_TO_CONTACT}
            ],
        }
        made = self.call_json(
            "POST",
            "/crm/v3/objects/notes",
            "hubspot note create",
            json={"properties": properties, "associations": [association]},
        )
        return str(made["id"])
