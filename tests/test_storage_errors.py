"""Storage that fails for real: the data directory missing or a file, the state database read-only
(chattr +i: refused to root too), the database full (a tiny tmpfs). Each is one clear line naming
the path and the cause, exit code 4, no traceback, and what was collected still reaches the feed.
Mounting and chattr need root (or the capabilities): without them the test is skipped, saying why."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewcrawl.runs import ExitCode

from .conftest import read_jsonl
from .test_cron import crawl, summary_of

DB = "reviewcrawl.sqlite3"


def test_data_directory_whose_parent_is_missing(tmp_path: Path) -> None:
    data_dir = tmp_path / "unmounted" / "data"
    result = crawl(data_dir, "-a", "site=headphonesthoughts")
    assert (result.returncode, result.stderr.splitlines(), (tmp_path / "unmounted").exists()) == (
        ExitCode.STORAGE,
        [f"reviewcrawl: cannot start: the data directory {data_dir} does not exist, nor its parent "
         f"{data_dir.parent} (an unmounted volume? REVIEWCRAWL_DATA_DIR); create it first"],
        False,
    )  # fmt: skip


def test_data_directory_that_is_a_file(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.write_text("not a directory")
    result = crawl(data_dir, "-a", "site=headphonesthoughts")
    assert (result.returncode, result.stderr.splitlines()) == (
        ExitCode.STORAGE,
        [f"reviewcrawl: cannot start: the data directory {data_dir} is not a directory (REVIEWCRAWL_DATA_DIR)"],
    )


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), capture_output=True, text=True, check=False)


@pytest.fixture
def immutable() -> Iterator[list[Path]]:
    """Files made immutable by the test (chattr +i), made mutable again afterwards."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed: no read-only file that root cannot write")
    files: list[Path] = []
    yield files
    for f in files:
        _run("chattr", "-i", str(f))


def test_read_only_database_stops_the_run_before_it_crawls(
    tmp_path: Path, demo_proxy: str, immutable: list[Path]
) -> None:
    first = crawl(tmp_path, "-a", "site=headphonesthoughts", proxy=demo_proxy)
    assert first.returncode == ExitCode.OK, first.stderr[-3000:]
    (feed,) = (tmp_path / "feeds").glob("reviews-*.jsonl")
    published = feed.read_bytes()
    made = _run("chattr", "+i", str(tmp_path / DB))
    if made.returncode != 0:
        pytest.skip(f"chattr +i is refused here ({made.stderr.strip()}): no read-only file that root cannot write")
    immutable.append(tmp_path / DB)
    second = crawl(tmp_path, "-a", "site=headphonesthoughts", proxy=demo_proxy)
    lines = second.stderr.splitlines()  # Scrapy's version lines, then the one line
    assert (second.returncode, lines[-1], second.stderr.count("Traceback"), second.stderr.count(" ERROR: ")) == (
        ExitCode.STORAGE,
        f"reviewcrawl: cannot start, storage error: the state database {tmp_path / DB}: "
        "attempt to write a readonly database", 0, 0,
    )  # fmt: skip
    assert ([p.name for p in (tmp_path / "feeds").glob("reviews-*")], feed.read_bytes()) == ([feed.name], published)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 640 KiB tmpfs: the sample sites' state database (about 340 KiB in pages of 16 KiB, and its WAL)
    fills it during the run."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = _run("mount", "-t", "tmpfs", "-o", "size=640k", "tmpfs", str(mount))
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip()}): no real full disk to test with")
    try:
        yield mount
    finally:
        if _run("umount", str(mount)).returncode != 0:
            _run("umount", "-l", str(mount))


def test_full_database_is_one_line_and_exit_4_and_the_feed_keeps_every_review(
    tmp_path: Path, demo_proxy: str, tiny_disk: Path
) -> None:
    """The database on a full disk (the feeds beside it are not): the writes fail for real
    (SQLITE_FULL); the run goes on, publishes every review, says it once and exits 4. With room
    again, the next run loses nothing either."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / DB).symlink_to(tiny_disk / DB)  # SQLite follows it: the WAL goes on the tmpfs too
    result = crawl(data_dir, proxy=demo_proxy)
    log = result.stderr
    summary = summary_of(data_dir)
    (feed,) = (data_dir / "feeds").glob("reviews-*.jsonl")
    errors = [line for line in log.splitlines() if " ERROR: " in line]
    assert (result.returncode, summary["status"], len(read_jsonl(feed))) == (ExitCode.STORAGE, "storage_error", 14), (
        log[-3000:]
    )
    assert (log.count("Traceback"), len(errors)) == (0, 3), errors  # the first failure, what it cost, the verdict
    assert "records are not in the database" in errors[1], errors
    assert f"{data_dir / DB}" in errors[0] and "database or disk is full" in errors[0], errors
    last = log.splitlines()[-1]
    assert last.startswith(f"reviewcrawl: run {summary['run_id']} storage_error (exit code 4)") and (
        "database or disk is full" in last
    ), last
    assert _run("mount", "-o", "remount,size=4m", str(tiny_disk)).returncode == 0
    again = crawl(data_dir, proxy=demo_proxy)
    with sqlite3.connect(data_dir / DB) as conn:
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
    exported = {r["canonical_url"] for f in (data_dir / "feeds").glob("reviews-*.jsonl") for r in read_jsonl(f)}
    assert (again.returncode, integrity, len(exported)) == (ExitCode.OK, "ok", 14), again.stderr[-3000:]
