"""The storage interface: every query reviewcrawl runs, written once for SQLite and PostgreSQL.

A backend (reviewcrawl/storage/sqlite.py, reviewcrawl/storage/postgres.py) supplies a connection,
a transaction, its placeholder and how it records schema versions; the SQL here is the subset both
speak (``ON CONFLICT ... DO UPDATE``, ``UPDATE ... FROM``, ``IS DISTINCT FROM`` spelled per dialect).

Writes are idempotent: a review row changes only when a record fetched at least as late as the
stored one brings other content or a later ``last_seen``; loading the same feed twice, or an
older feed after a newer one, changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reviewcrawl.items import clean_text, scrub
from reviewcrawl.storage.schema import MIGRATIONS, MIGRATIONS_TABLE, SCHEMA_VERSION

__all__ = [
    "COLUMNS",
    "CONTENT_COLUMNS",
    "DUPLICATE_COLUMNS",
    "KILLED",
    "RUNNING",
    "RUN_COLUMNS",
    "PageState",
    "SchemaError",
    "Store",
    "content_of",
    "record_problem",
    "row_from_record",
]

RUN_COLUMNS = ("run_id", "started_at", "finished_at", "status", "exit_code", "pages", "reviews", "near_copies", "errors")  # fmt: skip
DUPLICATE_COLUMNS = ("copy_url", "original_url", "similarity", "containment", "exact", "dropped", "run_id", "found_at")
CONTENT_COLUMNS = (
    "url", "site", "title", "author", "date_published", "date_modified", "rating_value",
    "rating_best", "rating_worst", "rating_normalized", "rating_raw", "aggregate_rating",
    "item_reviewed", "language", "text", "fingerprint", "duplicate_of", "sources",
)  # fmt: skip
COLUMNS = ("canonical_url", *CONTENT_COLUMNS, "fetched_at", "run_id", "first_seen", "last_seen")


class SchemaError(RuntimeError):
    """The database's schema is newer than this reviewcrawl, or a migration failed."""


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


@dataclass(frozen=True)
class PageState:
    etag: str | None
    last_modified: str | None
    fetched_at: str | None
    #: (url, callback name) of the requests the page led to
    links: list[tuple[str, ...]]
    #: canonical_url of the review the page gave, if any
    review: str | None


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def row_from_record(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """A record (a Review as a dict, or a feed line) as a reviews row, in COLUMNS order; text
    scrubbed of NUL and lone surrogates (no database or feed can hold them). Called for every
    row of a load: built straight, no intermediate dict."""
    get = record.get
    rating = get("rating")
    if not isinstance(rating, Mapping):  # a feed line of another shape: record_problem names it
        rating = {}
    seen = get("fetched_at")
    rget = rating.get
    row = (
        get("canonical_url"), get("url"), get("site"), get("title"), get("author"), get("date_published"),
        get("date_modified"), rget("value"), rget("best"), rget("worst"), rget("normalized"), rget("raw"),
        _json(scrub(get("aggregate_rating"))), _json(scrub(get("item_reviewed"))), get("language"), get("text"),
        get("fingerprint"), get("duplicate_of"), _json(scrub(get("sources"))), seen, get("run_id"), seen, seen,
    )  # fmt: skip
    return tuple(clean_text(v) if type(v) is str else v for v in row)


TEXT_FIELDS = ("canonical_url", "url", "site", "title", "author", "date_published", "date_modified", "language",
               "text", "fingerprint", "duplicate_of", "fetched_at", "run_id")  # fmt: skip
RATING_NUMBERS = ("value", "best", "worst", "normalized")


def record_problem(record: Any) -> str | None:
    """Why a record (a feed line) cannot be a reviews row, or None: what the database needs,
    checked in a few microseconds (the JSON Schema, for exports, takes a few hundred).

    >>> record_problem({"canonical_url": "u", "url": "u", "site": "s", "fetched_at": "t", "rating": "4/5"})
    'rating: expected an object or null, got str'
    """
    if not isinstance(record, Mapping):
        return f"expected an object, got {type(record).__name__}"
    for name in ("url", "site", "fetched_at"):
        if not record.get(name):
            return f"{name}: missing"
    for name in TEXT_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return f"{name}: expected text or null, got {type(value).__name__}"
    rating = record.get("rating")
    if rating is not None:
        if not isinstance(rating, Mapping):
            return f"rating: expected an object or null, got {type(rating).__name__}"
        for name in RATING_NUMBERS:
            value = rating.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                return f"rating/{name}: expected a number or null, got {type(value).__name__}"
        if rating.get("raw") is not None and not isinstance(rating.get("raw"), str):
            return "rating/raw: expected text or null"
    return None


def content_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record's content as the reviews table stores it (every column but fetched_at, run_id)."""
    return dict(zip(COLUMNS, row_from_record(record), strict=True))


#: status of a run's row from its start to its end; of a run that never ended (reviewcrawl/recovery.py)
RUNNING, KILLED = "running", "killed"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """reviews, duplicates, runs and pages in one SQL database (see reviewcrawl/storage/schema.py)."""

    #: how the dialect says "differs from, NULLs included"
    distinct = "IS DISTINCT FROM"
    #: byte order for comparing ISO 8601 times as text, whatever the database's collation
    collate_c = ' COLLATE "C"'
    #: where the database is, without credentials (for messages and logs)
    where = ""

    # -- what a backend supplies --------------------------------------------------------------

    def _transaction(self) -> contextlib.AbstractContextManager[Cursor]:
        """A cursor inside one transaction: committed on exit, rolled back on an exception."""
        raise NotImplementedError

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read (no transaction of its own needed)."""
        raise NotImplementedError

    def _legacy_version(self) -> int:
        """The schema version a database made before schema_migrations says it has (0: none)."""
        return 0

    def _lock_migrations(self, cur: Cursor) -> None:
        """Keep two processes from migrating the same database at once (inside the transaction)."""

    def close(self) -> None:
        raise NotImplementedError

    # -- schema -------------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply the missing migrations in order; returns the schema version the database has now."""
        with self._transaction() as cur:
            self._lock_migrations(cur)
            cur.execute(MIGRATIONS_TABLE)
            applied = {row[0] for row in cur.execute("SELECT version FROM schema_migrations").fetchall()}
            if not applied:
                legacy = self._legacy_version()
                for m in MIGRATIONS:
                    if m.version <= legacy:  # made by an older reviewcrawl: those tables exist
                        cur.execute(
                            "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                            (m.version, f"{m.description} (before schema_migrations)", _now()),
                        )
                        applied.add(m.version)
            newest = max(applied, default=0)
            if newest > SCHEMA_VERSION:
                raise SchemaError(
                    f"{self.where}: schema version {newest} is newer than this reviewcrawl's ({SCHEMA_VERSION}); "
                    "upgrade reviewcrawl"
                )
        for m in MIGRATIONS:
            if m.version in applied:
                continue
            with self._transaction() as cur:
                self._lock_migrations(cur)
                if cur.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (m.version,)).fetchone():
                    continue  # another process applied it meanwhile
                for statement in m.statements:
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                    (m.version, m.description, _now()),
                )
        return self.schema_version()

    def schema_version(self) -> int:
        return int(self._query("SELECT max(version) FROM schema_migrations")[0][0] or 0)

    # -- reviews ------------------------------------------------------------------------------

    def _on_conflict(self) -> str:
        """What an INSERT INTO reviews does with a canonical_url it already has.

        Idempotent, and the same whatever order records arrive in: the record seen last
        (``last_seen``; on a tie, the one written last) gives the content, an older one changes
        nothing but may move ``first_seen`` earlier; a row is written only when something changes
        (loading a feed twice writes nothing). ``fetched_at`` stays the fetch of the last change.
        ``run_id`` names the run that last exported the review: a new one when the content
        changed, or when the stored run never published its feeds (killed, its row lost) — else a
        review stored by such a run would never count as exported. A link to an original, once
        found, is kept: a later run that crawls only the copy's site cannot see the original and
        must not erase or replace what an earlier run learned (first seen wins).
        """
        d, c_ = self.distinct, self.collate_c
        kept_link = "COALESCE(reviews.duplicate_of, excluded.duplicate_of)"
        changed = " OR ".join(
            f"reviews.{c} {d} {kept_link if c == 'duplicate_of' else 'excluded.' + c}" for c in CONTENT_COLUMNS
        )
        newer = (
            f"(excluded.last_seen{c_} > reviews.last_seen OR (excluded.last_seen = reviews.last_seen AND ({changed})))"
        )
        unpublished = "NOT EXISTS (SELECT 1 FROM runs WHERE runs.run_id = reviews.run_id AND runs.published = 1)"
        content = ",\n    ".join(
            f"{c} = CASE WHEN {newer} THEN excluded.{c} ELSE reviews.{c} END"
            for c in CONTENT_COLUMNS
            if c != "duplicate_of"
        )
        return f"""
ON CONFLICT (canonical_url) DO UPDATE SET
    {content},
    duplicate_of = {kept_link},
    fetched_at = CASE WHEN {newer} AND ({changed}) THEN excluded.fetched_at ELSE reviews.fetched_at END,
    run_id = CASE WHEN {newer} AND (({changed}) OR {unpublished}) THEN excluded.run_id ELSE reviews.run_id END,
    first_seen = CASE WHEN excluded.first_seen{c_} < reviews.first_seen THEN excluded.first_seen ELSE reviews.first_seen END,
    last_seen = CASE WHEN excluded.last_seen{c_} > reviews.last_seen THEN excluded.last_seen ELSE reviews.last_seen END
WHERE {newer} OR excluded.first_seen{c_} < reviews.first_seen
"""

    def upsert(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Write a batch in one transaction; returns the number of records given."""
        rows = [row_from_record(r) for r in records]
        if rows:
            self._upsert_rows(rows)
        return len(rows)

    def _upsert_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """One INSERT ... ON CONFLICT per row, in order, in one transaction (executemany)."""
        with self._transaction() as cur:
            cur.executemany(
                f"INSERT INTO reviews ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))}) "
                + self._on_conflict(),
                rows,
            )

    def load(self, records: Iterable[Mapping[str, Any]]) -> int:
        """A bulk load (``scrapy load``): the same rows and rules as upsert; a backend may do it
        faster (PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT)."""
        return self.upsert(records)

    def published_review(self, canonical_url: str) -> dict[str, Any] | None:
        """The stored content of a review as last exported by a published run, or None."""
        rows = self._query(
            f"SELECT {', '.join('v.' + c for c in CONTENT_COLUMNS)} FROM reviews v "
            "JOIN runs r ON r.run_id = v.run_id AND r.published = 1 WHERE v.canonical_url = ?",
            (canonical_url,),
        )
        return dict(zip(CONTENT_COLUMNS, rows[0], strict=True)) if rows else None

    def review_facts(self, url: str) -> tuple[str | None, str | None] | None:
        """(site, date_published) of a stored review, or None."""
        rows = self._query("SELECT site, date_published FROM reviews WHERE canonical_url = ?", (url,))
        return (rows[0][0], rows[0][1]) if rows else None

    def touch_reviews(self, canonical_urls: Iterable[str], seen: str) -> None:
        """An unchanged review seen again: only its last_seen moves on."""
        values = [(seen, u, seen) for u in canonical_urls]
        if values:
            with self._transaction() as cur:
                cur.executemany(
                    f"UPDATE reviews SET last_seen = ? WHERE canonical_url = ? AND last_seen{self.collate_c} < ?",
                    values,
                )

    def count(self) -> int:
        return int(self._query("SELECT count(*) FROM reviews")[0][0])

    # -- near-copies --------------------------------------------------------------------------

    def add_duplicates(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Record near-copies (copy_url -> original_url), in the order given. A copy found again
        keeps its first link; an original that displaced another is no copy itself (its old row
        goes), and every link to the displaced one moves to it."""
        values = [tuple(int(r.get(c) or 0) if c in ("exact", "dropped") else r.get(c) for c in DUPLICATE_COLUMNS)
                  for r in rows]  # fmt: skip
        if not values:
            return 0
        insert = (
            f"INSERT INTO duplicates ({', '.join(DUPLICATE_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(DUPLICATE_COLUMNS))}) ON CONFLICT (copy_url) DO NOTHING"
        )
        with self._transaction() as cur:
            for row in values:
                copy, original = row[0], row[1]
                cur.execute("DELETE FROM duplicates WHERE copy_url = ?", (original,))
                cur.execute(insert, row)
                cur.execute(
                    "UPDATE duplicates SET original_url = ? WHERE original_url = ? AND copy_url <> ?",
                    (original, copy, original),
                )
        return len(values)

    def original_of(self, url: str) -> str | None:
        rows = self._query("SELECT original_url FROM duplicates WHERE copy_url = ?", (url,))
        return rows[0][0] if rows else None

    def sync_links(self) -> int:
        """Make reviews.duplicate_of say what the duplicates table says (rows written before a
        link was found, or before an original was displaced); returns the rows changed."""
        with self._transaction() as cur:
            changed = cur.execute(
                "UPDATE reviews SET duplicate_of = d.original_url FROM duplicates AS d "
                f"WHERE d.copy_url = reviews.canonical_url AND reviews.duplicate_of {self.distinct} d.original_url"
            ).rowcount
            changed += cur.execute(
                "UPDATE reviews SET duplicate_of = NULL WHERE duplicate_of IS NOT NULL "
                "AND canonical_url NOT IN (SELECT copy_url FROM duplicates)"
            ).rowcount
        return int(changed)

    # -- runs ---------------------------------------------------------------------------------

    def add_run(self, summary: Mapping[str, Any]) -> None:
        """Record a run's summary when it ends (a run recorded again, with the same run_id, is
        replaced; the lock and PID of its start row are kept). ``summary["published"]`` (default
        true) says whether its feeds are all under their final names."""
        columns = (*RUN_COLUMNS, "summary", "published")
        counts = ("pages", "reviews", "near_copies", "errors")  # NOT NULL DEFAULT 0: a summary may lack them
        values = (
            *(int(summary.get(c) or 0) if c in counts else summary.get(c) for c in RUN_COLUMNS),
            _json(dict(summary)),
            int(bool(summary.get("published", True))),
        )
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "run_id")
        with self._transaction() as cur:
            cur.execute(
                f"INSERT INTO runs ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                f"ON CONFLICT (run_id) DO UPDATE SET {updates}",
                values,
            )

    def start_run(self, run_id: str, started_at: str, *, lock: str | None, pid: int) -> None:
        """The row of a run that starts: 'running', not published, its lock file and PID. What the
        run writes before its row is replaced at its end (add_run) does not count as exported."""
        summary = _json({"run_id": run_id, "started_at": started_at, "status": RUNNING})
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO runs (run_id, started_at, status, exit_code, summary, published, lock, pid) "
                "VALUES (?, ?, ?, 5, ?, 0, ?, ?) ON CONFLICT (run_id) DO UPDATE SET started_at = excluded.started_at, "
                "status = excluded.status, exit_code = 5, summary = excluded.summary, published = 0, "
                "lock = excluded.lock, pid = excluded.pid",
                (run_id, started_at, RUNNING, summary, lock, pid),
            )

    def mark_published(self, run_id: str, started_at: str) -> None:
        """A run whose feed was published (``scrapy load`` read it): its row says so, a row of
        status 'loaded' when the database has none."""
        summary = _json({"run_id": run_id, "started_at": started_at, "status": "loaded"})
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO runs (run_id, started_at, status, exit_code, summary, published) "
                "VALUES (?, ?, 'loaded', 0, ?, 1) ON CONFLICT (run_id) DO UPDATE SET published = 1",
                (run_id, started_at, summary),
            )

    def running_runs(self) -> list[dict[str, Any]]:
        """Rows of runs that started and never ended (running now, or killed): run_id, started_at, lock, pid."""
        rows = self._query(
            "SELECT run_id, started_at, lock, pid FROM runs WHERE status = ? ORDER BY run_id", (RUNNING,)
        )
        return [dict(zip(("run_id", "started_at", "lock", "pid"), row, strict=True)) for row in rows]

    def run_statuses(self) -> dict[str, str]:
        return dict(self._query("SELECT run_id, status FROM runs"))

    # -- the run report's reads (reviewcrawl/report/): a selection is one run (``run_id``), the
    # runs since a time (``since``, ISO 8601 in UTC, compared as text like every time here), or all --

    def _report_filter(self, run_column: str, time_column: str, run_id: str | None, since: str | None,
                       ) -> tuple[str, tuple[Any, ...]]:  # fmt: skip
        if run_id is not None:
            return f" WHERE {run_column} = ?", (run_id,)
        if since is not None:
            return f" WHERE {time_column}{self.collate_c} >= ?", (since,)
        return "", ()

    def report_review_groups(self, *, run_id: str | None = None, since: str | None = None) -> list[tuple[Any, ...]]:
        """The reviews a run exported (run_id), or seen since a time (their last_seen), or all,
        counted in the database by what a report tells apart, in one pass over the table (its
        texts make it large): (site, the day first seen, near-copy 0/1, sources, has title,
        author, date_published, text 0/1 each, rating_normalized, reviews). A report of a million
        reviews reads some thousands of rows."""
        where, params = self._report_filter("run_id", "last_seen", run_id, since)
        has = [
            f"CASE WHEN {c} IS NULL OR {c} = '' THEN 0 ELSE 1 END"
            for c in ("title", "author", "date_published", "text")
        ]
        return self._query(
            "SELECT site, substr(first_seen, 1, 10), CASE WHEN duplicate_of IS NULL THEN 0 ELSE 1 END, sources, "
            f"{', '.join(has)}, rating_normalized, count(*) FROM reviews{where} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9",
            params,
        )

    def report_reviews(self, *, run_id: str | None = None, since: str | None = None, limit: int = 500,
                       ) -> list[dict[str, Any]]:  # fmt: skip
        """The selection's reviews first seen last (at most ``limit``), for a report's list: no texts."""
        columns = ("canonical_url", "url", "site", "title", "author", "date_published", "rating_normalized",
                   "duplicate_of", "run_id", "first_seen", "last_seen")  # fmt: skip
        where, params = self._report_filter("run_id", "last_seen", run_id, since)
        rows = self._query(
            f"SELECT {', '.join(columns)} FROM reviews{where} "
            f"ORDER BY first_seen{self.collate_c} DESC, canonical_url{self.collate_c} DESC LIMIT ?",
            (*params, limit),
        )
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def report_duplicates(self, *, run_id: str | None = None, since: str | None = None) -> list[dict[str, Any]]:
        """The near-copy links a run found (run_id), or found since a time, or all; with the site,
        title and URL of the copy and of the original when the reviews table has them (a dropped
        copy is not stored)."""
        columns = (*DUPLICATE_COLUMNS, "copy_site", "copy_title", "original_site", "original_title")
        where, params = self._report_filter("d.run_id", "d.found_at", run_id, since)
        rows = self._query(
            f"SELECT {', '.join('d.' + c for c in DUPLICATE_COLUMNS)}, c.site, c.title, o.site, o.title "
            "FROM duplicates d LEFT JOIN reviews c ON c.canonical_url = d.copy_url "
            f"LEFT JOIN reviews o ON o.canonical_url = d.original_url{where} ORDER BY d.original_url, d.copy_url",
            params,
        )
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def report_runs(self, *, until: str | None = None, since: str | None = None) -> list[dict[str, Any]]:
        """Run rows in the order they started, from ``since`` and up to ``until`` (its started_at
        included) when given; ``summary`` parsed."""
        columns = (*RUN_COLUMNS, "published", "summary")
        clauses, params = [], []
        if since is not None:
            clauses.append(f"started_at{self.collate_c} >= ?")
            params.append(since)
        if until is not None:
            clauses.append(f"started_at{self.collate_c} <= ?")
            params.append(until)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._query(f"SELECT {', '.join(columns)} FROM runs{where} ORDER BY started_at, run_id", params)
        runs = []
        for row in rows:
            run = dict(zip(columns, row, strict=True))
            try:
                run["summary"] = json.loads(run["summary"] or "{}")
            except ValueError:  # a row written by hand: the counts in its columns still say something
                run["summary"] = {}
            runs.append(run)
        return runs

    def run_started_at(self, run_id: str) -> str | None:
        """When a run started, or None when the database has no such run."""
        rows = self._query("SELECT started_at FROM runs WHERE run_id = ?", (run_id,))
        return rows[0][0] if rows else None

    # -- incremental crawls: only what a published run (its `runs` row says published = 1) left
    # counts; a run killed before its feeds were renamed into place published nothing, so what it
    # wrote is ignored by the next run, which fetches and exports it again --

    def page_state(self, url: str) -> PageState | None:
        """What the last published run learned about a URL, or None."""
        rows = self._query(
            "SELECT p.etag, p.last_modified, p.fetched_at, p.links, p.review FROM pages p "
            "JOIN runs r ON r.run_id = p.run_id AND r.published = 1 WHERE p.url = ?",
            (url,),
        )
        if not rows:
            return None
        etag, last_modified, fetched_at, links, review = rows[0]
        pairs = [tuple(link) for link in json.loads(links)] if links else []
        return PageState(etag=etag, last_modified=last_modified, fetched_at=fetched_at, links=pairs, review=review)

    def save_pages(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Record fetched pages (url, etag, last_modified, fetched_at, run_id, links); keeps `review`."""
        values = [(r["url"], r.get("etag"), r.get("last_modified"), r.get("fetched_at"), r.get("run_id"),
                   _json(r.get("links"))) for r in rows]  # fmt: skip
        if not values:
            return 0
        with self._transaction() as cur:
            cur.executemany(
                "INSERT INTO pages (url, etag, last_modified, fetched_at, run_id, links) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
                "fetched_at = excluded.fetched_at, run_id = excluded.run_id, links = excluded.links",
                values,
            )
        return len(values)

    def mark_review_pages(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Note which review (canonical_url) each page URL gave."""
        values = list(pairs)
        if values:
            with self._transaction() as cur:
                cur.executemany(
                    "INSERT INTO pages (url, review) VALUES (?, ?) ON CONFLICT (url) DO UPDATE SET review = excluded.review",
                    values,
                )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
