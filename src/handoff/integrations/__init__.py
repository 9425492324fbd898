"""Integrations: one module per vendor on a small base (see base.py)."""
