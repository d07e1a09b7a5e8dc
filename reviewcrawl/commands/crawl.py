"""`scrapy crawl`, safe to run from cron: one run at a time per spider and site selection, and an
exit code that says how the run went (Scrapy's own exits 0 for most failed runs).

Exit codes (reviewcrawl.runs.ExitCode; the README's "Running from cron" documents them):
0 ok, 1 failed run, 2 usage or configuration error, 3 locked (another run is going),
4 storage error, 5 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from reviewcrawl.distributed import is_distributed, worker_id
from reviewcrawl.extensions import RunRecorder
from reviewcrawl.lock import LockHeld, RunLock, lock_name, pid_alive
from reviewcrawl.recovery import StorageUnavailable, begin_run, check_data_dir
from reviewcrawl.runs import STORAGE_ERRORS, ConfigurationError, ExitCode
from reviewcrawl.sites import ProfileError
from reviewcrawl.spiders.reviews import ReviewsSpider, new_run_id
from reviewcrawl.storage import mask, redact

logger = logging.getLogger(__name__)


def _say(message: str) -> None:
    """One line on stderr, whatever LOG_FILE says: what cron mails to its owner."""
    print(f"reviewcrawl: {message}", file=sys.stderr, flush=True)


class Command(ScrapyCrawlCommand):
    lock: RunLock | None = None

    def long_desc(self) -> str:
        return (
            "Run a spider of the project. One run at a time per spider and site selection (a lock "
            "file under REVIEWCRAWL_LOCK_DIR); the exit code says how the run went: 0 ok, 1 failed, "
            "2 usage or configuration error, 3 another run holds the lock, 4 storage error, 5 interrupted."
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            return  # run() raises the usage error
        # The lock is taken here, before Scrapy sets up logging and the crawler process, so that a
        # second run exits at once with its one line
        assert self.settings is not None
        lock_dir = self.settings.get("REVIEWCRAWL_LOCK_DIR") or ""
        data_dir = Path(self.settings.get("REVIEWCRAWL_DATA_DIR") or "data")
        try:  # before the lock, whose directory is made in it
            check_data_dir(data_dir.absolute())
        except StorageUnavailable as exc:
            _say(f"cannot start: {exc}")
            raise SystemExit(ExitCode.STORAGE) from None
        # distributed mode: one lock per worker (several workers of one crawl may share a machine)
        worker = worker_id(self.settings) if is_distributed(self.settings) else None
        name = lock_name(args[0], site=opts.spargs.get("site"), url=opts.spargs.get("url"), worker=worker)
        lock = RunLock(Path(lock_dir) / name if lock_dir else data_dir / "locks" / name)
        try:
            self.lock = lock.acquire()
        except LockHeld as held:
            _say(str(held))
            raise SystemExit(ExitCode.LOCKED) from None
        except OSError as exc:
            _say(f"cannot take the lock {lock.path}: {exc}")
            raise SystemExit(ExitCode.STORAGE) from None
        log_file = self.settings.get("LOG_FILE")
        if log_file:  # Scrapy opens it but does not create its directory (a traceback on the first night)
            try:
                Path(log_file).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                self.lock.release()
                _say(f"cannot create the directory of LOG_FILE {log_file}: {exc}")
                raise SystemExit(ExitCode.STORAGE) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            self._run(args, opts)
        finally:
            if self.lock is not None:
                self.lock.release()

    def _run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        if self.lock is not None and self.lock.stale_pid:
            state = "still running, without the lock" if pid_alive(self.lock.stale_pid) else "no longer running"
            logger.warning(
                "Taking over the lock %s: the run that left it (PID %d, %s) did not end cleanly",
                self.lock.path, self.lock.stale_pid, state,
            )  # fmt: skip
        assert self.crawler_process is not None
        try:
            crawler = self._create_crawler(args[0])
        except KeyError as exc:
            raise UsageError(str(exc).strip("'\"")) from None
        if is_distributed(crawler.settings) and not _redis_answers(crawler.settings.get("REVIEWCRAWL_REDIS_URL")):
            self.exitcode = ExitCode.STORAGE
            return
        if issubclass(crawler.spidercls, ReviewsSpider) and not self._begin(crawler, opts):
            self.exitcode = ExitCode.STORAGE
            return
        failures: list[BaseException] = []
        started = self.crawler_process.crawl(crawler, **opts.spargs)
        _collect_failure(started, failures)
        self.crawler_process.start()
        self.exitcode = self._exit_code(crawler, failures)

    def _begin(self, crawler: Crawler, opts: argparse.Namespace) -> bool:
        """Write the run's row in the state database before crawling (reviewcrawl/recovery.py):
        the killed runs of this lock are marked and their unpublished work is redone by this run.
        False, with one line on stderr, when the state database cannot be written."""
        settings = crawler.settings
        data_dir = Path(settings.get("REVIEWCRAWL_DATA_DIR") or "data").absolute()
        now = dt.datetime.now(dt.UTC)
        run_id = opts.spargs.setdefault("run_id", new_run_id(now))
        lock = self.lock.path if self.lock is not None else None
        stale = self.lock.stale_pid if self.lock is not None else None
        try:
            start = begin_run(data_dir, run_id, now.isoformat(timespec="seconds"), lock=lock, stale_pid=stale,
                              distributed=is_distributed(settings))  # fmt: skip
        except STORAGE_ERRORS as exc:
            cause = getattr(exc, "strerror", None) or str(exc)
            _say(f"cannot start, storage error: the state database {data_dir / 'reviewcrawl.sqlite3'}: {cause}")
            return False
        # read by RunRecorder, for the run's summary (settings are frozen when the crawl starts)
        settings.set("REVIEWCRAWL_RUN_WARNINGS", start.warnings, priority="cmdline")
        # distributed mode: what those runs took from the shared queue goes back to it (or is done)
        settings.set(
            "REVIEWCRAWL_KILLED_RUNS", {rid: published for rid, _, published in start.killed}, priority="cmdline"
        )
        return True

    def _exit_code(self, crawler: Crawler, failures: list[BaseException]) -> int:
        try:
            recorder = crawler.get_extension(RunRecorder)
        except RuntimeError:  # the crawl stopped before its extensions were built
            recorder = None
        if recorder is not None and recorder.summary is not None:
            summary = recorder.summary
            if summary["exit_code"]:
                reasons = "; ".join(summary["reasons"]) or summary["status"]
                _say(f"run {summary['run_id']} {summary['status']} (exit code {summary['exit_code']}): {reasons}")
            return int(summary["exit_code"])
        if failures:
            exc = failures[0]
            if isinstance(exc, (ProfileError, ConfigurationError)):
                _say(f"cannot start: {exc}")
                return ExitCode.USAGE
            logger.error("The crawl could not start", exc_info=(type(exc), exc, exc.__traceback__))
            if isinstance(exc, STORAGE_ERRORS):
                _say(f"cannot start, storage error: {type(exc).__name__}: {exc}")
                return ExitCode.STORAGE
            _say(f"cannot start: {type(exc).__name__}: {exc}")
            return ExitCode.FAILED
        if recorder is not None:
            # the crawl ran but its close was never recorded: a second SIGTERM / Ctrl-C forced it to stop
            _say("the run ended without closing (a forced shutdown?): no summary; unpublished feeds stay .part files")
            return ExitCode.INTERRUPTED
        if self.crawler_process is not None and self.crawler_process.bootstrap_failed:
            return ExitCode.FAILED
        return ExitCode.OK


def _redis_answers(url: str) -> bool:
    """Does the Redis of distributed mode answer? Else one line on stderr (its URL without the
    password): the run does not start."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=10)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, ValueError) as exc:  # ValueError: a malformed URL
        _say(f"cannot start, storage error: Redis {redact(url)} (REVIEWCRAWL_REDIS_URL): {mask(str(exc), url)}")
        return False
    return True


def _collect_failure(started: Any, failures: list[BaseException]) -> None:
    """Keep the exception a crawl that could not start ended with (and keep it from being logged
    as an unhandled error: the command reports it)."""
    if isinstance(started, asyncio.Future):

        def done(task: asyncio.Future[Any]) -> None:
            exc = None if task.cancelled() else task.exception()
            if exc is not None:
                failures.append(exc)

        started.add_done_callback(done)
    elif isinstance(started, Deferred):

        def failed(failure: Failure) -> None:
            if failure.value is not None:
                failures.append(failure.value)

        started.addErrback(failed)
