"""Salesforce REST: upsert the Lead by an external id field, then add a Task with the transcript.

The Lead upsert (PATCH by external id = the conversation id) is idempotent by itself. The
Task is deduplicated by lookup: its Subject carries the delivery's marker, and a SOQL query
for the Lead's Task with that Subject runs before creating one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from pydantic import Field, SecretStr, model_validator

from handoff.integrations import summary
from handoff.integrations.base import Delivery, Result, classify, register
from handoff.integrations.outbound import ApiIntegration, HttpConfig, json_of, refused, unsupported

TEXT_LIMIT = 32000
LEAD_FIELDS = {"email": "Email", "phone": "Phone", "country": "Country", "city": "City"}


class SalesforceConfig(HttpConfig):
    """A Salesforce org: its My Domain URL and a token, or a client-credentials connected app."""

    base_url: str
    api_version: str = Field(default="v60.0", pattern=r"^v\d+\.\d$")
    access_token: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    lead_external_id_field: str = Field(default="Handoff_Conversation_Id__c", pattern=r"^\w+$")
    lead_source: str = "Chat"
    lead_fields: dict[str, str] = {}
    default_owner_id: str | None = None
    task_status: str = "Not Started"

    @model_validator(mode="after")
    def _one_credential(self) -> SalesforceConfig:
        if self.access_token is None and not (self.client_id and self.client_secret):
            raise ValueError("set access_token, or client_id and client_secret")
        return self


def judge(response: httpx.Response, what: str) -> Result:
    """classify, except that the org's exhausted API limit (403 REQUEST_LIMIT_EXCEEDED) retries."""
    result = classify(response, what)
    if response.status_code == 403 and "REQUEST_LIMIT_EXCEEDED" in response.text:
        return Result(False, result.detail, retry=True)
    return result


def soql_string(value: str) -> str:
    """A SOQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@register
class Salesforce(ApiIntegration):
    """Lead + Task in Salesforce for each lead delivery."""

    name = "salesforce"
    Config = SalesforceConfig
    config: SalesforceConfig

    def deliver(self, delivery: Delivery) -> Result:
        """Upsert the Lead and add its Task once."""
        if delivery.kind != "lead":
            return unsupported(self.name, delivery.kind)
        self._token: str | None = None
        return self.http.run(lambda: self._lead(delivery))

    def _lead(self, delivery: Delivery) -> Result:
        packet = delivery.payload
        conversation = packet.get("conversation_id")
        if not conversation:
            raise refused("salesforce: the packet has no conversation_id to upsert the Lead by")
        owner = summary.rep_attribute(packet, "salesforce_user_id") or self.config.default_owner_id
        field = self.config.lead_external_id_field
        path = f"/sobjects/Lead/{field}/{quote(str(conversation), safe='')}"
        response = self._api(
            "PATCH", path, "salesforce lead upsert", json=self._lead_body(packet, owner)
        )
        created = response.status_code == 201
        lead_id = (json_of(response, "salesforce lead upsert") if response.content else {}).get(
            "id"
        )
        if not lead_id:
            found = self._api("GET", f"{path}?fields=Id", "salesforce lead read")
            lead_id = json_of(found, "salesforce lead read")["Id"]
        subject = f"{summary.title(packet)} [{summary.marker(delivery.key)}]"[-255:]
        task_id = self._find_task(lead_id, subject)
        task_new = task_id is None
        if task_id is None:
            task_id = self._create_task(packet, lead_id, owner, subject)
        return Result(
            True,
            f"salesforce: lead {lead_id} {'created' if created else 'updated'}, "
            f"task {task_id} {'created' if task_new else 'already there'}",
            external_id=lead_id,
            extra={
                "lead_id": lead_id,
                "task_id": task_id,
                "lead_created": created,
                "task_created": task_new,
            },
        )

    def root(self) -> str:
        """The org's REST root at the configured API version."""
        return f"{self.config.base_url.rstrip('/')}/services/data/{self.config.api_version}"

    def auth(self) -> dict[str, str]:
        """The configured token, or one from the client-credentials flow, as a bearer."""
        return {"Authorization": f"Bearer {self._bearer()}"}

    def _api(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        return self.call(method, path, what, judge, **kwargs)

    def _bearer(self) -> str:
        if self.config.access_token is not None:
            return self.config.access_token.get_secret_value()
        if self._token is None:
            assert self.config.client_secret is not None
            form = {
                "grant_type": "client_credentials",
                "client_id": self.config.client_id,
                "client_secret": self.config.client_secret.get_secret_value(),
            }
            url = self.config.base_url.rstrip("/") + "/services/oauth2/token"
            response = self.http.call("POST", url, "salesforce token", data=form)
            self._token = str(json_of(response, "salesforce token")["access_token"])
            self.http.secrets.append(self._token)
        return self._token

    def _lead_body(self, packet: dict[str, Any], owner: str | None) -> dict[str, Any]:
        c = summary.contact(packet)
        first, last = summary.split_name(packet)
        body: dict[str, Any] = {
            "FirstName": first or None,
            "LastName": last,
            "Company": c.get("company") or "[not provided]",
            "LeadSource": self.config.lead_source,
            "Description": summary.summary_text(packet)[:TEXT_LIMIT],
        }
        body |= {ours: c[theirs] for theirs, ours in LEAD_FIELDS.items() if c.get(theirs)}
        if owner:
            body["OwnerId"] = owner
        return {k: v for k, v in body.items() if v is not None} | self.config.lead_fields

    def _find_task(self, lead_id: str, subject: str) -> str | None:
        query = (
            f"SELECT Id FROM Task WHERE WhoId = {soql_string(lead_id)} "
            f"AND Subject = {soql_string(subject)} LIMIT 1"
        )
        response = self._api("GET", "/query", "salesforce task query", params={"q": query})
        records = json_of(response, "salesforce task query").get("records") or []
        return str(records[0]["Id"]) if records else None

    def _create_task(
        self, packet: dict[str, Any], lead_id: str, owner: str | None, subject: str
    ) -> str:
        text = summary.summary_text(packet) + "\n\nTranscript\n" + summary.transcript_text(packet)
        priority = "High" if (packet.get("route") or {}).get("priority") == "high" else "Normal"
        body = {
            "WhoId": lead_id,
            "Subject": subject,
            "Description": text[:TEXT_LIMIT],
            "Status": self.config.task_status,
            "Priority": priority,
        }
        if owner:
            body["OwnerId"] = owner
        response = self._api("POST", "/sobjects/Task", "salesforce task create", json=body)
        return str(json_of(response, "salesforce task create")["id"])
