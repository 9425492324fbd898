"""Integrations: a small base (base.py), one module per vendor; importing this registers them."""

from handoff.integrations import email, hubspot, pipedrive, salesforce, slack, webhook

__all__ = ["email", "hubspot", "pipedrive", "salesforce", "slack", "webhook"]
