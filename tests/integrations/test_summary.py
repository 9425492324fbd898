"""The shared words: who, what they want, why, the transcript; HTML escaped, text as is."""

from __future__ import annotations

from handoff.integrations import summary


def test_marker_is_stable_short_and_one_token():
    assert summary.marker("handoff:42:lead") == summary.marker("handoff:42:lead")
    assert summary.marker("handoff:42:lead") != summary.marker("handoff:43:lead")
    assert len(summary.marker("k")) == 22 and summary.marker("k").isalnum()


def test_summary_text_says_who_what_why_and_where(packet):
    text = summary.summary_text(packet)
    assert text.splitlines()[0] == "Chat handoff: Priya <b>Shah</b> (BigCorp & Sons)"
    assert (
        "Who: Priya <b>Shah</b>, BigCorp & Sons, priya@bigcorp.example, +1 212 555 0100, US-NY"
        in text
    )
    assert "Wants: enterprise — “<!channel> hi" in text
    assert "budget: 120,000 (needs ≥ 50000); timeline: 60 (needs within 180 days)" in text
    assert "intent 55 (threshold 40): pricing_page" in text
    assert (
        "Route: route enterprise-east, team enterprise-east, priority high, live, rep Jane Park"
        in text
    )
    assert text.endswith("Handoff: https://handoff.example.com/handoffs/42")


def test_html_escapes_every_visitor_string(packet):
    html = summary.summary_html(packet) + summary.transcript_html(packet)
    assert (
        "<script>" not in html
        and "<b>Shah" not in html
        and "<!channel>" not in html
        and "<!here>" not in html
    )
    assert "&lt;script&gt;" in html and "&lt;!here&gt;" in html and "BigCorp &amp; Sons" in html


def test_transcript_lines_carry_time_and_role(packet):
    assert summary.transcript_lines(packet)[:2] == [
        "15:03 Bot: Hi Priya! What are you looking for today?",
        "15:03 Visitor: We need SSO and an audit log for 2,000 people.",
    ]


def test_an_empty_packet_still_reads():
    empty: dict = {}
    assert summary.title(empty) == "Chat handoff: Website visitor"
    assert summary.wants(empty) == "not stated" and summary.why(empty) == []
    assert summary.transcript_text(empty) == "(no messages)"
    assert summary.split_name(empty) == ("", "Visitor")


def test_names_split_with_fallbacks(packet):
    packet["contact"] = {"name": "Ana Maria de Souza"}
    assert summary.split_name(packet) == ("Ana Maria de", "Souza")
    packet["contact"] = {"email": "cher@example.com"}
    assert (
        summary.split_name(packet) == ("", "cher")
        and summary.display_name(packet) == "cher@example.com"
    )


def test_long_words_are_cut(packet):
    packet["transcript"] = [{"role": "visitor", "text": "x" * 1000}]
    assert len(summary.wants(packet)) < 420


def test_rep_attributes(packet):
    assert summary.rep_attribute(packet, "hubspot_owner_id") == "901"
    assert summary.rep_attribute(packet, "nope") is None
    packet["rep"] = None
    assert summary.rep_attribute(packet, "hubspot_owner_id") is None
