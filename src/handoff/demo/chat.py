"""/demo/chat: be the visitor. A chat widget with a scripted qualifying bot, in demo mode only.

The bot speaks each decision's `say` and, while qualifying, asks for what `ask` lists; once
the conversation is handed off it falls silent and the rep's replies (agent messages, sent
from the dashboard's handoff page) reach the widget, which polls for new messages. Events
go through the same path as POST /v1/conversations/{id}/events. Only conversations this
page started (ids `demo-chat-<hex>`) can be read or written here.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from handoff.api.deps import Public, Services
from handoff.api.errors import ApiError
from handoff.api.routes.conversations import _ingest as ingest
from handoff.core.events import parse_event
from handoff.dashboard.templates import add_template_dir, render
from handoff.db.conversations import events_of
from handoff.db.handoffs import handoff_of
from handoff.db.roster import get_rep

HERE = Path(__file__).parent
ID = r"^demo-chat-[0-9a-f]{16}$"
ConversationId = Annotated[str, PathParam(pattern=ID)]
PAGES = ("/", "/pricing", "/enterprise", "/enterprise/sso", "/starter", "/blog/lead-routing-101")
GREETING = "Hi! I'm the Acme bot. What brings you here today?"
QUESTIONS = {
    "budget": "What budget do you have in mind for this?",
    "timeline": "When would you like to have this in place?",
    "authority": "What's your role in choosing a tool like this?",
}
ANYTHING_ELSE = "Anything else I can help with? I can also put you in touch with our team."

router = APIRouter(prefix="/demo/chat", include_in_schema=False)


class Start(BaseModel):
    """A new visitor, on one of the demo's pages."""

    page: str = Field(default="/pricing", max_length=200)


class Said(BaseModel):
    """What the visitor typed."""

    text: str = Field(min_length=1, max_length=2000)


def install_demo(app: FastAPI) -> None:
    """Serve /demo/chat and its static files when the settings turn demo mode on."""
    if not app.state.services.settings.demo:
        return
    add_template_dir(HERE / "templates")
    app.include_router(router)
    app.mount("/demo/static", StaticFiles(directory=HERE / "static"), name="demo-static")


def bot_reply(decision: dict[str, Any]) -> str:
    """What the scripted bot says after a decision: its `say`, else the next question."""
    if decision.get("say"):
        return decision["say"]
    ask = decision.get("ask") or []
    if decision["action"] == "qualify" and ask:
        return QUESTIONS.get(ask[0], f"Could you tell me about your {ask[0].replace('_', ' ')}?")
    return ANYTHING_ELSE


@router.get("")
def chat_page(request: Request, who: Public) -> Response:
    """The visitor's page: a chat widget and the page they pretend to be on."""
    return render(request, "demo_chat.html", {"pages": PAGES})


@router.post("/start")
async def start(request: Request, body: Start, who: Public) -> dict[str, Any]:
    """Start a conversation: the visitor's page view and the bot's greeting."""
    _json_only(request)
    if body.page not in PAGES:
        raise ApiError(422, "invalid", "not one of the demo's pages", "page")
    cid = f"demo-chat-{secrets.token_hex(8)}"
    services = request.app.state.services
    page = {"type": "page_view", "url": f"https://acme.example{body.page}"}
    greeting = {"type": "message", "role": "bot", "text": GREETING}
    return await run_in_threadpool(_record, services, cid, [page, greeting], -1)


@router.post("/{conversation_id}/page")
async def page(
    request: Request, conversation_id: ConversationId, body: Start, who: Public
) -> dict[str, Any]:
    """The visitor moved to another of the demo's pages."""
    _json_only(request)
    if body.page not in PAGES:
        raise ApiError(422, "invalid", "not one of the demo's pages", "page")
    services: Services = request.app.state.services
    view = {"type": "page_view", "url": f"https://acme.example{body.page}"}
    return await run_in_threadpool(_record, services, conversation_id, [view], None)


@router.post("/{conversation_id}/say")
async def say(
    request: Request, conversation_id: ConversationId, body: Said, who: Public
) -> dict[str, Any]:
    """The visitor's message, then (unless a rep has it) the bot's answer."""
    _json_only(request)
    services: Services = request.app.state.services
    return await run_in_threadpool(_converse, services, conversation_id, body.text)


@router.get("/{conversation_id}/messages")
def messages(request: Request, conversation_id: ConversationId, who: Public, after: int = -1):
    """The conversation's messages after `after` (a seq), and who has it now."""
    return _view(request.app.state.services, conversation_id, after)


def _json_only(request: Request) -> None:
    """Refuse what a cross-site form could send: only JSON bodies are read."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ApiError(415, "unsupported_media_type", "send JSON")


def _started(services: Services, cid: str) -> None:
    with services.sessions() as session:
        if not events_of(session, cid):
            raise ApiError(404, "not_found", "start the conversation first")


def _converse(services: Services, cid: str, text: str) -> dict[str, Any]:
    _started(services, cid)
    visitor = _message("visitor", text)
    now = services.clock()
    (outcome,) = ingest(services, cid, [visitor], [parse_event(visitor, 0, now)], now)
    carried = outcome.handoff is not None and not outcome.opened
    if not carried:
        bot = _message("bot", bot_reply(outcome.decision))
        ingest(services, cid, [bot], [parse_event(bot, 0, now)], now)
    view = _view(services, cid, outcome.seq - 1)
    decision = outcome.decision
    view["decision"] = {k: decision.get(k) for k in ("action", "mode", "reason", "ask")}
    return view


def _record(services: Services, cid: str, raws: list[dict], after: int | None) -> dict[str, Any]:
    now = services.clock()
    if after is None:
        _started(services, cid)
    for raw in raws:
        raw["event_id"] = str(uuid.uuid4())
    ingest(services, cid, raws, [parse_event(r, i, now) for i, r in enumerate(raws)], now)
    return {"conversation_id": cid, **_view(services, cid, -1 if after is None else after)}


def _message(role: str, text: str) -> dict[str, Any]:
    return {"type": "message", "role": role, "text": text, "event_id": str(uuid.uuid4())}


def _view(services: Services, cid: str, after: int) -> dict[str, Any]:
    with services.sessions() as session:
        events = events_of(session, cid)
        handoff = handoff_of(session, cid)
        rep = get_rep(session, handoff.rep) if handoff and handoff.rep else None
        messages = [
            {"seq": e.seq, "role": e.body["role"], "text": e.body["text"]}
            for e in events
            if e.seq > after and e.body.get("type") == "message"
        ]
        return {
            "messages": messages,
            "handoff": None
            if handoff is None
            else {"status": handoff.status, "mode": handoff.mode, "rep": rep.name if rep else None},
        }
