"""One schema for every database reviewcrawl writes to, as versioned migrations.

The DDL is written once in the SQL that SQLite and PostgreSQL both read: TEXT, INTEGER and
DOUBLE PRECISION (SQLite gives it REAL affinity), ``CREATE ... IF NOT EXISTS``. Dates stay the ISO
8601 text the feed carries (a review's date may be a day or an instant with its offset); JSON
values (sources, aggregate_rating, item_reviewed) are JSON text, so both databases hold the same
rows byte for byte.

A database records the migrations it has had in ``schema_migrations``; opening it applies the
missing ones in order, each in its own transaction, and refuses a database newer than the code.
SQLite databases made before that table existed said their version in ``PRAGMA user_version``
(1-4); their migrations are recorded as already applied.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Migration"]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "reviews: one row per canonical_url", (
        """CREATE TABLE IF NOT EXISTS reviews (
            canonical_url     TEXT PRIMARY KEY,
            url               TEXT NOT NULL,
            site              TEXT NOT NULL,
            title             TEXT,
            author            TEXT,
            date_published    TEXT,
            date_modified     TEXT,
            rating_value      DOUBLE PRECISION,
            rating_best       DOUBLE PRECISION,
            rating_worst      DOUBLE PRECISION,
            rating_normalized DOUBLE PRECISION,
            rating_raw        TEXT,
            aggregate_rating  TEXT,
            item_reviewed     TEXT,
            language          TEXT,
            text              TEXT,
            fingerprint       TEXT,
            duplicate_of      TEXT,
            sources           TEXT,
            fetched_at        TEXT,
            run_id            TEXT,
            first_seen        TEXT NOT NULL,
            last_seen         TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS reviews_site ON reviews(site)",
        "CREATE INDEX IF NOT EXISTS reviews_duplicate_of ON reviews(duplicate_of)",
    )),
    # every near-copy found, exported (marked) or not (dropped); an original that a preferred site
    # or an earlier date displaced is listed as a copy of the review that displaced it
    Migration(2, "duplicates: copy -> original", (
        """CREATE TABLE IF NOT EXISTS duplicates (
            copy_url      TEXT PRIMARY KEY,
            original_url  TEXT NOT NULL,
            similarity    DOUBLE PRECISION,
            containment   DOUBLE PRECISION,
            exact         INTEGER NOT NULL DEFAULT 0,
            dropped       INTEGER NOT NULL DEFAULT 0,
            run_id        TEXT,
            found_at      TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS duplicates_original ON duplicates(original_url)",
    )),
    # one row per run: its summary (the run-<run_id>.json beside the feed), the main counts as columns
    Migration(3, "runs: the run summaries", (
        """CREATE TABLE IF NOT EXISTS runs (
            run_id       TEXT PRIMARY KEY,
            started_at   TEXT NOT NULL,
            finished_at  TEXT,
            status       TEXT NOT NULL,
            exit_code    INTEGER NOT NULL,
            pages        INTEGER NOT NULL DEFAULT 0,
            reviews      INTEGER NOT NULL DEFAULT 0,
            near_copies  INTEGER NOT NULL DEFAULT 0,
            errors       INTEGER NOT NULL DEFAULT 0,
            summary      TEXT NOT NULL
        )""",
    )),
    # what the last fetch of each URL left for the next run (reviewcrawl/incremental.py): its HTTP
    # validators, when its body was last downloaded, the requests it led to (replayed when the page
    # answers 304 Not Modified), and the review it gave; no bodies
    Migration(4, "pages: the incremental crawl's state", (
        """CREATE TABLE IF NOT EXISTS pages (
            url            TEXT PRIMARY KEY,
            etag           TEXT,
            last_modified  TEXT,
            fetched_at     TEXT,
            run_id         TEXT,
            links          TEXT,
            review         TEXT
        )""",
    )),
    # a run's row is written when it starts (status 'running', exit_code 5 until it ends; its lock
    # file and PID) and replaced when it ends; a run killed on the way stays 'running' until the
    # next run that takes its lock marks it 'killed' (reviewcrawl/recovery.py). published: 1 once
    # every feed of the run is under its final name; only published runs' pages and reviews count
    # as exported. Runs recorded before (at their end, after their feeds) are published.
    Migration(5, "runs: published, lock, pid (killed runs are found and redone)", (
        "ALTER TABLE runs ADD COLUMN published INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE runs ADD COLUMN lock TEXT",
        "ALTER TABLE runs ADD COLUMN pid INTEGER",
    )),
)  # fmt: skip

SCHEMA_VERSION = MIGRATIONS[-1].version

MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version      INTEGER PRIMARY KEY,
    description  TEXT NOT NULL,
    applied_at   TEXT NOT NULL
)"""
