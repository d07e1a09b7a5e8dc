"""Runs killed with ``kill -9``: found, marked and made good by the next run of the same lock.

What counts as exported: a review or page state written by a run counts for the next runs
(no conditional request, no export of unchanged content; reviewcrawl/incremental.py) only when
that run's row in the ``runs`` table says ``published = 1``: every feed of the run is under its
final name. A run writes its row at its start (``running``, not published; its lock file and
PID), writes pages and reviews to the database in batches as it goes, and replaces the row at
its end, after its feeds were renamed into place (reviewcrawl.extensions.RunRecorder).

A run killed on the way leaves its row ``running``. The next run that takes the same lock (the
lock is an flock: no other process can hold it, so every ``running`` row of that lock is a dead
run) calls :func:`begin_run` before it crawls, which for each such run:

- decides from the files whether the killed run's feeds were published: its feeds under their
  final names and no ``.part`` file left (killed between the renames and the end of its run);
  ``run-<id>.json`` present means it even wrote its summary, which is then its row;
- marks its row ``killed`` (``published`` as found), with the PID and the run that found it;
- deletes its leftover ``.part`` files (a half-written feed is never published; what it held is
  exported again, below), with a log line each.

Why re-fetch rather than re-export from the database: a killed run's pages may be recorded in the
``pages`` table while the reviews they gave were still in an unwritten batch, so the database
alone does not hold everything the run collected; the pages are the source. Their state being
untrusted, the next run asks for them without conditional headers, extracts them again, and the
content comparison (against published runs only) finds their reviews not exported: they go into
its feed, once. A review a published run already exported and the killed run saw unchanged keeps
that run's ``run_id`` in the database and is not exported again. What is not recovered: a review
the killed run collected and whose page is gone from its site by the next run (it stays in the
database's ``reviews`` table, with the killed run's ``run_id``, but reaches no feed).

Leftover ``.part`` files whose run is not running (in the feeds directory of the data directory,
where the default FEEDS and the summaries go) are deleted too, whatever lock they had: a run of
another site selection that is running keeps its own.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewcrawl.storage.sqlite import KILLED, RUNNING, SQLiteStore

__all__ = ["RunStart", "StorageUnavailable", "begin_run", "check_data_dir"]

logger = logging.getLogger(__name__)

#: the run id in a feed's or summary's file name (reviewcrawl.spiders.reviews.new_run_id)
RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]+")


class StorageUnavailable(OSError):
    """The data directory or the state database cannot be used: the run does not start (exit code 4)."""


@dataclass
class RunStart:
    """What begin_run found and did, for the run's summary and log."""

    run_id: str
    #: killed runs of this lock, marked in the runs table: (run_id, pid, published)
    killed: list[tuple[str, int | None, bool]] = field(default_factory=list)
    #: leftover .part files deleted
    removed: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_data_dir(data_dir: Path) -> None:
    """The data directory exists, or can be made where its parent exists (a first run). A missing
    parent (an unmounted volume, a typo) or a file in its place is an error, not a tree to create."""
    if data_dir.is_dir():
        return
    if data_dir.exists():
        raise StorageUnavailable(f"the data directory {data_dir} is not a directory (REVIEWCRAWL_DATA_DIR)")
    if not data_dir.parent.is_dir():
        raise StorageUnavailable(
            f"the data directory {data_dir} does not exist, nor its parent {data_dir.parent} "
            "(an unmounted volume? REVIEWCRAWL_DATA_DIR); create it first"
        )
    try:
        data_dir.mkdir()
    except FileExistsError:
        pass  # another run made it
    except OSError as exc:
        raise StorageUnavailable(f"cannot create the data directory {data_dir}: {exc.strerror or exc}") from None


def begin_run(
    data_dir: Path,
    run_id: str,
    started_at: str,
    *,
    lock: Path | None,
    stale_pid: int | None = None,
    distributed: bool = False,
) -> RunStart:
    """Before a run crawls: recover the killed runs of its lock, clear leftover .part files, and
    write the run's own row. Raises sqlite3.Error or OSError when the state database cannot be
    written (read-only, full, a directory in its place): the run must not start without it.
    ``distributed``: a worker of a distributed crawl, whose killed runs' requests go back to the
    shared queue (reviewcrawl.distributed.scheduler), for any worker to take."""
    start = RunStart(run_id)
    feeds_dir = data_dir / "feeds"
    parts = sorted(feeds_dir.glob(".*.part")) if feeds_dir.is_dir() else []  # before the rows: see _clear_parts
    store = SQLiteStore(data_dir / "reviewcrawl.sqlite3")
    try:
        lock_key = str(lock.resolve()) if lock is not None else None
        for row in store.running_runs():
            if lock_key is not None and row["lock"] == lock_key and row["run_id"] != run_id:
                start.killed.append(_mark_killed(store, row, feeds_dir, parts, found_by=run_id))
        statuses = store.run_statuses()
        start.removed = _clear_parts(parts, statuses, run_id)
        store.start_run(run_id, started_at, lock=lock_key, pid=os.getpid())
    finally:
        store.close()
    by_pid = {pid: rid for rid, pid, _ in start.killed}
    if stale_pid:
        rid = by_pid.get(stale_pid)
        which = f"killed run {rid}" if rid else "a run that died before it was recorded"
        start.warnings.append(f"took over the lock of {which} (PID {stale_pid})")
    for rid, pid, published in start.killed:
        if published:
            start.warnings.append(f"run {rid} (PID {pid}) was killed after publishing its feeds: nothing to redo")
        else:
            by = "the workers of the crawl (its requests are back in the shared queue)" if distributed else "this run"
            start.warnings.append(
                f"run {rid} (PID {pid}) was killed before publishing its feeds: its pages are fetched "
                f"and its reviews exported again by {by}"
            )
    return start


def _mark_killed(
    store: SQLiteStore, row: dict[str, Any], feeds_dir: Path, parts: list[Path], *, found_by: str
) -> tuple[str, int | None, bool]:
    rid = str(row["run_id"])
    finals = [p for p in feeds_dir.glob(f"*{rid}*") if not p.name.startswith(".")] if feeds_dir.is_dir() else []
    feeds = [p for p in finals if not p.name.startswith("run-")]
    published = bool(feeds) and not any(rid in p.name for p in parts)
    summary: dict[str, Any] = {}
    written = feeds_dir / f"run-{rid}.json"
    if written.exists():  # killed after its summary, before its row: the summary says how it went
        try:
            summary = dict(json.loads(written.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            summary = {}
    if not summary:
        summary = {"run_id": rid, "started_at": row["started_at"], "status": KILLED, "exit_code": 5}
        summary["reasons"] = [f"killed (PID {row['pid']}): found by run {found_by}"]
        summary["feeds"] = [{"path": str(p), "stored": True} for p in sorted(feeds)]
    summary["published"] = published
    summary["killed"] = {"pid": row["pid"], "found_by": found_by}
    summary.setdefault("status", KILLED)
    if summary["status"] == RUNNING:
        summary["status"] = KILLED
    store.add_run(summary)
    logger.warning(
        "Run %s (PID %s) was killed %s publishing its feeds; marked %s in the runs table",
        rid, row["pid"], "after" if published else "before", summary["status"],
    )  # fmt: skip
    return rid, row["pid"], published


def _clear_parts(parts: list[Path], statuses: dict[str, str], run_id: str) -> list[Path]:
    """Delete the .part files of runs that are not running. The files were listed before the
    runs table was read: a run writes its row before its first .part, so a .part listed whose run
    has no row was left by a run from before rows were written at the start."""
    removed = []
    for part in parts:
        found = RUN_ID.search(part.name)
        if found is None or found.group(0) == run_id or statuses.get(found.group(0)) == RUNNING:
            continue
        try:
            part.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            logger.warning("Could not delete the leftover %s: %s", part, exc)
            continue
        logger.warning("Deleted %s, left by run %s that did not finish (never published)", part, found.group(0))
        removed.append(part)
    return removed
