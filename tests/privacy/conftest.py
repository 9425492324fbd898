"""The API fixtures (an app on each store with a key per scope), shared with tests/api."""

from api.conftest import api, settings  # noqa: F401
