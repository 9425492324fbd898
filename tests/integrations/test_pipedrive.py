"""Pipedrive against a local server speaking its API: persons (v2), leads and notes (v1), errors."""

from __future__ import annotations

import itertools
import uuid

import pytest
from werkzeug import Request, Response

from handoff.integrations.base import Delivery, build

from .conftest import SECRET, answer, local_config, serve


class FakePipedrive:
    """Just enough of the Pipedrive API, as documented, to hold persons, leads and notes."""

    def __init__(self, httpserver) -> None:
        self.persons: dict[int, dict] = {}
        self.leads: dict[str, dict] = {}
        self.notes: dict[int, dict] = {}
        self.ids = itertools.count(11)
        routes = [
            ("/api/v2/persons/search", "GET", self.search_persons),
            ("/api/v2/persons", "POST", self.add_person),
            ("/v1/leads", "GET", self.list_leads),
            ("/v1/leads", "POST", self.add_lead),
            ("/v1/notes", "GET", self.list_notes),
            ("/v1/notes", "POST", self.add_note),
        ]
        serve(httpserver, routes, self.authorised)

    def authorised(self, handler):
        def check(request: Request) -> Response:
            if request.headers.get("x-api-token") != SECRET or "api_token" in request.args:
                return answer(
                    {
                        "success": False,
                        "error": "unauthorized access",
                        "errorCode": 401,
                        "error_info": "Please check developers.pipedrive.com",
                    },
                    401,
                )
            return handler(request)

        return check

    def search_persons(self, request: Request) -> Response:
        assert request.args["fields"] == "email" and request.args["exact_match"] == "true"
        items = [
            {
                "result_score": 1.0,
                "item": {
                    "id": pid,
                    "type": "person",
                    "name": p["name"],
                    "emails": [e["value"] for e in p["emails"]],
                },
            }
            for pid, p in self.persons.items()
            if request.args["term"] in [e["value"] for e in p["emails"]]
        ]
        return answer(
            {"success": True, "data": {"items": items}, "additional_data": {"next_cursor": None}}
        )

    def add_person(self, request: Request) -> Response:
        pid = next(self.ids)
        self.persons[pid] = request.json
        return answer({"success": True, "data": {"id": pid, **request.json}})

    def list_leads(self, request: Request) -> Response:
        person = int(request.args["person_id"])
        data = [
            {"id": lid, **lead} for lid, lead in self.leads.items() if lead["person_id"] == person
        ]
        return answer({"success": True, "data": data or None, "additional_data": {}})

    def add_lead(self, request: Request) -> Response:
        if not request.json.get("title"):
            return answer(
                {
                    "success": False,
                    "error": "Validation failed: title: Required",
                    "code": "ERR_SCHEMA_VALIDATION_FAILED",
                },
                400,
            )
        lid = str(uuid.uuid4())
        self.leads[lid] = {**request.json, "origin": "API"}
        return answer({"success": True, "data": {"id": lid, **self.leads[lid]}}, 201)

    def list_notes(self, request: Request) -> Response:
        data = [
            {"id": nid, **n}
            for nid, n in self.notes.items()
            if n["lead_id"] == request.args["lead_id"]
        ]
        return answer({"success": True, "data": data, "additional_data": {}})

    def add_note(self, request: Request) -> Response:
        nid = next(self.ids)
        self.notes[nid] = request.json
        return answer({"success": True, "data": {"id": nid, **request.json}})


@pytest.fixture
def pipedrive(httpserver, client):
    return build("pipedrive", local_config(httpserver, api_token=SECRET, timeout=0.5), client)


def test_a_new_lead_adds_person_lead_and_note_owned_by_the_rep(httpserver, pipedrive, lead):
    fake = FakePipedrive(httpserver)
    result = pipedrive.deliver(lead)
    assert result.ok, result.detail
    ((pid, person),) = fake.persons.items()
    assert person["emails"] == [
        {"value": "priya@bigcorp.example", "primary": True, "label": "work"}
    ]
    assert person["owner_id"] == 77 and person["name"] == "Priya <b>Shah</b>"
    ((lid, record),) = fake.leads.items()
    assert (
        record["person_id"] == pid
        and record["owner_id"] == 77
        and record["origin_id"].startswith("hk")
    )
    assert record["title"] == "Chat handoff: Priya <b>Shah</b> (BigCorp & Sons)"
    (note,) = fake.notes.values()
    assert (
        note["lead_id"] == lid
        and "&lt;!channel&gt;" in note["content"]
        and "<script>" not in note["content"]
    )
    assert result.external_id == lid and result.extra["created"] == {
        "person": True,
        "lead": True,
        "note": True,
    }


def test_a_redelivery_adds_nothing_twice(httpserver, pipedrive, lead):
    fake = FakePipedrive(httpserver)
    pipedrive.deliver(lead)
    again = pipedrive.deliver(Delivery(lead.kind, lead.key, lead.payload, attempt=2))
    assert again.ok and (len(fake.persons), len(fake.leads), len(fake.notes)) == (1, 1, 1)
    assert again.extra["created"] == {"person": False, "lead": False, "note": False}


def test_a_known_person_gets_a_second_lead_for_another_handoff(httpserver, pipedrive, lead):
    fake = FakePipedrive(httpserver)
    pipedrive.deliver(lead)
    pipedrive.deliver(Delivery("lead", "handoff:99:lead", lead.payload))
    assert (len(fake.persons), len(fake.leads), len(fake.notes)) == (1, 2, 2)


def test_a_note_lost_after_the_lead_is_added_on_redelivery(httpserver, pipedrive, lead):
    fake = FakePipedrive(httpserver)
    httpserver.expect_oneshot_request("/v1/notes", method="POST").respond_with_response(
        answer({"success": False, "error": "Service unavailable"}, 503)
    )
    first = pipedrive.deliver(lead)
    again = pipedrive.deliver(lead)
    assert not first.ok and first.retry and again.ok
    assert (len(fake.leads), len(fake.notes)) == (1, 1) and again.extra["created"]["note"]


def test_a_wrong_token_is_parked_without_the_token(httpserver, client, lead):
    FakePipedrive(httpserver)
    config = local_config(httpserver, api_token="x" + SECRET)
    result = build("pipedrive", config, client).deliver(lead)
    assert not result.ok and not result.retry and "unauthorized access" in result.detail
    assert SECRET not in result.detail


def test_a_validation_error_is_parked_with_the_vendor_message(httpserver, pipedrive, lead):
    FakePipedrive(httpserver)
    httpserver.expect_oneshot_request("/v1/leads", method="POST").respond_with_response(
        answer({"success": False, "error": "Validation failed: owner_id: User not found"}, 400)
    )
    result = pipedrive.deliver(lead)
    assert not result.ok and not result.retry and "User not found" in result.detail


@pytest.mark.parametrize(
    ("headers", "after"), [({"Retry-After": "3"}, 3.0), ({"x-ratelimit-reset": "9"}, 9.0)]
)
def test_rate_limits_retry_after_the_header(httpserver, pipedrive, lead, headers, after):
    httpserver.expect_request("/api/v2/persons/search").respond_with_response(
        answer({"success": False, "error": "Request over limit"}, 429, **headers)
    )
    result = pipedrive.deliver(lead)
    assert not result.ok and result.retry and result.retry_after == after


def test_server_errors_retry(httpserver, pipedrive, lead):
    httpserver.expect_request("/api/v2/persons/search").respond_with_data("Bad gateway", status=502)
    result = pipedrive.deliver(lead)
    assert not result.ok and result.retry


def test_a_hang_times_out_and_retries(httpserver, pipedrive, lead, hang):
    httpserver.expect_request("/api/v2/persons/search").respond_with_handler(hang)
    result = pipedrive.deliver(lead)
    assert not result.ok and result.retry and "Timeout" in result.detail


def test_a_non_numeric_owner_is_parked(pipedrive, lead):
    lead.payload["rep"]["attributes"]["pipedrive_user_id"] = "jane"
    result = pipedrive.deliver(lead)
    assert not result.ok and not result.retry and "not a number" in result.detail


def test_a_garbled_answer_retries_instead_of_raising(httpserver, pipedrive, lead):
    httpserver.expect_request("/api/v2/persons/search").respond_with_json(
        {"success": True, "data": {"items": [{}]}}
    )
    result = pipedrive.deliver(lead)
    assert not result.ok and result.retry and "unexpected answer" in result.detail
