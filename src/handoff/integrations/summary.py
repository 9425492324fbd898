"""The words every integration sends, written once: who, what they want, why, the transcript.

Plain text for CRMs and email, HTML (every visitor string escaped) for HubSpot and
Pipedrive notes and the email's HTML part. Slack escapes its own way (slack.py).
"""

from __future__ import annotations

import hashlib
import html
from typing import Any

Packet = dict[str, Any]

ROLES = {"visitor": "Visitor", "bot": "Bot", "agent": "Rep", "rep": "Rep"}
WANT_CHARS = 400


def marker(key: str) -> str:
    """A short, stable token naming a delivery: CRM records carry it so a redelivery finds them."""
    return "hk" + hashlib.sha256(key.encode()).hexdigest()[:20]


def contact(packet: Packet) -> dict[str, Any]:
    """The packet's contact (an empty dict if none)."""
    return packet.get("contact") or {}


def rep_attribute(packet: Packet, name: str) -> str | None:
    """A rep attribute (e.g. hubspot_owner_id) as a string, if the packet has a rep with it."""
    value = ((packet.get("rep") or {}).get("attributes") or {}).get(name)
    return None if value in (None, "") else str(value)


def display_name(packet: Packet) -> str:
    """The contact's name, else email, else 'Website visitor'."""
    c = contact(packet)
    return c.get("name") or c.get("email") or "Website visitor"


def split_name(packet: Packet) -> tuple[str, str]:
    """(first, last) from the contact's name; the last falls back to the email's local part."""
    c = contact(packet)
    parts = (c.get("name") or "").split()
    if len(parts) >= 2:
        return " ".join(parts[:-1]), parts[-1]
    if parts:
        return "", parts[0]
    return "", (c.get("email") or "Visitor").split("@")[0]


def title(packet: Packet) -> str:
    """A one-line title: 'Chat handoff: Priya Shah (BigCorp)'."""
    company = contact(packet).get("company")
    who = display_name(packet)
    return f"Chat handoff: {who} ({company})" if company else f"Chat handoff: {who}"


def who(packet: Packet) -> str:
    """Name, company, email, phone and place in one line."""
    c = contact(packet)
    place = c.get("region") or c.get("country")
    fields = [c.get("name"), c.get("company"), c.get("email"), c.get("phone"), place]
    return ", ".join(str(f) for f in fields if f) or "Website visitor (not identified)"


def last_visitor_message(packet: Packet) -> str | None:
    """The visitor's most recent words, if any."""
    for turn in reversed(packet.get("transcript") or []):
        if turn.get("role") == "visitor" and turn.get("text"):
            return str(turn["text"])
    return None


def wants(packet: Packet) -> str:
    """What they want: the product they asked about and their latest words."""
    product = ((packet.get("facts") or {}).get("product") or {}).get("value")
    said = last_visitor_message(packet)
    if said and len(said) > WANT_CHARS:
        said = said[: WANT_CHARS - 1] + "…"
    parts = [f"{product}" if product else None, f"“{said}”" if said else None]
    return " — ".join(p for p in parts if p) or "not stated"


def why(packet: Packet) -> list[str]:
    """Why this is a handoff: the decision's reason, met criteria, the intent score and signals."""
    lines = [packet["reason"]] if packet.get("reason") else []
    qualification = packet.get("qualification") or {}
    for c in qualification.get("criteria") or []:
        if c.get("status") == "met":
            lines.append(f"{c.get('id')}: {_number(c.get('value'))} (needs {c.get('expected')})")
    intent = packet.get("intent") or {}
    if intent.get("score") is not None:
        signals = ", ".join(s.get("id", "?") for s in intent.get("signals") or [])
        line = f"intent {_number(intent['score'])} (threshold {_number(intent.get('threshold'))})"
        lines.append(f"{line}: {signals}" if signals else line)
    triggers = intent.get("triggers") or []
    if triggers:
        lines.append("triggered by: " + ", ".join(triggers))
    return lines


def route(packet: Packet) -> str:
    """Route, team, priority, mode and rep in one line."""
    r = packet.get("route") or {}
    rep = (packet.get("rep") or {}).get("name")
    fields = [
        f"route {r['id']}" if r.get("id") else None,
        f"team {r['team']}" if r.get("team") else None,
        f"priority {r['priority']}" if r.get("priority") else None,
        packet.get("mode"),
        f"rep {rep}" if rep else None,
    ]
    return ", ".join(f for f in fields if f)


def transcript_lines(packet: Packet) -> list[str]:
    """The transcript as 'HH:MM Visitor: text' lines."""
    lines = []
    for turn in packet.get("transcript") or []:
        role = ROLES.get(turn.get("role", ""), str(turn.get("role", "?")).title())
        at = str(turn.get("at") or "")[11:16]
        lines.append(f"{at} {role}: {turn.get('text', '')}".strip())
    return lines


def summary_text(packet: Packet) -> str:
    """The qualification summary as plain text."""
    lines = [
        title(packet),
        f"Who: {who(packet)}",
        f"Wants: {wants(packet)}",
        "Why: " + "; ".join(why(packet)),
        f"Route: {route(packet)}",
    ]
    notes = packet.get("notes") or []
    if notes:
        lines.append("Bot notes: " + " / ".join(str(n) for n in notes))
    if packet.get("url"):
        lines.append(f"Handoff: {packet['url']}")
    return "\n".join(lines)


def transcript_text(packet: Packet) -> str:
    """The transcript as plain text."""
    return "\n".join(transcript_lines(packet)) or "(no messages)"


def summary_html(packet: Packet) -> str:
    """The qualification summary as HTML; every string escaped."""
    e = html.escape
    reasons = "".join(f"<li>{e(line)}</li>" for line in why(packet))
    parts = [
        f"<p><strong>{e(title(packet))}</strong></p>",
        f"<p><strong>Who:</strong> {e(who(packet))}</p>",
        f"<p><strong>Wants:</strong> {e(wants(packet))}</p>",
        f"<p><strong>Why:</strong></p><ul>{reasons}</ul>",
        f"<p><strong>Route:</strong> {e(route(packet))}</p>",
    ]
    notes = packet.get("notes") or []
    if notes:
        parts.append("<p><strong>Bot notes:</strong> " + e(" / ".join(map(str, notes))) + "</p>")
    if packet.get("url"):
        url = e(str(packet["url"]), quote=True)
        parts.append(f'<p><a href="{url}">Open the handoff</a></p>')
    return "\n".join(parts)


def transcript_html(packet: Packet) -> str:
    """The transcript as HTML; every string escaped."""
    lines = "<br>\n".join(html.escape(line) for line in transcript_lines(packet))
    return f"<p><strong>Transcript</strong></p>\n<p>{lines or '(no messages)'}</p>"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
