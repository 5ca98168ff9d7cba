"""The third pass's fixture, for every test module here."""

from .small import small  # noqa: F401 - a fixture
