"""Salesforce against a local server speaking REST: Lead upsert by external id, Task, errors."""

from __future__ import annotations

import itertools
import re

import pytest
from pydantic import ValidationError
from werkzeug import Request, Response

from handoff.integrations.base import Delivery, build

from .conftest import SECRET, answer, local_config, serve

ROOT = "/services/data/v60.0"
LEADS = re.compile(rf"^{ROOT}/sobjects/Lead/Handoff_Conversation_Id__c/[^/]+$")
SOQL = re.compile(r"WhoId = '(?P<who>[^']*)' AND Subject = '(?P<subject>(?:[^'\\]|\\.)*)'")


class FakeSalesforce:
    """Just enough of the Salesforce REST API, as documented, to hold Leads and Tasks."""

    def __init__(self, httpserver, token: str = SECRET, legacy_204: bool = False) -> None:
        self.token = token
        self.legacy_204 = legacy_204
        self.leads: dict[str, dict] = {}
        self.tasks: dict[str, dict] = {}
        self.ids = itertools.count(1)
        routes = [
            (LEADS, "PATCH", self.upsert_lead),
            (LEADS, "GET", self.read_lead),
            (f"{ROOT}/query", "GET", self.query),
            (f"{ROOT}/sobjects/Task", "POST", self.create_task),
        ]
        serve(httpserver, routes, self.authorised)

    def authorised(self, handler):
        def check(request: Request) -> Response:
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                return answer(
                    [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}],
                    401,
                )
            return handler(request)

        return check

    def upsert_lead(self, request: Request) -> Response:
        key = request.path.rsplit("/", 1)[1]
        missing = [f for f in ("LastName", "Company") if not request.json.get(f)]
        if missing:
            return answer(
                [
                    {
                        "message": f"Required fields are missing: {missing}",
                        "errorCode": "REQUIRED_FIELD_MISSING",
                        "fields": missing,
                    }
                ],
                400,
            )
        for lead_id, lead in self.leads.items():
            if lead["_key"] == key:
                lead |= request.json
                if self.legacy_204:
                    return Response(status=204)
                return answer({"id": lead_id, "success": True, "errors": [], "created": False})
        lead_id = f"00Q{next(self.ids):015d}"
        self.leads[lead_id] = {"_key": key, **request.json}
        return answer({"id": lead_id, "success": True, "errors": [], "created": True}, 201)

    def read_lead(self, request: Request) -> Response:
        key = request.path.rsplit("/", 1)[1]
        assert request.args["fields"] == "Id"
        lead_id = next(i for i, lead in self.leads.items() if lead["_key"] == key)
        return answer({"attributes": {"type": "Lead"}, "Id": lead_id})

    def query(self, request: Request) -> Response:
        match = SOQL.search(request.args["q"])
        assert request.args["q"].startswith("SELECT Id FROM Task") and match
        subject = re.sub(r"\\(.)", r"\1", match["subject"])
        found = [
            {"attributes": {"type": "Task"}, "Id": tid}
            for tid, t in self.tasks.items()
            if t["WhoId"] == match["who"] and t["Subject"] == subject
        ]
        return answer({"totalSize": len(found), "done": True, "records": found})

    def create_task(self, request: Request) -> Response:
        task_id = f"00T{next(self.ids):015d}"
        self.tasks[task_id] = request.json
        return answer({"id": task_id, "success": True, "errors": []}, 201)


def config(httpserver, **more) -> dict:
    return local_config(httpserver, access_token=SECRET, timeout=0.5, **more)


@pytest.fixture
def salesforce(httpserver, client):
    return build("salesforce", config(httpserver), client)


def test_a_new_lead_is_upserted_with_its_owner_and_a_task(httpserver, salesforce, lead):
    fake = FakeSalesforce(httpserver)
    result = salesforce.deliver(lead)
    assert result.ok, result.detail
    ((lead_id, record),) = fake.leads.items()
    assert (
        record["_key"] == "conv-7f3a"
        and result.external_id == lead_id
        and result.extra["lead_created"]
    )
    assert record["OwnerId"] == "005xx0000012345AAA" and record["LastName"] == "<b>Shah</b>"
    assert record["Company"] == "BigCorp & Sons" and record["LeadSource"] == "Chat"
    assert "Why: Handoff live to jane" in record["Description"]
    (task,) = fake.tasks.values()
    assert (
        task["WhoId"] == lead_id
        and task["Priority"] == "High"
        and task["OwnerId"] == "005xx0000012345AAA"
    )
    assert task["Status"] == "Not Started" and "Transcript" in task["Description"]
    assert re.search(r"\[hk[0-9a-f]{20}\]$", task["Subject"])


def test_a_redelivery_updates_the_lead_and_adds_no_second_task(httpserver, salesforce, lead):
    fake = FakeSalesforce(httpserver)
    first = salesforce.deliver(lead)
    again = salesforce.deliver(Delivery(lead.kind, lead.key, lead.payload, attempt=3))
    assert again.ok and len(fake.leads) == 1 and len(fake.tasks) == 1
    assert again.extra["task_id"] == first.extra["task_id"] and not again.extra["lead_created"]
    assert "updated" in again.detail and "already there" in again.detail


def test_an_update_answered_204_reads_the_lead_id(httpserver, salesforce, lead):
    fake = FakeSalesforce(httpserver, legacy_204=True)
    first = salesforce.deliver(lead)
    again = salesforce.deliver(lead)
    assert again.ok and again.external_id == first.external_id and len(fake.tasks) == 1


def test_quotes_in_the_subject_are_escaped_in_soql(httpserver, salesforce, lead):
    fake = FakeSalesforce(httpserver)
    lead.payload["contact"]["name"] = "Sean O'Brien \\ Co"
    salesforce.deliver(lead)
    salesforce.deliver(lead)
    assert len(fake.tasks) == 1


def test_client_credentials_fetch_a_token_that_never_shows(httpserver, client, lead):
    fake = FakeSalesforce(httpserver, token="fresh-token-abcdef123456")
    httpserver.expect_request("/services/oauth2/token", method="POST").respond_with_json(
        {
            "access_token": "fresh-token-abcdef123456",
            "instance_url": httpserver.url_for(""),
            "token_type": "Bearer",
        }
    )
    httpserver.expect_oneshot_request(
        "/services/data/v60.0/sobjects/Task", method="POST"
    ).respond_with_data("token fresh-token-abcdef123456 rejected", status=500)
    cfg = config(httpserver, client_id="3MVG9", client_secret=SECRET)
    del cfg["access_token"]
    result = build("salesforce", cfg, client).deliver(lead)
    token_request = next(r for r, _ in httpserver.log if r.path == "/services/oauth2/token")
    assert token_request.form.to_dict() == {
        "grant_type": "client_credentials",
        "client_id": "3MVG9",
        "client_secret": SECRET,
    }
    assert (
        not result.ok
        and result.retry
        and "fresh-token" not in result.detail
        and len(fake.leads) == 1
    )


def test_a_refused_client_secret_is_parked(httpserver, client, lead):
    httpserver.expect_request("/services/oauth2/token").respond_with_json(
        {"error": "invalid_client", "error_description": "invalid client credentials"}, status=400
    )
    cfg = {**config(httpserver, client_id="3MVG9", client_secret=SECRET), "access_token": None}
    result = build("salesforce", cfg, client).deliver(lead)
    assert (
        not result.ok
        and not result.retry
        and "invalid_client" in result.detail
        and SECRET not in result.detail
    )


def test_a_credential_is_required(httpserver, client):
    with pytest.raises(ValidationError, match="access_token, or client_id and client_secret"):
        build("salesforce", {"base_url": "https://acme.my.salesforce.com"}, client)


def test_an_expired_session_is_parked(httpserver, client, lead):
    FakeSalesforce(httpserver, token="another")
    result = build("salesforce", config(httpserver), client).deliver(lead)
    assert not result.ok and not result.retry and "INVALID_SESSION_ID" in result.detail
    assert SECRET not in result.detail


def test_a_validation_error_is_parked_with_the_vendor_message(httpserver, client, lead):
    FakeSalesforce(httpserver)
    cfg = config(httpserver, lead_fields={"Company": ""})
    result = build("salesforce", cfg, client).deliver(lead)
    assert not result.ok and not result.retry
    assert "REQUIRED_FIELD_MISSING" in result.detail and "Company" in result.detail


def test_the_org_api_limit_retries(httpserver, salesforce, lead):
    httpserver.expect_request(LEADS, method="PATCH").respond_with_json(
        [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
        status=403,
    )
    result = salesforce.deliver(lead)
    assert not result.ok and result.retry


@pytest.mark.parametrize(
    ("status", "headers", "after"), [(503, {}, None), (429, {"Retry-After": "30"}, 30.0)]
)
def test_unavailable_and_rate_limited_retry(httpserver, salesforce, lead, status, headers, after):
    httpserver.expect_request(LEADS, method="PATCH").respond_with_json(
        [{"message": "Server unavailable", "errorCode": "SERVER_UNAVAILABLE"}],
        status=status,
        headers=headers,
    )
    result = salesforce.deliver(lead)
    assert not result.ok and result.retry and result.retry_after == after


def test_a_hang_times_out_and_retries(httpserver, salesforce, lead, hang):
    httpserver.expect_request(LEADS, method="PATCH").respond_with_handler(hang)
    result = salesforce.deliver(lead)
    assert not result.ok and result.retry and "Timeout" in result.detail


def test_the_external_id_is_quoted_into_the_path(httpserver, salesforce, lead):
    httpserver.expect_request(re.compile(".*")).respond_with_json(
        [{"errorCode": "NOT_FOUND"}], status=404
    )
    lead.payload["conversation_id"] = "conv/../x y"
    assert not salesforce.deliver(lead).ok
    request, _ = httpserver.log[0]
    assert request.environ["RAW_URI"].endswith("/Handoff_Conversation_Id__c/conv%2F..%2Fx%20y")
