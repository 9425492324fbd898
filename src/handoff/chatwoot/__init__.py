"""Chatwoot, inbound: its webhooks verified, deduplicated and mapped to conversation events.

The outbound side (open, assign, note, reply) is the `chatwoot` integration
(handoff.integrations.chatwoot), delivered by the outbox worker.
"""
