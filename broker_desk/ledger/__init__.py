"""Ledger storage: one SQLite file owned by one :class:`Ledger` object."""

from .core import DEFAULT_SETTINGS, Ledger
from .journal import Changes

__all__ = ["DEFAULT_SETTINGS", "Changes", "Ledger"]
