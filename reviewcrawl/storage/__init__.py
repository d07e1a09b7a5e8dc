"""Where records end up: SQLite (embedded default); PostgreSQL comes with the databases issue."""

from __future__ import annotations

from reviewcrawl.storage.sqlite import SQLiteStore

__all__ = ["SQLiteStore"]
