"""The databases end to end: a crawl of the sample sites into PostgreSQL leaves the rows a crawl
into SQLite leaves; `scrapy load` is idempotent; PostgreSQL going away mid-run loses nothing."""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reviewcrawl.runs import ExitCode
from reviewcrawl.storage import open_database

from .conftest import read_jsonl, run_scrapy
from .test_storage import PAGES, pg_admin, pg_schema_url, record  # noqa: F401  (pg_admin: a fixture)

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"]
REVIEWS = 14  # the sample sites' review pages (originals and near-copies)
#: what differs between two runs of the same crawl: times and run ids
VOLATILE = {"fetched_at", "run_id", "first_seen", "last_seen", "found_at", "date_modified"}


@pytest.fixture
def pg_url(pg_admin: Any) -> Iterator[str]:  # noqa: F811
    schema, url = pg_schema_url(pg_admin)
    yield url
    pg_admin.execute(f"DROP SCHEMA {schema} CASCADE")


def crawl(data_dir: Path, proxy: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_scrapy(["crawl", "reviews", "-s", f"REVIEWCRAWL_DATA_DIR={data_dir}", *FAST, *extra], proxy=proxy)


def table(url: str, name: str, key: str) -> list[dict]:
    with open_database(url) as store:
        rows = store._query(f"SELECT * FROM {name} ORDER BY {key}")
        cols = columns(store, name)
    return [{c: v for c, v in zip(cols, r, strict=True) if c not in VOLATILE} for r in rows]


def columns(store: Any, name: str) -> list[str]:
    if hasattr(store, "conn") and isinstance(store.conn, sqlite3.Connection):
        return [r[1] for r in store._query(f"PRAGMA table_info({name})")]
    return [r[0] for r in store._query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() "
        "ORDER BY ordinal_position", (name,))]  # fmt: skip


def feed_of(data_dir: Path) -> Path:
    (feed,) = sorted((data_dir / "feeds").glob("reviews-*.jsonl"))
    return feed


def test_postgresql_holds_what_sqlite_holds(tmp_path: Path, demo_proxy: str, pg_url: str) -> None:
    on_pg = crawl(tmp_path / "pg", demo_proxy, "-s", f"REVIEWCRAWL_DATABASE_URL={pg_url}")
    on_sqlite = crawl(tmp_path / "sqlite", demo_proxy)
    assert (on_pg.returncode, on_sqlite.returncode) == (0, 0), on_pg.stderr[-3000:] + on_sqlite.stderr[-3000:]
    sqlite_url = f"sqlite:///{tmp_path / 'sqlite' / 'reviewcrawl.sqlite3'}"
    pg_reviews, sqlite_reviews = (
        table(pg_url, "reviews", "canonical_url"),
        table(sqlite_url, "reviews", "canonical_url"),
    )
    assert (len(pg_reviews), sum(r["duplicate_of"] is not None for r in pg_reviews)) == (REVIEWS, 4)
    assert pg_reviews == sqlite_reviews
    assert table(pg_url, "duplicates", "copy_url") == table(sqlite_url, "duplicates", "copy_url")
    with open_database(pg_url) as store:
        runs = store._query("SELECT status, reviews FROM runs")
    assert runs == [("ok", REVIEWS)]


def test_scrapy_demo_into_postgresql_leaves_the_rows_of_sqlite_and_shows_no_password(
    tmp_path: Path, pg_url: str
) -> None:
    with_password = pg_url.replace("postgres@", "postgres:not-shown@")  # trust auth: the password is not checked
    on_pg = run_scrapy(["demo", "-s", f"REVIEWCRAWL_DATA_DIR={tmp_path / 'pg'}", "-s",
                        f"REVIEWCRAWL_DATABASE_URL={with_password}", "-s", "LOG_LEVEL=DEBUG"])  # fmt: skip
    on_sqlite = run_scrapy(["demo", "-s", f"REVIEWCRAWL_DATA_DIR={tmp_path / 'sqlite'}"])
    assert (on_pg.returncode, on_sqlite.returncode) == (0, 0), on_pg.stderr[-3000:] + on_sqlite.stderr[-3000:]
    assert "database: postgresql://postgres:***@127.0.0.1" in on_pg.stdout, on_pg.stdout
    summary = "".join(p.read_text() for p in (tmp_path / "pg" / "feeds").glob("run-*.json"))
    assert "not-shown" not in on_pg.stdout + on_pg.stderr + summary
    sqlite_url = f"sqlite:///{tmp_path / 'sqlite' / 'reviewcrawl.sqlite3'}"
    for name, key in (("reviews", "canonical_url"), ("duplicates", "copy_url")):
        assert table(pg_url, name, key) == table(sqlite_url, name, key), name
    assert len(table(pg_url, "reviews", "canonical_url")) == REVIEWS
    migrations = "SELECT version, description FROM schema_migrations ORDER BY version"
    with open_database(pg_url) as pg, open_database(sqlite_url) as sqlite:
        assert pg._query(migrations) == sqlite._query(migrations)


def test_a_database_newer_than_reviewcrawl_is_refused_and_the_feed_keeps_every_review(
    tmp_path: Path, demo_proxy: str, pg_url: str
) -> None:
    with open_database(pg_url) as store, store._transaction() as cur:
        cur.execute("INSERT INTO schema_migrations VALUES (99, 'from the future', '2027-01-01')")
    result = crawl(tmp_path, demo_proxy, "-s", f"REVIEWCRAWL_DATABASE_URL={pg_url}")
    errors = [line for line in result.stderr.splitlines() if " ERROR: " in line]
    assert (result.returncode, len(read_jsonl(feed_of(tmp_path))), result.stderr.count("Traceback")) == (
        ExitCode.STORAGE, REVIEWS, 0), result.stderr[-3000:]  # fmt: skip
    # the cause, what it cost (the records to load later) and the verdict: one line each
    assert len(errors) == 3 and "schema version 99 is newer than this reviewcrawl's" in errors[0], errors
    assert f"{REVIEWS} records are not in the database" in errors[1], errors


def test_load_twice_changes_nothing(tmp_path: Path, demo_proxy: str, pg_url: str, pg_admin: Any) -> None:  # noqa: F811
    assert crawl(tmp_path / "d", demo_proxy).returncode == 0
    feed = feed_of(tmp_path / "d")
    gz = tmp_path / "reviews.jsonl.gz"
    subprocess.run(["gzip", "-k", "-c", str(feed)], stdout=gz.open("wb"), check=True)
    settings = ["-s", f"REVIEWCRAWL_DATABASE_URL={pg_url}"]
    first = run_scrapy(["load", str(gz), *settings])
    schema = pg_url.rsplit("%3D", 1)[1]
    versions = pg_admin.execute(f"SELECT canonical_url, xmin::text FROM {schema}.reviews ORDER BY 1").fetchall()
    second = run_scrapy(["load", str(feed), *settings])
    again = pg_admin.execute(f"SELECT canonical_url, xmin::text FROM {schema}.reviews ORDER BY 1").fetchall()
    assert (first.returncode, second.returncode, len(versions)) == (0, 0, REVIEWS), first.stderr[-2000:]
    assert again == versions  # not one row rewritten (xmin is the writing transaction)
    assert f"loaded {REVIEWS} records from 1 feed(s)" in second.stdout
    # the feed was published: its run is, in the database it was loaded into (its run-<id>.json)
    run_id = feed.stem.removeprefix("reviews-")
    runs = pg_admin.execute(f"SELECT run_id, status, published FROM {schema}.runs").fetchall()
    assert runs == [(run_id, "ok", 1)]
    # the crawl's own SQLite database and the loaded PostgreSQL agree
    sqlite_url = f"sqlite:///{tmp_path / 'd' / 'reviewcrawl.sqlite3'}"
    assert table(pg_url, "reviews", "canonical_url") == table(sqlite_url, "reviews", "canonical_url")


def test_load_names_bad_lines_and_loads_the_rest(tmp_path: Path) -> None:
    feed = tmp_path / "mixed.jsonl"
    good = record("http://reelverdict.example/nobody-2021-review/")
    wrong = {**good, "canonical_url": "https://example.org/r/2", "rating": "4/5"}
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"reason": "schema", "kind": "x", "record": {}}),
        json.dumps(wrong),
    ]
    feed.write_text("\n".join(lines) + "\n")
    db = tmp_path / "db.sqlite3"
    result = run_scrapy(["load", str(feed), "-s", f"REVIEWCRAWL_DATABASE_URL=sqlite:///{db}"])
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT canonical_url, rating_value, rating_best FROM reviews").fetchall()
    assert (result.returncode, stored) == (
        ExitCode.FAILED,
        [(good["canonical_url"], good["rating"]["value"], good["rating"]["best"])],
    )
    assert f"{feed}:2: not JSON" in result.stderr and f"{feed}:3: not a review record" in result.stderr
    assert f"{feed}:4: https://example.org/r/2: rating: expected an object or null, got str" in result.stderr, (
        result.stderr
    )


def test_load_of_a_truncated_gz_loads_what_it_can_read(tmp_path: Path) -> None:
    records = [record(u, fetched_at=f"2026-11-22T05:00:0{i}+00:00") for i, u in enumerate(PAGES)]
    whole = gzip.compress("\n".join(json.dumps(r) for r in records * 200).encode())
    feed = tmp_path / "cut.jsonl.gz"
    feed.write_bytes(whole[: len(whole) // 2])
    db = tmp_path / "db.sqlite3"
    result = run_scrapy(["load", str(feed), "-s", f"REVIEWCRAWL_DATABASE_URL=sqlite:///{db}"])
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert (result.returncode, stored, "Traceback" in result.stderr) == (ExitCode.FAILED, len(PAGES), False)
    assert (
        "unreadable from here on (Compressed file ended before the end-of-stream marker was reached)" in result.stderr
    )


def test_load_of_a_missing_feed_is_a_usage_error(tmp_path: Path) -> None:
    result = run_scrapy(["load", str(tmp_path / "nope.jsonl")])
    assert (result.returncode, "no such feed" in result.stderr) == (2, True)


# -- the database going away ------------------------------------------------------------------


class Cuttable:
    """A TCP forwarder to PostgreSQL on 127.0.0.1:0 that the test can cut (every connection
    reset, new ones refused): the database going away, for real, under a running crawl."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.socks: list[socket.socket] = []
        self.cut_done = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.cut_done.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_done.is_set():  # accepted as it was being cut: refused
                client.close()
                return
            server = socket.create_connection(self.target)
            self.socks += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
        with contextlib.suppress(OSError):
            b.shutdown(socket.SHUT_WR)

    def cut(self) -> None:
        self.cut_done.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() under way
        self.listener.close()
        for s in self.socks:
            with contextlib.suppress(OSError):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                s.close()


def test_postgresql_going_away_mid_run_loses_nothing(tmp_path: Path, demo_proxy: str, pg_url: str) -> None:
    proxy = Cuttable(("127.0.0.1", 5432))
    via_proxy = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    data = tmp_path / "d"
    args = [sys.executable, "-m", "scrapy", "crawl", "reviews", "-s", f"REVIEWCRAWL_DATA_DIR={data}", *FAST,
            "-s", "DOWNLOAD_DELAY=0.2", "-s", "REVIEWCRAWL_DB_BATCH_SIZE=1", "-s", f"REVIEWCRAWL_DATABASE_URL={via_proxy}"]  # fmt: skip
    run = subprocess.Popen(args, env={"http_proxy": demo_proxy, "PATH": "/usr/bin:/bin"}, cwd=Path(__file__).parent.parent,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        with open_database(pg_url) as store:
            for _ in range(300):  # the first reviews are in: cut
                if store.count() >= 2 or run.poll() is not None:
                    break
                time.sleep(0.05)
            written_before_cut = store.count()
        proxy.cut()
        _, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
    feed = read_jsonl(feed_of(data))
    with open_database(pg_url) as store:
        in_db = store.count()
    assert (run.returncode, len(feed), 2 <= written_before_cut < REVIEWS, in_db < REVIEWS) == (
        ExitCode.STORAGE, REVIEWS, True, True), stderr[-3000:]  # fmt: skip
    assert stderr.count("Traceback") == 0 and "are not in the database" in stderr, stderr[
        stderr.find("Traceback") - 500 :
    ][:5000]
    loaded = run_scrapy(["load", str(feed_of(data)), "-s", f"REVIEWCRAWL_DATABASE_URL={pg_url}"])
    with open_database(pg_url) as store:
        assert (loaded.returncode, store.count()) == (0, REVIEWS)


def test_postgresql_restarting_mid_run_is_retried(tmp_path: Path, demo_proxy: str, pg_url: str, pg_admin: Any) -> None:  # noqa: F811
    """The server drops the run's connections (a restart): the batch refused is written on the
    next try, over a new connection; the run still says it had a storage error (exit code 4)."""
    data = tmp_path / "d"
    args = [sys.executable, "-m", "scrapy", "crawl", "reviews", "-s", f"REVIEWCRAWL_DATA_DIR={data}", *FAST,
            "-s", "DOWNLOAD_DELAY=0.2", "-s", "REVIEWCRAWL_DB_BATCH_SIZE=1", "-s", "REVIEWCRAWL_DB_FLUSH_SECONDS=0.5",
            "-s", f"REVIEWCRAWL_DATABASE_URL={pg_url}"]  # fmt: skip
    run = subprocess.Popen(args, env={"http_proxy": demo_proxy, "PATH": "/usr/bin:/bin"}, cwd=Path(__file__).parent.parent,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        with open_database(pg_url) as store:
            for _ in range(300):
                if store.count() >= 2 or run.poll() is not None:
                    break
                time.sleep(0.05)
        dropped = pg_admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = 'reviewcrawl' AND pid <> pg_backend_pid()"
        ).fetchone()[0]
        _, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
    with open_database(pg_url) as store:
        in_db = store.count()
    assert (dropped >= 2, run.returncode, in_db, len(read_jsonl(feed_of(data)))) == (
        True, ExitCode.STORAGE, REVIEWS, REVIEWS), stderr[-3000:]  # fmt: skip
    assert "are not in the database" not in stderr and stderr.count("Traceback") == 0


# -- the writer thread ------------------------------------------------------------------------

SLOW_DATABASE = """
import json, sys, time
from scrapy.utils.test import get_crawler
from twisted.internet import defer, reactor, task
from reviewcrawl.items import Review
from reviewcrawl.pipelines import Batch, DatabasePipeline

SLOW = 1.0
write, writes = Batch.write, []

def slow_write(self, *args):  # a slow database, on the writer thread
    start = time.perf_counter()
    time.sleep(SLOW)
    result = write(self, *args)
    writes.append((start, time.perf_counter()))
    return result

Batch.write = slow_write
crawler = get_crawler(settings_dict={"REVIEWCRAWL_DATA_DIR": sys.argv[1], "REVIEWCRAWL_DATABASE_URL": sys.argv[2],
                                     "REVIEWCRAWL_DB_BATCH_SIZE": 5})
crawler.stats.open_spider()
db = DatabasePipeline.from_crawler(crawler)
ticks, out = [], {}

def main():
    db.open_spider()
    clock = task.LoopingCall(lambda: ticks.append(time.perf_counter()))
    clock.start(0.01)
    start = time.perf_counter()
    items = [defer.ensureDeferred(db.process_item(Review(url=f"http://a.example/{i}", canonical_url=f"http://a.example/{i}", site="a",
                                    title="T", text="x", fetched_at="2026-11-22T12:00:00+00:00", run_id="r1")))
             for i in range(5)]
    out["first_four_done"] = all(d.called for d in items[:4])  # items that filled no batch went on at once
    out["fifth_done_at_once"] = items[-1].called
    items[-1].addCallback(lambda _: out.setdefault("fifth_done", time.perf_counter()))
    def finish():
        clock.stop()
        db.close_spider()
        reactor.stop()
    reactor.callLater(SLOW + 0.5, finish)

reactor.callWhenRunning(main)
reactor.run()
w_start, w_end = writes[0]  # the batch of five (the close writes an empty one after)
out["ticks_during_write"] = sum(w_start < t < w_end for t in ticks)
out["fifth_waited_for_the_write"] = out.get("fifth_done", 0) >= w_end
out["rows"] = crawler.stats.get_value("reviewcrawl/db_rows_total")
print(json.dumps(out))
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_slow_database_does_not_block_the_reactor(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """The batch goes to the writer thread: while the database takes a second over it, the
    reactor goes on (a 10 ms clock ticks during the write: a blocked reactor would not tick at
    all); the item that filled the batch waits for it."""
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else f"sqlite:///{tmp_path / 'db.sqlite3'}"
    done = subprocess.run([sys.executable, "-c", SLOW_DATABASE, str(tmp_path), url], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.splitlines()[-1])
    assert (out["first_four_done"], out["fifth_done_at_once"], out["fifth_waited_for_the_write"], out["rows"]) == (
        True, False, True, 5), out  # fmt: skip
    assert out["ticks_during_write"] > 0, out
