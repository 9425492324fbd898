"""HubSpot against a local server speaking CRM v3: contacts, 409 conflicts, notes, errors."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from werkzeug import Request, Response

from handoff.integrations.base import Delivery, build

from .conftest import SECRET, answer, local_config, serve

CONTACTS = "/crm/v3/objects/contacts"
NOTES = "/crm/v3/objects/notes"


def error(status: int, message: str, category: str) -> Response:
    body = {"status": "error", "message": message, "correlationId": "c0ffee", "category": category}
    return answer(body, status)


class FakeHubSpot:
    """Just enough of HubSpot CRM v3, as documented, to hold contacts and notes."""

    def __init__(self, httpserver, search_lags: bool = False) -> None:
        self.contacts: dict[str, dict] = {}
        self.notes: dict[str, dict] = {}
        self.ids = itertools.count(501)
        self.search_lags = search_lags
        routes = [
            (f"{CONTACTS}/search", "POST", self.search_contacts),
            (CONTACTS, "POST", self.create_contact),
            (re.compile(rf"^{CONTACTS}/\d+$"), "PATCH", self.update_contact),
            (f"{NOTES}/search", "POST", self.search_notes),
            (NOTES, "POST", self.create_note),
        ]
        serve(httpserver, routes, self.authorised)

    def authorised(self, handler):
        def check(request: Request) -> Response:
            if request.headers.get("Authorization") != f"Bearer {SECRET}":
                return error(401, "Authentication credentials not found.", "INVALID_AUTHENTICATION")
            return handler(request)

        return check

    def search_contacts(self, request: Request) -> Response:
        (wanted,) = request.json["filterGroups"][0]["filters"]
        assert wanted["propertyName"] == "email" and wanted["operator"] == "EQ"
        found = (
            []
            if self.search_lags
            else [
                {"id": cid, "properties": c}
                for cid, c in self.contacts.items()
                if c["email"] == wanted["value"]
            ]
        )
        return answer({"total": len(found), "results": found})

    def create_contact(self, request: Request) -> Response:
        props = request.json["properties"]
        for cid, c in self.contacts.items():
            if c["email"] == props["email"]:
                return error(409, f"Contact already exists. Existing ID: {cid}", "CONFLICT")
        cid = str(next(self.ids))
        self.contacts[cid] = props
        return answer({"id": cid, "properties": props, "archived": False}, 201)

    def update_contact(self, request: Request) -> Response:
        cid = request.path.rsplit("/", 1)[1]
        self.contacts[cid] |= request.json["properties"]
        return answer({"id": cid, "properties": self.contacts[cid]})

    def search_notes(self, request: Request) -> Response:
        filters = {f["propertyName"]: f for f in request.json["filterGroups"][0]["filters"]}
        contact, token = filters["associations.contact"]["value"], filters["hs_note_body"]["value"]
        assert filters["hs_note_body"]["operator"] == "CONTAINS_TOKEN"
        found = [
            {"id": nid, "properties": {"hs_note_body": n["properties"]["hs_note_body"]}}
            for nid, n in self.notes.items()
            if n["associations"][0]["to"]["id"] == contact
            and token in n["properties"]["hs_note_body"]
        ]
        return answer({"total": len(found), "results": found})

    def create_note(self, request: Request) -> Response:
        nid = str(next(self.ids))
        self.notes[nid] = request.json
        return answer({"id": nid, "properties": request.json["properties"]}, 201)


@pytest.fixture
def hubspot(httpserver, client):
    return build("hubspot", local_config(httpserver, access_token=SECRET, timeout=0.5), client)


def test_a_new_lead_creates_the_contact_and_an_associated_note(httpserver, hubspot, lead):
    fake = FakeHubSpot(httpserver)
    result = hubspot.deliver(lead)
    assert result.ok, result.detail
    ((cid, contact),) = fake.contacts.items()
    assert (
        result.external_id == cid
        and result.extra["contact_created"]
        and result.extra["note_created"]
    )
    assert contact["email"] == "priya@bigcorp.example" and contact["hubspot_owner_id"] == "901"
    assert contact["lastname"] == "<b>Shah</b>" and contact["state"] == "US-NY"
    (note,) = fake.notes.values()
    assert note["associations"] == [
        {
            "to": {"id": cid},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}],
        }
    ]
    body = note["properties"]["hs_note_body"]
    assert note["properties"]["hubspot_owner_id"] == "901"
    assert note["properties"]["hs_timestamp"] == "2026-03-03T15:04:10Z"
    assert "<script>" not in body and "&lt;script&gt;" in body and "We need SSO" in body


def test_a_redelivery_creates_no_second_contact_or_note(httpserver, hubspot, lead):
    fake = FakeHubSpot(httpserver)
    first = hubspot.deliver(lead)
    again = hubspot.deliver(Delivery(lead.kind, lead.key, lead.payload, attempt=2))
    assert again.ok and len(fake.contacts) == 1 and len(fake.notes) == 1
    assert again.extra["note_id"] == first.extra["note_id"] and not again.extra["note_created"]
    assert "updated" in again.detail and "already there" in again.detail


def test_another_delivery_for_the_same_contact_adds_a_note_to_it(httpserver, hubspot, lead):
    fake = FakeHubSpot(httpserver)
    hubspot.deliver(lead)
    hubspot.deliver(Delivery("lead", "handoff:43:lead", lead.payload))
    assert len(fake.contacts) == 1 and len(fake.notes) == 2


def test_a_conflict_on_create_updates_the_existing_contact(httpserver, hubspot, lead):
    fake = FakeHubSpot(httpserver, search_lags=True)
    fake.contacts["77"] = {"email": "priya@bigcorp.example"}
    result = hubspot.deliver(lead)
    assert result.ok and result.external_id == "77" and not result.extra["contact_created"]
    assert fake.contacts["77"]["company"] == "BigCorp & Sons" and len(fake.contacts) == 1


def test_a_wrong_token_is_parked_without_the_token(httpserver, client, lead):
    FakeHubSpot(httpserver)
    config = local_config(httpserver, access_token="wrong-" + SECRET)
    result = build("hubspot", config, client).deliver(lead)
    assert not result.ok and not result.retry
    assert (
        "HTTP 401" in result.detail
        and "INVALID_AUTHENTICATION" in result.detail
        and SECRET not in result.detail
    )


def test_a_validation_error_is_parked_with_the_vendor_message(httpserver, hubspot, lead):
    FakeHubSpot(httpserver)
    httpserver.expect_oneshot_request(CONTACTS, method="POST").respond_with_response(
        error(400, "Property values were not valid: phone", "VALIDATION_ERROR")
    )
    result = hubspot.deliver(lead)
    assert not result.ok and not result.retry and "Property values were not valid" in result.detail


def test_rate_limit_retries_after_the_header(httpserver, hubspot, lead):
    httpserver.expect_oneshot_request(f"{CONTACTS}/search").respond_with_response(
        Response(
            json.dumps(
                {
                    "status": "error",
                    "message": "You have reached your secondly limit.",
                    "category": "RATE_LIMITS",
                }
            ),
            status=429,
            headers={"Retry-After": "2"},
        )
    )
    result = hubspot.deliver(lead)
    assert not result.ok and result.retry and result.retry_after == 2.0


def test_server_errors_retry(httpserver, hubspot, lead):
    FakeHubSpot(httpserver)
    httpserver.expect_oneshot_request(NOTES, method="POST").respond_with_data(
        "internal error", status=502
    )
    result = hubspot.deliver(lead)
    assert not result.ok and result.retry and "hubspot note create: HTTP 502" in result.detail


def test_a_hang_times_out_and_retries(httpserver, hubspot, lead, hang):
    httpserver.expect_request(f"{CONTACTS}/search").respond_with_handler(hang)
    result = hubspot.deliver(lead)
    assert not result.ok and result.retry and "Timeout" in result.detail


def test_a_contact_without_email_is_parked(hubspot, lead):
    del lead.payload["contact"]["email"]
    result = hubspot.deliver(lead)
    assert not result.ok and not result.retry and "no email" in result.detail


def test_other_kinds_are_not_delivered(hubspot, lead):
    result = hubspot.deliver(Delivery("notify", "k", lead.payload))
    assert not result.ok and not result.retry and "does not deliver 'notify'" in result.detail


def test_the_default_owner_applies_without_a_rep(httpserver, client, lead):
    fake = FakeHubSpot(httpserver)
    lead.payload["rep"] = None
    config = local_config(
        httpserver,
        access_token=SECRET,
        default_owner_id="5",
        contact_properties={"lifecyclestage": "salesqualifiedlead"},
    )
    assert build("hubspot", config, client).deliver(lead).ok
    (contact,) = fake.contacts.values()
    assert contact["hubspot_owner_id"] == "5" and contact["lifecyclestage"] == "salesqualifiedlead"
