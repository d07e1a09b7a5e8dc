"""A run's record and verdict, from its Scrapy stats: the summary JSON, the `runs` row, the exit code.

Pure functions over a stats dict (no Scrapy): reviewcrawl.extensions.RunRecorder feeds them the
crawler's stats when the run closes, the `crawl` command turns the verdict into the exit code.
"""

from __future__ import annotations

import enum
import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from reviewcrawl.faults import faults_by_kind
from reviewcrawl.storage.base import SchemaError

__all__ = [
    "STORAGE_ERRORS",
    "ConfigurationError",
    "ExitCode",
    "SiteExpectation",
    "Verdict",
    "build_summary",
    "decide",
    "errors_by_kind",
    "storage_error",
]


#: exceptions that mean the data could not be written (disk full, read-only, database locked or
#: gone, a database whose schema is newer than this reviewcrawl)
STORAGE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, OSError, psycopg.Error, SchemaError)


#: stats key: the run's first storage error, "where: why" (named in the run's reasons)
FIRST_STORAGE_ERROR = "reviewcrawl/storage_error"

#: stats key: set (to the close reason) when the run must not publish its feeds: they are deleted
#: when the run closes instead of renamed into place (reviewcrawl.feeds), and the run is not
#: published. Distributed mode: a run reaped by another worker, or cut off from Redis.
WITHHELD = "reviewcrawl/feeds_withheld"


def storage_error(stats: Any, where: str, exc: BaseException, log: logging.Logger) -> None:
    """Count a storage failure (the run then exits with code 4) and say it once: the run's first
    at ERROR, one line naming where and why, no traceback; the others at DEBUG. A full disk or a
    read-only database fails every write after the first: a line (or a traceback) each would bury
    the cause. The caller goes on without the write: the records still go to the feed.

    >>> from scrapy.statscollectors import MemoryStatsCollector
    >>> from scrapy.utils.test import get_crawler
    >>> stats = MemoryStatsCollector(get_crawler())
    >>> storage_error(stats, "the state database /d/x.sqlite3", sqlite3.OperationalError("database or disk is full"),
    ...               logging.getLogger("t"))
    >>> stats.get_value(FIRST_STORAGE_ERROR), stats.get_value("reviewcrawl/errors/storage/OperationalError")
    ('the state database /d/x.sqlite3: database or disk is full', 1)
    """
    stats.inc_value(f"reviewcrawl/errors/storage/{type(exc).__name__}")
    cause = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
    message = f"{where}: {cause}"
    if stats.get_value(FIRST_STORAGE_ERROR) is None:
        stats.set_value(FIRST_STORAGE_ERROR, message)
        log.error("Storage error, %s (the run goes on without it and will exit with code 4)", message)
    else:
        log.debug("Storage error again, %s", message)


class ConfigurationError(ValueError):
    """A setting or argument the run cannot start with (exit code USAGE)."""


class ExitCode(enum.IntEnum):
    """`scrapy crawl`'s exit status (documented in the README, "Running from cron")."""

    OK = 0  #: the run finished and met every expectation
    FAILED = 1  #: the run failed: see the summary's reasons
    USAGE = 2  #: bad command line, unknown site profile, bad profile or setting: nothing was crawled
    LOCKED = 3  #: another run of the same spider and site selection is running: nothing was done
    STORAGE = 4  #: a feed, the run summary or the database could not be written
    INTERRUPTED = 5  #: stopped by a signal (SIGTERM, Ctrl-C) before it finished; what it got is published


STATUS = {
    ExitCode.OK: "ok", ExitCode.FAILED: "failed", ExitCode.USAGE: "usage_error", ExitCode.LOCKED: "locked",
    ExitCode.STORAGE: "storage_error", ExitCode.INTERRUPTED: "interrupted",
}  # fmt: skip

#: a limit the user set (CLOSESPIDER_*) stopped the run: not a failure, but the run is not complete
LIMIT_REASONS = frozenset({"closespider_timeout", "closespider_itemcount", "closespider_pagecount"})
INTERRUPT_REASONS = frozenset({"shutdown"})
#: distributed mode (reviewcrawl/distributed/scheduler.py): close reasons and what they mean
DISTRIBUTED_REASONS = {
    "reaped": "another worker took this run for dead (its heartbeat was later than REVIEWCRAWL_WORKER_TIMEOUT) "
    "and put its requests back in the queue: the run stopped and its feeds were not published",
    "redis_unavailable": "Redis was unreachable for longer than REVIEWCRAWL_REDIS_TIMEOUT: the run stopped and "
    "its feeds were not published (the other workers put back what it took)",
}
#: close reasons that are storage failures (exit code 4)
STORAGE_REASONS = frozenset({"redis_unavailable"})
#: stats key: the Bloom filter seen-set's URL count when this run found it past its capacity
BLOOM_OVER_CAPACITY = "reviewcrawl/distributed/bloom_over_capacity"

#: reviewcrawl/errors/<kind> counts that are storage failures, not rejected records: the near-copy
#: index failed (Redis gone, disk full) and reviews went out without their near-copy check
STORAGE_KINDS = frozenset({"near_copy_index"})

#: requests a middleware chose not to send (robots.txt forbids them, off-site): decisions, not errors
NOT_ERRORS = frozenset({"scrapy.exceptions.IgnoreRequest"})

#: per site; "unchanged": reviews seen again as they were (a 304, or the same content), not exported
SITE_COUNTS = ("pages", "reviews", "unchanged", "near_copies", "near_copies_dropped", "rejected", "start_ok")


@dataclass(frozen=True)
class SiteExpectation:
    name: str
    expect_reviews: int = 0


@dataclass
class Verdict:
    code: ExitCode
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return STATUS[self.code]


def _under(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}


def errors_by_kind(stats: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Every error of the run, by kind and then by status, class or reason.

    >>> errors_by_kind({"reviewcrawl/errors/schema": 2, "httperror/response_ignored_status_count/404": 1,
    ...                 "spider_exceptions/count": 1, "spider_exceptions/KeyError": 1,
    ...                 "feedexport/failed_count/AtomicFileFeedStorage": 1})["storage"]
    {'feed:AtomicFileFeedStorage': 1}
    """
    own = _under(stats, "reviewcrawl/errors/")
    storage = {f"feed:{k}": v for k, v in _under(stats, "feedexport/failed_count/").items()}
    storage.update(_under(stats, "reviewcrawl/errors/storage/"))
    storage.update({k: v for k, v in own.items() if k in STORAGE_KINDS})
    return {
        "validation": {k: v for k, v in own.items() if "/" not in k and k not in STORAGE_KINDS},
        "http": _under(stats, "httperror/response_ignored_status_count/"),
        "download": {k: v for k, v in _under(stats, "downloader/exception_type_count/").items() if k not in NOT_ERRORS},
        "spider": {k: v for k, v in _under(stats, "spider_exceptions/").items() if k != "count"},
        "pipeline": _under(stats, "reviewcrawl/errors/pipeline/"),
        "storage": storage,
    }


def site_counts(stats: Mapping[str, Any], site: str) -> dict[str, int]:
    return {k: int(stats.get(f"reviewcrawl/sites/{site}/{k}", 0)) for k in SITE_COUNTS}


def error_rate(stats: Mapping[str, Any]) -> float:
    """Spider and pipeline exceptions per page fetched: code faults, not the sites' own."""
    errors = errors_by_kind(stats)
    faults = sum(errors["spider"].values()) + sum(errors["pipeline"].values())
    return faults / max(int(stats.get("response_received_count", 0)), 1)


def decide(
    stats: Mapping[str, Any],
    sites: Sequence[SiteExpectation],
    *,
    finish_reason: str | None,
    max_error_rate: float,
    check_sites: bool = True,
) -> Verdict:
    """The run's exit code and why, from its stats.

    >>> ok = {"response_received_count": 9, "reviewcrawl/sites/a/start_ok": 1, "reviewcrawl/sites/a/reviews": 3}
    >>> decide(ok, [SiteExpectation("a", 3)], finish_reason="finished", max_error_rate=0.05).code
    <ExitCode.OK: 0>
    >>> decide({**ok, "reviewcrawl/sites/a/reviews": 0}, [SiteExpectation("a", 3)],
    ...        finish_reason="finished", max_error_rate=0.05).reasons
    ['site a: no reviews, its profile expects 3']
    >>> decide({**ok, "reviewcrawl/sites/a/reviews": 0, "reviewcrawl/sites/a/unchanged": 3}, [SiteExpectation("a", 3)],
    ...        finish_reason="finished", max_error_rate=0.05).code  # seen again, unchanged: not exported, but there
    <ExitCode.OK: 0>
    >>> decide({}, [SiteExpectation("a")], finish_reason="finished", max_error_rate=0.05).reasons
    ['site a: every start URL failed']
    >>> decide({}, [SiteExpectation("a")], finish_reason="shutdown", max_error_rate=0.05).code
    <ExitCode.INTERRUPTED: 5>
    >>> decide({}, [], finish_reason="reaped", max_error_rate=0.05).code
    <ExitCode.FAILED: 1>
    >>> decide({}, [], finish_reason="redis_unavailable", max_error_rate=0.05).code
    <ExitCode.STORAGE: 4>

    ``check_sites=False`` (a worker of a distributed crawl, which sees the share of the sites it
    took): the per-site expectations are not judged.
    """
    failures: list[str] = []
    warnings: list[str] = []
    complete = finish_reason == "finished"
    if finish_reason in LIMIT_REASONS:
        warnings.append(f"stopped by a limit ({finish_reason}): the sites were not crawled to the end")
    elif finish_reason in DISTRIBUTED_REASONS:
        failures.append(DISTRIBUTED_REASONS[finish_reason])
        if stats.get("reviewcrawl/distributed/redis_error"):
            failures.append(f"the last Redis error: {stats['reviewcrawl/distributed/redis_error']}")
    elif not complete and finish_reason not in INTERRUPT_REASONS:
        failures.append(f"the spider closed with reason {finish_reason!r}")
    if stats.get(BLOOM_OVER_CAPACITY):
        warnings.append(f"the Bloom filter seen-set held {int(stats[BLOOM_OVER_CAPACITY])} URLs, more than "
                        "REVIEWCRAWL_BLOOM_CAPACITY: new URLs were skipped as seen more often than "
                        "REVIEWCRAWL_BLOOM_ERROR_RATE; raise the capacity for the next generation")  # fmt: skip
    if complete and check_sites:
        for site in sites:
            counts = site_counts(stats, site.name)
            found = counts["reviews"] + counts["near_copies_dropped"] + counts["unchanged"]
            if not counts["start_ok"]:
                failures.append(f"site {site.name}: every start URL failed")
            elif site.expect_reviews and not found:
                failures.append(f"site {site.name}: no reviews, its profile expects {site.expect_reviews}")
            elif found < site.expect_reviews:
                warnings.append(f"site {site.name}: {found} reviews, its profile expects {site.expect_reviews}")
    rate = error_rate(stats)
    if rate > max_error_rate:
        failures.append(f"spider and pipeline errors: {rate:.1%} of pages, above REVIEWCRAWL_MAX_ERROR_RATE {max_error_rate:.1%}")  # fmt: skip
    storage = errors_by_kind(stats)["storage"]
    if finish_reason in STORAGE_REASONS:
        code = ExitCode.STORAGE
        if storage:
            failures.append("storage errors: " + ", ".join(f"{k} ({v})" for k, v in storage.items()))
    elif storage:
        code = ExitCode.STORAGE
        first = stats.get(FIRST_STORAGE_ERROR)
        failures.insert(0, "storage errors: " + ", ".join(f"{k} ({v})" for k, v in storage.items())
                        + (f"; the first: {first}" if first else ""))  # fmt: skip
    elif finish_reason in INTERRUPT_REASONS:
        code = ExitCode.INTERRUPTED
        failures.insert(0, f"interrupted ({finish_reason}) before the crawl finished")
    else:
        code = ExitCode.FAILED if failures else ExitCode.OK
    return Verdict(code, failures, warnings)


def build_summary(
    stats: Mapping[str, Any],
    *,
    run_id: str,
    spider: str,
    started_at: str,
    finished_at: str,
    finish_reason: str | None,
    sites: Sequence[SiteExpectation],
    fields: Sequence[str],
    feeds: Sequence[Mapping[str, Any]],
    verdict: Verdict,
) -> dict[str, Any]:
    """The run summary: what run-<run_id>.json holds, and the `runs` row's summary column."""
    reviews = int(stats.get("reviewcrawl/items/review", 0))
    errors = errors_by_kind(stats)
    return {
        "run_id": run_id,
        "spider": spider,
        "started_at": started_at,
        "finished_at": finished_at,
        "status": verdict.status,
        "exit_code": int(verdict.code),
        "reasons": verdict.reasons,
        "warnings": verdict.warnings,
        "finish_reason": finish_reason,
        "pages": int(stats.get("response_received_count", 0)),
        "reviews": reviews,
        "unchanged": int(stats.get("reviewcrawl/unchanged", 0)),
        "not_modified": int(stats.get("reviewcrawl/incremental/not_modified", 0)),
        "pages_downloaded": int(stats.get("response_received_count", 0))
        - int(stats.get("reviewcrawl/incremental/not_modified", 0)),
        "skipped_by_date": int(stats.get("reviewcrawl/incremental/skipped_by_date", 0)),
        "near_copies": int(stats.get("reviewcrawl/near_copies", 0)),
        "rejected": int(stats.get("reviewcrawl/items/rejected", 0)),
        "errors": sum(sum(kind.values()) for kind in errors.values()),
        "errors_by_kind": errors,
        "faults": faults_by_kind(stats),
        "error_rate": round(error_rate(stats), 4),
        "fill_rate": {
            f: (round(int(stats.get(f"reviewcrawl/fill/{f}", 0)) / reviews, 4) if reviews else None) for f in fields
        },
        "sites": {
            s.name: {**site_counts(stats, s.name), "expect_reviews": s.expect_reviews}
            for s in sorted(sites, key=lambda s: s.name)
        },
        "feeds": [dict(f) for f in feeds],
    }
