"""Just enough of Chatwoot's application API, as documented, to hold conversations.

Paths under /api/v1/accounts/{account_id}/conversations/{conversation_id}: GET and POST
messages, POST toggle_status, POST assignments; the `api_access_token` header; an agent
bot's token may not list messages (401, as Chatwoot's BOT_ACCESSIBLE_ENDPOINTS say).
werkzeug's server drops headers with an underscore (so does nginx unless
`underscores_in_headers on`, which Chatwoot's install guide sets): `keep_token_header`
lets this one through, as Chatwoot's own server does.
"""

from __future__ import annotations

import itertools
import json
import re
import time

from werkzeug import Request, Response
from werkzeug.serving import WSGIRequestHandler

USER_TOKEN = "cw-user-token-0123456789"
BOT_TOKEN = "cw-bot-token-9876543210"
PATH = re.compile(
    r"^/api/v1/accounts/(\d+)/conversations/(\d+)/(messages|toggle_status|assignments)$"
)


def keep_token_header(monkeypatch) -> None:
    """Make werkzeug's server pass the `api_access_token` header on."""
    original = WSGIRequestHandler.make_environ

    def make_environ(handler: WSGIRequestHandler) -> dict:
        environ = original(handler)
        token = handler.headers.get("api_access_token")
        if token is not None:
            environ["HTTP_API_ACCESS_TOKEN"] = token
        return environ

    monkeypatch.setattr(WSGIRequestHandler, "make_environ", make_environ)


def _json(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


class FakeChatwoot:
    """Conversations with messages, status, assignee and team; every request kept."""

    def __init__(self, httpserver, account: int = 1) -> None:
        self.account = account
        self.conversations: dict[int, dict] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.ids = itertools.count(9001)
        self.fail: dict[str, Response] = {}
        httpserver.expect_request(re.compile(r"^/api/v1/.*")).respond_with_handler(self.handle)

    def conversation(self, cid: int, status: str = "pending") -> dict:
        """Create (or get) a conversation."""
        return self.conversations.setdefault(
            cid, {"status": status, "assignee_id": None, "team_id": None, "messages": []}
        )

    def incoming(self, cid: int, text: str) -> None:
        """A message from the contact."""
        self._add(self.conversation(cid), text, 0, False)

    def calls(self, action: str, method: str = "POST") -> list[dict]:
        """The bodies of the requests made to `action`."""
        return [body for m, a, body in self.requests if a == action and m == method]

    def handle(self, request: Request) -> Response:
        token = request.headers.get("api_access_token")
        if token not in (USER_TOKEN, BOT_TOKEN):
            return _json({"error": "Invalid Access Token"}, 401)
        match = PATH.match(request.path)
        if not match or int(match.group(1)) != self.account:
            return _json({"error": "Resource could not be found"}, 404)
        action = match.group(3)
        body = request.json if request.method == "POST" else {}
        self.requests.append((request.method, action, body))
        if action in self.fail:
            return self.fail[action]
        conversation = self.conversations.get(int(match.group(2)))
        if conversation is None:
            return _json({"error": "Resource could not be found"}, 404)
        if action == "messages" and request.method == "GET":
            if token == BOT_TOKEN:
                return _json({"error": "Access to this endpoint is not authorized for bots"}, 401)
            return _json({"meta": {"labels": []}, "payload": conversation["messages"][-20:]})
        if action == "messages":
            kind = {"incoming": 0, "outgoing": 1}[body.get("message_type", "outgoing")]
            return _json(self._add(conversation, body["content"], kind, bool(body.get("private"))))
        if action == "toggle_status":
            conversation["status"] = body["status"]
            payload = {"success": True, "conversation_id": int(match.group(2))}
            return _json({"meta": {}, "payload": payload | {"current_status": body["status"]}})
        if "assignee_id" in body:
            conversation["assignee_id"] = body["assignee_id"]
            return _json({"id": body["assignee_id"], "name": "Jane Park", "role": "agent"})
        conversation["team_id"] = body["team_id"]
        return _json({"id": body["team_id"], "name": "sales", "allow_auto_assign": True})

    def _add(self, conversation: dict, content: str, kind: int, private: bool) -> dict:
        message = {
            "id": next(self.ids),
            "content": content,
            "message_type": kind,
            "content_type": "text",
            "content_attributes": {},
            "created_at": int(time.time()),
            "private": private,
            "status": "sent",
            "source_id": None,
        }
        conversation["messages"].append(message)
        return message
