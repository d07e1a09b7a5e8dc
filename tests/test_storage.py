"""One storage suite, run on SQLite and on the real PostgreSQL (127.0.0.1:5432, database test,
a fresh schema per test): same calls, same rows."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from reviewcrawl.dedup import fingerprint
from reviewcrawl.extract import extract_review
from reviewcrawl.items import Review
from reviewcrawl.storage import SchemaError, Store, open_database, redact
from reviewcrawl.storage.base import COLUMNS
from reviewcrawl.storage.schema import SCHEMA_VERSION
from tests.conftest import NOW, demo_page, need_service, sync

PG_URL = os.environ.get("REVIEWCRAWL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")

#: real review pages of the sample sites (a blog, an SEO review site, an aggregator's copy)
PAGES = (
    "http://prestonmoline.example/2025/04/20/sinners.html",
    "http://reelverdict.example/nobody-2021-review/",
    "http://headphonesthoughts.example/archives/1187/",
)


def record(url: str, fetched_at: str = "2026-11-22T05:00:00+00:00", run_id: str = "r1", **changes: Any) -> dict:
    """The record a crawl exports for a sample page (as NearDuplicatePipeline leaves it: fingerprinted)."""
    fields = extract_review(demo_page(url), url, now=NOW)
    review = Review(url=url, site=url.split("/")[2].split(".")[0], fetched_at=fetched_at, run_id=run_id,
                    **fields.as_record())  # fmt: skip
    review.fingerprint = fingerprint(f"{review.title or ''}\n{review.text or ''}")
    return {**asdict(review), **changes}


@pytest.fixture(scope="module")
def pg_admin() -> Iterator[Any]:
    import psycopg

    try:
        conn = psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        need_service(f"PostgreSQL at {redact(PG_URL)}", exc)
    yield conn
    conn.close()


def pg_schema_url(admin: Any) -> tuple[str, str]:
    schema = f"reviewcrawl_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    return schema, f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'reviewcrawl.sqlite3'}"
        return
    admin = request.getfixturevalue("pg_admin")
    schema, url = pg_schema_url(admin)
    yield url
    admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_database(db_url)
    yield s
    s.close()


def rows(store: Store, table: str = "reviews", order: str = "canonical_url") -> list[tuple]:
    return [tuple(r) for r in store._query(f"SELECT * FROM {table} ORDER BY {order}")]


def test_a_new_database_has_every_migration(store: Store) -> None:
    versions = [r[0] for r in store._query("SELECT version FROM schema_migrations ORDER BY version")]
    assert (versions, store.schema_version()) == (list(range(1, SCHEMA_VERSION + 1)), SCHEMA_VERSION)


def test_opening_again_applies_nothing(db_url: str) -> None:
    open_database(db_url).close()
    with open_database(db_url) as again:
        assert len(again._query("SELECT * FROM schema_migrations")) == SCHEMA_VERSION


def test_a_newer_database_is_refused(db_url: str) -> None:
    with open_database(db_url) as s, s._transaction() as cur:
        cur.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (SCHEMA_VERSION + 1, "from the future", "x"))
    with pytest.raises(SchemaError, match=f"schema version {SCHEMA_VERSION + 1} is newer"):
        open_database(db_url)


def test_upsert_stores_the_records_fields(store: Store) -> None:
    records = [record(u) for u in PAGES]
    store.upsert(records)
    stored = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in rows(store)}
    nobody = stored["http://reelverdict.example/nobody-2021-review/"]
    assert (len(stored), nobody["site"], nobody["rating_value"], nobody["rating_best"], nobody["first_seen"]) == (
        3, "reelverdict", records[1]["rating"]["value"], records[1]["rating"]["best"], "2026-11-22T05:00:00+00:00")  # fmt: skip


def test_the_same_batch_twice_changes_nothing(store: Store) -> None:
    records = [record(u) for u in PAGES]
    store.upsert(records)
    before = rows(store)
    store.upsert(records)
    assert rows(store) == before


def test_a_changed_review_is_updated_and_keeps_its_first_seen(store: Store) -> None:
    store.upsert([record(PAGES[0])])
    store.upsert([record(PAGES[0], fetched_at="2026-11-23T05:00:00+00:00", run_id="r2", title="Sinners (2025)")])
    (row,) = [dict(zip(COLUMNS, r, strict=True)) for r in rows(store)]
    assert (row["title"], row["first_seen"], row["last_seen"], row["run_id"]) == (
        "Sinners (2025)", "2026-11-22T05:00:00+00:00", "2026-11-23T05:00:00+00:00", "r2")  # fmt: skip


def test_an_older_record_does_not_overwrite_a_newer_one(store: Store) -> None:
    store.upsert([record(PAGES[0], fetched_at="2026-11-23T05:00:00+00:00", title="new title")])
    store.upsert([record(PAGES[0], fetched_at="2026-11-22T05:00:00+00:00", title="old title")])
    (row,) = [dict(zip(COLUMNS, r, strict=True)) for r in rows(store)]
    assert (row["title"], row["last_seen"]) == ("new title", "2026-11-23T05:00:00+00:00")


def published(store: Store, run_id: str) -> None:
    store.add_run({"run_id": run_id, "started_at": "2026-11-22T05:00:00+00:00", "status": "ok", "exit_code": 0})


def test_unchanged_review_seen_later_moves_only_last_seen(store: Store) -> None:
    store.upsert([record(PAGES[1])])
    published(store, "r1")
    store.upsert([record(PAGES[1], fetched_at="2026-11-24T05:00:00+00:00", run_id="r3")])
    (row,) = [dict(zip(COLUMNS, r, strict=True)) for r in rows(store)]
    assert (row["fetched_at"], row["run_id"], row["last_seen"]) == (
        "2026-11-22T05:00:00+00:00", "r1", "2026-11-24T05:00:00+00:00")  # fmt: skip


def test_a_review_stored_by_an_unpublished_run_belongs_to_the_next_run_that_sees_it(store: Store) -> None:
    """A killed run (no published row) stored it: the next run exports it, and then it counts."""
    store.upsert([record(PAGES[1], run_id="killed")])
    store.upsert([record(PAGES[1], fetched_at="2026-11-24T05:00:00+00:00", run_id="r2")])
    published(store, "r2")
    stored = store.published_review(PAGES[1])
    assert (store._query("SELECT run_id, fetched_at FROM reviews"), stored is not None) == (
        [("r2", "2026-11-22T05:00:00+00:00")], True)  # fmt: skip


def test_records_in_any_order_give_the_same_row(db_url: str, tmp_path: Path) -> None:
    """The latest record gives the content (on a tie in time, the last written), the earliest its first_seen."""
    early = record(PAGES[0], fetched_at="2026-01-01T00:00:00+00:00", title="early")
    late = record(PAGES[0], fetched_at="2026-02-01T00:00:00+00:00", title="late")
    tie = record(PAGES[0], fetched_at="2026-02-01T00:00:00+00:00", title="late, again")
    results = []
    with open_database(db_url) as s:
        for order in ([early, late, tie], [late, tie, early], [tie, early]):
            with s._transaction() as cur:
                cur.execute("DELETE FROM reviews")
            for r in order:
                s.upsert([r])
            results.append(s._query("SELECT title, first_seen, last_seen FROM reviews"))
        with s._transaction() as cur:
            cur.execute("DELETE FROM reviews")
        s.load([late, tie, early])
        results.append(s._query("SELECT title, first_seen, last_seen FROM reviews"))
    row = [("late, again", "2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00")]
    assert results == [row, row, row, row]


def test_a_link_once_found_is_kept(store: Store) -> None:
    original = PAGES[0]
    store.upsert([record(PAGES[2], duplicate_of=original)])
    store.upsert([record(PAGES[2], fetched_at="2026-11-23T05:00:00+00:00", duplicate_of=None)])
    assert store._query("SELECT duplicate_of FROM reviews") == [(original,)]


def test_load_gives_the_same_rows_as_upsert(store: Store, tmp_path: Path) -> None:
    records = [record(u) for u in PAGES]
    later = record(PAGES[0], fetched_at="2026-11-23T05:00:00+00:00", title="Sinners, again")
    store.load([*records, later, records[0]])  # a feed may hold a review twice: the latest wins
    loaded = rows(store)
    with open_database(f"sqlite:///{tmp_path / 'upserted.sqlite3'}") as other:
        other.upsert([*records, later, records[0]])
        assert loaded == rows(other)
    store.load([*records, later])
    assert rows(store) == loaded


def test_batches_give_the_rows_of_one_record_after_the_other(store: Store, tmp_path: Path) -> None:
    later = "2026-11-23T05:00:00+00:00"
    batches = [
        [record(PAGES[0]), record(PAGES[1])],
        # new and stored reviews in one batch: one changed and seen later, one seen again, one new
        [record(PAGES[1], fetched_at=later, title="Nobody, again"), record(PAGES[0]), record(PAGES[2])],
        # a review twice in one batch (PostgreSQL: not by COPY, one INSERT after the other)
        [record(PAGES[2], fetched_at=later, title="Copy, later"), record(PAGES[2], title="Copy, earlier")],
    ]
    with open_database(f"sqlite:///{tmp_path / 'one-by-one.sqlite3'}") as other:
        for batch in batches:
            store.upsert(batch)
            for r in batch:
                other.upsert([r])
            assert rows(store) == rows(other)


def test_duplicates_displacement_and_sync(store: Store) -> None:
    a, b, c = PAGES
    store.upsert([record(a), record(b), record(c)])
    found = "2026-11-22T05:00:00+00:00"
    link = {"similarity": 0.9, "containment": 0.95, "exact": False, "dropped": 0, "run_id": "r1", "found_at": found}
    store.add_duplicates([{"copy_url": c, "original_url": b, **link}])
    store.add_duplicates([{"copy_url": b, "original_url": a, **link}])  # a displaces b: c moves to a
    links = store._query("SELECT copy_url, original_url FROM duplicates ORDER BY copy_url")
    changed = store.sync_links()
    assert (links, store.original_of(c), changed) == ([(c, a), (b, a)] if c < b else [(b, a), (c, a)], a, 2)
    assert store._query("SELECT canonical_url, duplicate_of FROM reviews ORDER BY canonical_url") == sorted(
        [(a, None), (b, a), (c, a)]
    )


def test_runs_are_recorded_and_replaced(store: Store) -> None:
    summary = {"run_id": "r1", "started_at": "2026-11-22T05:00:00+00:00", "status": "ok", "exit_code": 0, "pages": 7}
    store.add_run(summary)
    store.add_run({**summary, "status": "failed", "exit_code": 1})
    assert store._query("SELECT run_id, status, exit_code, pages, reviews FROM runs") == [("r1", "failed", 1, 7, 0)]


def test_published_review_needs_a_recorded_run(store: Store) -> None:
    store.upsert([record(PAGES[1], run_id="killed")])
    before = store.published_review(PAGES[1])
    store.add_run({"run_id": "killed", "started_at": "x", "status": "ok", "exit_code": 0})
    after = store.published_review(PAGES[1])
    assert (before, after is not None and after["site"]) == (None, "reelverdict")


def test_both_backends_hold_the_same_rows(pg_admin: Any, tmp_path: Path) -> None:
    schema, url = pg_schema_url(pg_admin)
    try:
        dumps = []
        for db in (url, f"sqlite:///{tmp_path / 'same.sqlite3'}"):
            with open_database(db) as s:
                s.upsert([record(u) for u in PAGES])
                s.upsert([record(PAGES[0], fetched_at="2026-11-23T05:00:00+00:00", title="Sinners (2025)")])
                s.add_duplicates([{"copy_url": PAGES[2], "original_url": PAGES[0], "similarity": 0.5,
                                   "containment": 0.8, "exact": 0, "dropped": 0, "run_id": "r1", "found_at": "t"}])  # fmt: skip
                s.sync_links()
                s.add_run({"run_id": "r1", "started_at": "t", "status": "ok", "exit_code": 0, "reviews": 3})
                dumps.append([rows(s), rows(s, "duplicates", "copy_url"), rows(s, "runs", "run_id")])
    finally:
        pg_admin.execute(f"DROP SCHEMA {schema} CASCADE")
    assert dumps[0] == dumps[1]


def test_an_old_sqlite_database_is_migrated_in_place(tmp_path: Path) -> None:
    """A database made before schema_migrations (user_version 2: reviews and duplicates only)."""
    db = tmp_path / "old.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE reviews (canonical_url TEXT PRIMARY KEY, url TEXT NOT NULL, site TEXT NOT NULL, "
                     + ", ".join(f"{c} TEXT" for c in COLUMNS[3:]) + ")")  # fmt: skip
        conn.execute(
            "INSERT INTO reviews (canonical_url, url, site, first_seen, last_seen) VALUES ('u', 'u', 's', 'a', 'a')"
        )
        conn.execute("CREATE TABLE duplicates (copy_url TEXT PRIMARY KEY, original_url TEXT NOT NULL)")
        conn.execute("PRAGMA user_version = 2")
    with open_database(f"sqlite:///{db}") as s:
        described = s._query("SELECT version, description FROM schema_migrations ORDER BY version")
        assert ([v for v, _ in described], s.count(), "runs" in {r[0] for r in s._query("SELECT name FROM sqlite_master")}) == (
            list(range(1, SCHEMA_VERSION + 1)), 1, True)  # fmt: skip
        assert described[0][1].endswith("(before schema_migrations)") and not described[2][1].endswith("migrations)")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://reviews:s3cret@db.internal:5432/reviews", "postgresql://reviews:***@db.internal:5432/reviews"),
        ("postgresql://reviews@db.internal/reviews", "postgresql://reviews@db.internal/reviews"),
        ("sqlite:////var/lib/reviewcrawl/reviewcrawl.sqlite3", "sqlite:////var/lib/reviewcrawl/reviewcrawl.sqlite3"),
    ],
)
def test_redact(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_unknown_database_url_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database URL 'mysql://u:\\*\\*\\*@h/db'"):
        open_database("mysql://u:pw@h/db")


def test_a_wrong_password_is_not_shown(pg_admin: Any) -> None:
    import psycopg

    url = "postgresql://nobody_here:hunter2@127.0.0.1:5432/test"
    with pytest.raises(psycopg.Error) as caught:
        open_database(url)
    assert "hunter2" not in str(caught.value) and "127.0.0.1" in str(caught.value)


def test_dates_are_kept_as_given(store: Store) -> None:
    when = dt.datetime(2026, 11, 22, 5, 0, tzinfo=dt.UTC).isoformat()
    store.upsert([record(PAGES[0], fetched_at=when)])
    assert store._query("SELECT first_seen, last_seen FROM reviews") == [(when, when)]


def test_nul_and_lone_surrogates_are_stored_alike(store: Store) -> None:
    """PostgreSQL refuses NUL in text and no UTF-8 holds a lone surrogate: both are scrubbed, the same everywhere."""
    store.upsert([record(PAGES[0], title="Sinners\x00 \ud800review", sources={"title": "json-ld\x00"})])
    assert store._query("SELECT title, sources FROM reviews") == [("Sinners \ufffdreview", '{"title": "json-ld"}')]


def test_a_record_the_database_refuses_costs_only_itself(tmp_path: Path) -> None:
    """A record with no fetched_at breaks a NOT NULL: the batch is written row by row, that one set aside."""
    from scrapy.utils.test import get_crawler

    from reviewcrawl.pipelines import DatabasePipeline

    crawler = get_crawler(settings_dict={"REVIEWCRAWL_DATA_DIR": str(tmp_path), "REVIEWCRAWL_DB_BATCH_SIZE": 100})
    crawler.stats.open_spider()
    pipeline = DatabasePipeline.from_crawler(crawler)
    pipeline.open_spider()
    for url in PAGES:
        item = Review(**record(url, fetched_at=None if url == PAGES[1] else "2026-11-22T05:00:00+00:00"))
        sync(pipeline.process_item(item))
    pipeline.close_spider()  # the batch is written here
    with open_database(f"sqlite:///{tmp_path / 'reviewcrawl.sqlite3'}") as s:
        stored = [r[0] for r in s._query("SELECT canonical_url FROM reviews ORDER BY 1")]
    stats = crawler.stats.get_stats()
    assert (stored, stats.get("reviewcrawl/db_rows_written"), stats.get("reviewcrawl/errors/storage/IntegrityError")) == (
        sorted([PAGES[0], PAGES[2]]), 2, 1)  # fmt: skip
    assert PAGES[1] in stats["reviewcrawl/storage_error"]


def test_the_database_url_comes_from_the_environment_too() -> None:
    import subprocess
    import sys

    env = {**os.environ, "REVIEWCRAWL_DATABASE_URL": "postgresql://reviews@db.internal/reviews"}
    out = subprocess.run([sys.executable, "-m", "scrapy", "settings", "--get", "REVIEWCRAWL_DATABASE_URL"],
                         env=env, capture_output=True, text=True, check=True)  # fmt: skip
    assert out.stdout.strip() == "postgresql://reviews@db.internal/reviews"
