"""Integrations: a small base (base.py), one module per vendor; importing this registers them."""

from handoff.integrations import chatwoot, email, hubspot, pipedrive, salesforce, slack, webhook

__all__ = ["chatwoot", "email", "hubspot", "pipedrive", "salesforce", "slack", "webhook"]
