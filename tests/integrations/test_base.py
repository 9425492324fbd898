"""The registry builds every integration by name; configs come from dicts or the environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import handoff.integrations  # noqa: F401  (registers every vendor module)
from handoff.integrations.base import REGISTRY, build, config_from_env


def test_every_integration_is_registered():
    assert sorted(REGISTRY) == [
        "chatwoot",
        "email",
        "hubspot",
        "pipedrive",
        "salesforce",
        "slack",
        "webhook",
    ]


def test_config_from_the_environment(client):
    environ = {
        "HANDOFF_HUBSPOT_ACCESS_TOKEN": "pat-na1-xyz",
        "HANDOFF_HUBSPOT_TIMEOUT": "5",
        "HANDOFF_HUBSPOT_CONTACT_PROPERTIES": '{"lifecyclestage": "salesqualifiedlead"}',
        "HANDOFF_HUBSPOT_UNKNOWN": "ignored",
        "HANDOFF_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/x",
    }
    config = config_from_env("hubspot", environ)
    assert config == {
        "access_token": "pat-na1-xyz",
        "timeout": "5",
        "contact_properties": {"lifecyclestage": "salesqualifiedlead"},
    }
    hubspot = build("hubspot", config, client)
    assert hubspot.config.timeout == 5.0 and "pat-na1-xyz" not in repr(hubspot.config)


def test_unknown_keys_are_refused(client):
    with pytest.raises(ValidationError):
        build("pipedrive", {"api_token": "t", "api_tokn": "typo"}, client)
