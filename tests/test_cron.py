"""Safe to run from cron: atomic feeds, the run summary and `runs` row, the lock, the exit codes.

Real `scrapy crawl` processes against the sample sites (demo_proxy) and a small server of our
own on 127.0.0.1 that serves one review page and one page that never answers (a run that is
still going, for the lock and kill tests).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reviewcrawl.lock import RunLock
from reviewcrawl.runs import ExitCode
from reviewcrawl.storage.sqlite import SCHEMA_VERSION, SQLiteStore

from .conftest import ROOT, SCRAPY, demo_page, read_jsonl, run_scrapy

PIPELINES = {
    "reviewcrawl.pipelines.ExtractPipeline": 100,
    "reviewcrawl.pipelines.ValidatePipeline": 200,
    "reviewcrawl.pipelines.NearDuplicatePipeline": 300,
    "reviewcrawl.pipelines.DatabasePipeline": 400,
}
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"]
REVIEW_PAGE = demo_page("http://reelverdict.example/ballerina-2025-review/")
WAIT_LIMIT = 60  # seconds a test waits for a crawl to reach a state before it gives up


def crawl(data_dir: Path, *args: str, proxy: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_scrapy(["crawl", "reviews", "-s", f"REVIEWCRAWL_DATA_DIR={data_dir}", *FAST, *args], proxy=proxy)


class Crawl:
    """A `scrapy crawl` running in the background, its stderr collected as it comes."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
        self.proc = subprocess.Popen(
            [*SCRAPY, "crawl", "reviews", "-s", f"REVIEWCRAWL_DATA_DIR={data_dir}", *FAST, *args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def wait_until(self, condition: Callable[[], bool]) -> None:
        """Wait (bounded) until the condition holds while the crawl is still running."""
        pause = threading.Event()
        for _ in range(WAIT_LIMIT * 20):
            if condition():
                return
            assert self.proc.poll() is None, f"the crawl ended early: {self.stderr[-3000:]}"
            pause.wait(0.05)
        pytest.fail(f"the crawl did not get there in time: {self.stderr[-3000:]}")

    def wait(self) -> int:
        code = self.proc.wait(timeout=WAIT_LIMIT)
        self.reader.join(timeout=WAIT_LIMIT)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.wait()


def summary_of(data_dir: Path) -> dict:
    (path,) = (data_dir / "feeds").glob("run-*.json")
    return dict(json.loads(path.read_text(encoding="utf-8")))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalSite:
    """http://127.0.0.1:PORT/: links to /review/ (a review page) and /slow/, which answers nothing
    until release() (then it closes the connection)."""

    def __init__(self) -> None:
        self.release_count = 0
        self.released = threading.Condition()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/slow/":
                    with site.released:
                        seen = site.release_count
                        site.released.wait_for(lambda: site.release_count != seen)
                    return
                if self.path == "/":
                    body = b'<html><body><a href="/review/">review</a> <a href="/slow/">slow</a></body></html>'
                elif self.path == "/review/":
                    body = REVIEW_PAGE
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def release(self) -> None:
        with self.released:
            self.release_count += 1
            self.released.notify_all()


@pytest.fixture(scope="module")
def local_site() -> Iterator[LocalSite]:
    site = LocalSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.release()
    site.server.shutdown()
    site.server.server_close()


# -- an ordinary run: feed, summary, runs row ---------------------------------------------------


@pytest.fixture(scope="module")
def ok_run(tmp_path_factory: pytest.TempPathFactory, demo_proxy: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data_dir = tmp_path_factory.mktemp("cron")
    return data_dir, crawl(data_dir, "-a", "site=headphonesthoughts", proxy=demo_proxy)


def test_ok_run_exits_0(ok_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    assert ok_run[1].returncode == ExitCode.OK, ok_run[1].stderr[-3000:]


def test_feed_is_under_its_final_name_only(ok_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    run_id = summary_of(ok_run[0])["run_id"]
    assert sorted(p.name for p in (ok_run[0] / "feeds").iterdir()) == [f"reviews-{run_id}.jsonl", f"run-{run_id}.json"]


def test_feed_is_complete(ok_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    (feed,) = (ok_run[0] / "feeds").glob("reviews-*.jsonl")
    assert len(read_jsonl(feed)) == 3 and feed.read_bytes().endswith(b"}\n")


def test_summary_counts_match_the_feed_and_stats(ok_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    data_dir, result = ok_run
    summary = summary_of(data_dir)
    (feed,) = (data_dir / "feeds").glob("reviews-*.jsonl")
    pages = int(re.search(r"'response_received_count': (\d+)", result.stderr).group(1))  # type: ignore[union-attr]
    site = summary["sites"]["headphonesthoughts"]
    assert (summary["status"], summary["exit_code"], summary["pages"], summary["reviews"], site["reviews"],
            site["pages"], summary["feeds"][0]["path"], summary["feeds"][0]["items"]) == (
        "ok", 0, pages, 3, 3, pages, str(feed), 3)  # fmt: skip


def test_summary_fill_rates(ok_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    data_dir, _ = ok_run
    records = read_jsonl(next((data_dir / "feeds").glob("reviews-*.jsonl")))
    expected = {f: round(sum(r[f] is not None for r in records) / len(records), 4) for f in records[0]}
    assert summary_of(data_dir)["fill_rate"] == expected


def test_summary_times_are_utc(ok_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    summary = summary_of(ok_run[0])
    assert summary["started_at"].endswith("+00:00") and summary["finished_at"] >= summary["started_at"]


def test_runs_row_holds_the_summary(ok_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    data_dir, _ = ok_run
    summary = summary_of(data_dir)
    with sqlite3.connect(data_dir / "reviewcrawl.sqlite3") as conn:
        rows = conn.execute(
            "SELECT run_id, started_at, finished_at, status, exit_code, pages, reviews, near_copies, errors, summary"
            " FROM runs"
        ).fetchall()
    assert rows == [(*(summary[c] for c in ("run_id", "started_at", "finished_at", "status", "exit_code", "pages",
                                             "reviews", "near_copies", "errors")), json.dumps(summary, sort_keys=True))]  # fmt: skip


def test_lock_is_released_after_the_run(ok_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    assert (ok_run[0] / "locks" / "reviews-headphonesthoughts.lock").read_text() == ""


def test_gzip_feed(tmp_path: Path, demo_proxy: str) -> None:
    result = crawl(
        tmp_path, "-a", "site=headphonesthoughts", "-s", "REVIEWCRAWL_FEED_COMPRESSION=gzip", proxy=demo_proxy
    )
    (feed,) = (tmp_path / "feeds").glob("reviews-*")
    with gzip.open(feed, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    assert (result.returncode, feed.name.endswith(".jsonl.gz"), len(records)) == (0, True, 3), result.stderr[-3000:]


def test_near_copies_counted_per_site(tmp_path: Path, demo_proxy: str) -> None:
    crawl(tmp_path / "first", "-a", "site=reelverdict", proxy=demo_proxy)
    (tmp_path / "first" / "feeds").rename(tmp_path / "first-feeds")
    crawl(tmp_path / "first", "-a", "site=reviewroundup", proxy=demo_proxy)
    summary = summary_of(tmp_path / "first")
    assert (summary["near_copies"], summary["sites"]["reviewroundup"]["near_copies"]) == (2, 2)


# -- a run that is killed ----------------------------------------------------------------------


def test_killed_run_leaves_no_feed_under_the_final_name(tmp_path: Path, local_site: LocalSite) -> None:
    run = Crawl(tmp_path, "-a", f"url={local_site.url}")
    feeds = tmp_path / "feeds"
    try:
        run.wait_until(lambda: any(feeds.glob(".reviews-*.jsonl.part")))
        running = [p.name.startswith(".reviews-") and p.name.endswith(".jsonl.part") for p in feeds.iterdir()]
    finally:
        run.kill()
    killed = [p.name.startswith(".reviews-") and p.name.endswith(".jsonl.part") for p in feeds.iterdir()]
    assert (running, killed) == ([True], [True])


def test_interrupted_run_publishes_what_it_got_and_exits_5(tmp_path: Path, local_site: LocalSite) -> None:
    run = Crawl(tmp_path, "-a", f"url={local_site.url}", "-s", "RETRY_TIMES=0")
    try:
        run.wait_until(lambda: any((tmp_path / "feeds").glob(".reviews-*.jsonl.part")))
        run.proc.send_signal(signal.SIGTERM)
        run.wait_until(lambda: "Closing spider (shutdown)" in run.stderr)
        local_site.release()  # the page it is waiting for gives up: the graceful shutdown can end
        code = run.wait()
    finally:
        run.kill()
    (feed,) = (tmp_path / "feeds").glob("reviews-*.jsonl")
    assert (code, len(read_jsonl(feed)), summary_of(tmp_path)["status"]) == (
        ExitCode.INTERRUPTED, 1, "interrupted"), run.stderr[-3000:]  # fmt: skip


def test_forced_shutdown_exits_5_and_publishes_nothing(tmp_path: Path, local_site: LocalSite) -> None:
    run = Crawl(tmp_path, "-a", f"url={local_site.url}")
    try:
        run.wait_until(lambda: any((tmp_path / "feeds").glob(".reviews-*.jsonl.part")))
        run.proc.send_signal(signal.SIGTERM)
        run.wait_until(lambda: "Closing spider (shutdown)" in run.stderr)
        run.proc.send_signal(signal.SIGTERM)  # a second signal: Scrapy stops at once
        code = run.wait()
    finally:
        run.kill()
    assert (code, sorted(p.name.endswith(".part") for p in (tmp_path / "feeds").iterdir())) == (
        ExitCode.INTERRUPTED, [True]), run.stderr[-3000:]  # fmt: skip


# -- the lock ----------------------------------------------------------------------------------


def test_second_run_exits_with_the_lock_code(tmp_path: Path, local_site: LocalSite) -> None:
    lock = tmp_path / "locks" / f"reviews-url-127.0.0.1_{local_site.url.rsplit(':', 1)[1].strip('/')}.lock"
    first = Crawl(tmp_path, "-a", f"url={local_site.url}slow/")
    try:
        first.wait_until(lambda: lock.exists() and lock.read_text().strip() == str(first.proc.pid))
        second = crawl(tmp_path, "-a", f"url={local_site.url}slow/")
    finally:
        first.kill()
    assert (second.returncode, second.stderr.strip()) == (
        ExitCode.LOCKED, f"reviewcrawl: another run holds the lock {lock} (PID {first.proc.pid}); not starting")  # fmt: skip


def test_lock_left_by_a_killed_run_is_taken_over(tmp_path: Path, local_site: LocalSite) -> None:
    lock = tmp_path / "locks" / f"reviews-url-127.0.0.1_{local_site.url.rsplit(':', 1)[1].strip('/')}.lock"
    first = Crawl(tmp_path, "-a", f"url={local_site.url}slow/")
    try:
        first.wait_until(lambda: lock.exists() and lock.read_text().strip() == str(first.proc.pid))
    finally:
        first.kill()
    second = crawl(tmp_path, "-a", f"url={local_site.url}review/")
    assert (second.returncode, f"(PID {first.proc.pid}, no longer running)" in second.stderr) == (
        ExitCode.OK, True), second.stderr[-3000:]  # fmt: skip


def test_next_run_recovers_a_killed_run(tmp_path: Path, local_site: LocalSite) -> None:
    """The run killed with its feed half-written: the next run of its lock says it took over the
    lock of that run, marks its row killed, deletes its .part and exports what it had collected."""
    killed_id = "20261122T031500Z-dead"
    first = Crawl(tmp_path, "-a", f"url={local_site.url}", "-a", f"run_id={killed_id}")
    part = tmp_path / "feeds" / f".reviews-{killed_id}.jsonl.part"
    try:
        first.wait_until(lambda: part.exists() and part.stat().st_size > 0)
    finally:
        first.kill()
    second = crawl(tmp_path, "-a", f"url={local_site.url}review/")
    summary = summary_of(tmp_path)
    with sqlite3.connect(tmp_path / "reviewcrawl.sqlite3") as conn:
        row = conn.execute("SELECT status, published, pid FROM runs WHERE run_id = ?", (killed_id,)).fetchone()
    (feed,) = (tmp_path / "feeds").glob("reviews-*.jsonl")
    assert (second.returncode, summary["warnings"][0], row, part.exists(), len(read_jsonl(feed))) == (
        ExitCode.OK, f"took over the lock of killed run {killed_id} (PID {first.proc.pid})",
        ("killed", 0, first.proc.pid), False, 1), second.stderr[-3000:]  # fmt: skip
    assert f"Deleted {part}, left by run {killed_id} that did not finish" in second.stderr


def test_lock_held_by_a_live_process(tmp_path: Path) -> None:
    with RunLock(tmp_path / "locks" / "reviews-headphonesthoughts.lock"):
        result = crawl(tmp_path, "-a", "site=headphonesthoughts")
    assert (result.returncode, f"(PID {os.getpid()})" in result.stderr) == (ExitCode.LOCKED, True)


def test_other_site_selections_are_not_locked_out(tmp_path: Path, demo_proxy: str) -> None:
    with RunLock(tmp_path / "locks" / "reviews-all.lock"):
        result = crawl(tmp_path, "-a", "site=headphonesthoughts", proxy=demo_proxy)
    assert result.returncode == ExitCode.OK, result.stderr[-3000:]


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path, demo_proxy: str) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock = tmp_path / "locks" / "reviews-headphonesthoughts.lock"
    lock.parent.mkdir(parents=True)
    lock.write_text(f"{int(dead.stdout)}\n")
    result = crawl(tmp_path, "-a", "site=headphonesthoughts", proxy=demo_proxy)
    warning = f"Taking over the lock {lock}: the run that left it (PID {int(dead.stdout)}, no longer running)"
    assert (result.returncode, warning in result.stderr) == (ExitCode.OK, True), result.stderr[-3000:]


# -- exit codes --------------------------------------------------------------------------------


def test_unknown_site_is_a_usage_error(tmp_path: Path) -> None:
    result = crawl(tmp_path, "-a", "site=nosuchsite")
    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
        ExitCode.USAGE,
        "reviewcrawl: cannot start: unknown site profile(s) ['nosuchsite']; known: "
        "['headphonesthoughts', 'prestonmoline', 'reelverdict', 'reviewroundup']",
    )


@pytest.mark.parametrize(
    "setting",
    [
        "REVIEWCRAWL_FEED_COMPRESSION=zip",
        "REVIEWCRAWL_DUPLICATES=delete",
        "REVIEWCRAWL_DATABASE_URL=mysql://u:secret@db/x",
    ],
)
def test_bad_setting_is_a_usage_error(tmp_path: Path, setting: str) -> None:
    result = crawl(tmp_path, "-a", "site=headphonesthoughts", "-s", setting)
    assert result.returncode == ExitCode.USAGE, result.stderr[-3000:]
    assert "secret" not in result.stderr + result.stdout


def test_every_start_url_failing_fails_the_run(tmp_path: Path) -> None:
    result = crawl(tmp_path, "-a", f"url=http://127.0.0.1:{closed_port()}/", "-s", "RETRY_TIMES=0")
    summary = summary_of(tmp_path)
    assert (result.returncode, summary["status"], summary["reasons"], summary["errors_by_kind"]["download"]) == (
        ExitCode.FAILED, "failed", ["site 127.0.0.1: every start URL failed"],
        {"scrapy.exceptions.DownloadConnectionRefusedError": 3}), result.stderr[-3000:]  # fmt: skip


def test_no_reviews_where_the_profile_expects_some_fails_the_run(tmp_path: Path, demo_proxy: str) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "quiet.toml").write_text(
        'name = "quiet"\nstart_urls = ["http://headphonesthoughts.example/"]\n'
        "review_urls = ['^/no-such-section/']\nexpect_reviews = 2\n"
    )
    result = crawl(tmp_path, "-a", "site=quiet", "-s", f"REVIEWCRAWL_SITE_DIRS={profiles}", proxy=demo_proxy)
    assert (result.returncode, summary_of(tmp_path)["reasons"]) == (
        ExitCode.FAILED, ["site quiet: no reviews, its profile expects 2"]), result.stderr[-3000:]  # fmt: skip


def test_unwritable_feed_directory_is_a_storage_error(tmp_path: Path, demo_proxy: str) -> None:
    (tmp_path / "feeds").write_text("a file where the feeds directory should be")
    result = crawl(tmp_path, "-a", "site=headphonesthoughts", proxy=demo_proxy)
    with sqlite3.connect(tmp_path / "reviewcrawl.sqlite3") as conn:
        row = conn.execute("SELECT status, exit_code, published FROM runs").fetchone()
    # not published: what it stored does not count as exported, the next run exports it again
    assert (result.returncode, row) == (ExitCode.STORAGE, ("storage_error", 4, 0)), result.stderr[-3000:]


@pytest.mark.parametrize(("max_rate", "expected"), [("0.01", ExitCode.FAILED), ("0.5", ExitCode.OK)])
def test_pipeline_errors_fail_the_run_above_the_threshold(
    tmp_path: Path, demo_proxy: str, max_rate: str, expected: ExitCode
) -> None:
    pipelines = json.dumps({**PIPELINES, "tests.faults.FailOnOneReview": 150})
    result = crawl(tmp_path, "-a", "site=headphonesthoughts", "-s", f"ITEM_PIPELINES={pipelines}",
                   "-s", f"REVIEWCRAWL_MAX_ERROR_RATE={max_rate}", proxy=demo_proxy)  # fmt: skip
    summary = summary_of(tmp_path)
    assert (result.returncode, summary["errors_by_kind"]["pipeline"], summary["reviews"]) == (
        expected, {"KeyError": 1}, 2), result.stderr[-3000:]  # fmt: skip


def test_errors_feed_is_renamed_into_place_too(tmp_path: Path, demo_proxy: str) -> None:
    pipelines = json.dumps({**PIPELINES, "tests.faults.BreakDates": 150})
    crawl(tmp_path, "-a", "site=headphonesthoughts", "-s", f"ITEM_PIPELINES={pipelines}", proxy=demo_proxy)
    run_id = summary_of(tmp_path)["run_id"]
    (errors,) = (tmp_path / "feeds").glob("errors-*.jsonl")
    assert (sorted(p.name for p in (tmp_path / "feeds").iterdir()), [r["kind"] for r in read_jsonl(errors)]) == (
        [f"errors-{run_id}.jsonl", f"reviews-{run_id}.jsonl", f"run-{run_id}.json"], ["schema"] * 3)  # fmt: skip


# -- the runs table ----------------------------------------------------------------------------


def test_an_older_database_gets_the_runs_table(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    SQLiteStore(db).close()
    with sqlite3.connect(db) as conn:  # as schema version 2 left it, before schema_migrations
        conn.execute("DROP TABLE runs")
        conn.execute("DROP TABLE schema_migrations")
        conn.execute("PRAGMA user_version = 2")
    store = SQLiteStore(db)
    store.add_run({"run_id": "r1", "started_at": "2026-11-22T12:00:00+00:00", "status": "ok", "exit_code": 0})
    version = store.conn.execute("PRAGMA user_version").fetchone()[0]
    runs = store.conn.execute("SELECT run_id, status FROM runs").fetchall()
    store.close()
    assert (version, runs) == (SCHEMA_VERSION, [("r1", "ok")])


def test_runs_of_a_version_4_database_count_as_published(tmp_path: Path) -> None:
    """Before version 5 a run was recorded at its end, after its feeds: its row stays trusted."""
    db = tmp_path / "v4.sqlite3"
    SQLiteStore(db).close()
    with sqlite3.connect(db) as conn:  # the runs table as version 4 left it, with one run
        conn.execute("DROP TABLE schema_migrations")  # version 4 said its version in user_version only
        conn.execute("DROP TABLE runs")
        conn.execute(
            "CREATE TABLE runs (run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, status TEXT "
            "NOT NULL, exit_code INTEGER NOT NULL, pages INTEGER NOT NULL DEFAULT 0, reviews INTEGER NOT NULL "
            "DEFAULT 0, near_copies INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0, summary TEXT NOT NULL)"
        )
        conn.execute(
            "INSERT INTO runs (run_id, started_at, status, exit_code, summary) VALUES ('r4', 'x', 'ok', 0, '{}')"
        )
        conn.execute("INSERT INTO pages (url, etag, run_id) VALUES ('http://a.example/', '\"1\"', 'r4')")
        conn.execute("PRAGMA user_version = 4")
    store = SQLiteStore(db)
    state = store.page_state("http://a.example/")
    published = store.conn.execute("SELECT published FROM runs").fetchall()
    store.close()
    assert (state is not None and state.etag, published) == ('"1"', [(1,)])


# -- logging to a file -------------------------------------------------------------------------


def test_log_file_leaves_one_line_on_stderr_for_a_failed_run(tmp_path: Path) -> None:
    """The LOG_FILE directory is created; stderr (what cron mails) holds only the verdict."""
    log = tmp_path / "logs" / "reviews.log"
    result = crawl(tmp_path, "-a", f"url=http://127.0.0.1:{closed_port()}/", "-s", "RETRY_TIMES=0",
                   "-s", f"LOG_FILE={log}")  # fmt: skip
    run_id = summary_of(tmp_path)["run_id"]
    assert (result.returncode, result.stderr.splitlines(), f"Run {run_id}: failed" in log.read_text()) == (
        ExitCode.FAILED, [f"reviewcrawl: run {run_id} failed (exit code 1): site 127.0.0.1: every start URL failed"],
        True)  # fmt: skip
