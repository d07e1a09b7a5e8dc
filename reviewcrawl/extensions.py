"""RunRecorder: counts what a run did, decides how it went, and records it.

Counts go into the crawler's stats (fill rates, per-site pages and reviews, pipeline errors);
when the run closes, after the feeds are stored, reviewcrawl.runs turns the stats into the
run's verdict and summary. The summary is written beside the feed (``run-<run_id>.json``, atomically)
and as a row of the state database's ``runs`` table; the verdict's exit code goes into the stats
(``reviewcrawl/exit_code``), where the project's ``crawl`` command reads it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FeedExporter, FeedSlot
from scrapy.http import Response
from twisted.python.failure import Failure

from reviewcrawl.distributed import is_distributed, worker_id
from reviewcrawl.feeds import part_path
from reviewcrawl.items import REVIEW_FIELDS, Rejected, Review
from reviewcrawl.runs import (
    DISTRIBUTED_REASONS,
    STORAGE_ERRORS,
    WITHHELD,
    ExitCode,
    SiteExpectation,
    build_summary,
    decide,
    storage_error,
)
from reviewcrawl.sites import profile_for_url
from reviewcrawl.spiders.reviews import START_META
from reviewcrawl.storage import SchemaError, open_database, redact

__all__ = ["RunRecorder"]

logger = logging.getLogger(__name__)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class RunRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.settings = crawler.settings
        self.max_error_rate = self.settings.getfloat("REVIEWCRAWL_MAX_ERROR_RATE", 0.05)
        self.data_dir = Path(self.settings.get("REVIEWCRAWL_DATA_DIR") or "data").resolve()
        self.feeds: list[dict[str, Any]] = []
        self.reason: str | None = None
        self.closed = False
        self.feeds_stored = False
        self.summary: dict[str, Any] | None = None
        self.summary_path: Path | None = None
        #: the run's report, once written (REVIEWCRAWL_REPORT)
        self.report_path: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if getattr(crawler.spider, "run_id", None) is None:
            # not a run of the project's spiders (scrapy fetch, scrapy shell): nothing to record
            raise NotConfigured("RunRecorder records runs of spiders with a run_id")
        ext = cls(crawler)
        for handler, signal in [
            (ext.response_received, signals.response_received),
            (ext.item_scraped, signals.item_scraped),
            (ext.item_error, signals.item_error),
            (ext.feed_slot_closed, signals.feed_slot_closed),
            (ext.feed_exporter_closed, signals.feed_exporter_closed),
            (ext.spider_closed, signals.spider_closed),
            (ext.engine_stopped, signals.engine_stopped),
        ]:
            crawler.signals.connect(handler, signal=signal)
        return ext

    # -- counting -------------------------------------------------------------------------

    def _site(self, spider: Spider | None, url: str) -> str | None:
        profile = profile_for_url(getattr(spider, "profiles", None) or [], url)
        return profile.name if profile else None

    def _inc_site(self, site: str | None, what: str) -> None:
        if site:
            self.stats.inc_value(f"reviewcrawl/sites/{site}/{what}")

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        self._inc_site(self._site(spider, response.url), "pages")
        start_of = request.meta.get(START_META)
        if start_of and (200 <= response.status < 300 or response.status == 304):  # 304: unchanged since last run
            self._inc_site(start_of, "start_ok")

    def item_scraped(self, item: Any, spider: Spider) -> None:
        if isinstance(item, Review):
            self.stats.inc_value("reviewcrawl/items/review")
            record = ItemAdapter(item)
            for name in REVIEW_FIELDS:
                if record.get(name) is not None:
                    self.stats.inc_value(f"reviewcrawl/fill/{name}")
            self._inc_site(item.site, "reviews")
            if item.duplicate_of:
                self._inc_site(item.site, "near_copies")
        elif isinstance(item, Rejected):
            self.stats.inc_value("reviewcrawl/items/rejected")
            self._inc_site((item.record or {}).get("site"), "rejected")

    def item_error(self, item: Any, spider: Spider, failure: Failure) -> None:
        exc = failure.value
        kind = "storage" if isinstance(exc, STORAGE_ERRORS) else "pipeline"
        self.stats.inc_value(f"reviewcrawl/errors/{kind}/{type(exc).__name__}")

    def feed_slot_closed(self, slot: FeedSlot) -> None:
        stored = Path(slot.uri).is_file() and not part_path(slot.uri).exists()
        self.feeds.append({"path": slot.uri, "items": slot.itemcount, "stored": stored})

    # -- closing: after the feeds are stored, before the stats are dumped ----------------------

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason
        self.closed = True
        if self.crawler.get_extension(FeedExporter) is None:
            self.feeds_stored = True
        self._maybe_finish()

    def feed_exporter_closed(self) -> None:
        self.feeds_stored = True
        self._maybe_finish()

    def engine_stopped(self) -> None:
        if self.summary is None and self.closed:  # the feed exporter never said it was done
            self._finish()

    def _maybe_finish(self) -> None:
        if self.closed and self.feeds_stored and self.summary is None:
            self._finish()

    def _finish(self) -> None:
        spider = self.crawler.spider
        self.run_id = str(getattr(spider, "run_id", None) or "adhoc")
        started = getattr(spider, "started_at", None)
        self.started_at = started.isoformat(timespec="seconds") if started else _now()
        self.finished_at = _now()
        self.sites = [SiteExpectation(p.name, p.expect_reviews) for p in getattr(spider, "profiles", [])]
        self.spider_name = getattr(spider, "name", "")
        summary = self._summary()
        self.summary_path = self.data_dir / "feeds" / f"run-{self.run_id}.json"
        written = self._write_file(summary)
        if not written:
            summary = self._summary()
        # the state database's runs table says which runs' pages and reviews count (incremental
        # crawls); the database's (when it is another one) is the analysts' copy
        state = f"sqlite:///{self.data_dir / 'reviewcrawl.sqlite3'}"
        database = self.settings.get("REVIEWCRAWL_DATABASE_URL") or state
        try:
            for url in dict.fromkeys((state, database)):
                with open_database(url) as store:
                    store.add_run(summary)
        except (*STORAGE_ERRORS, SchemaError, ValueError) as exc:  # ValueError: a URL of no backend
            storage_error(self.stats, f"the database {redact(url)} (the run's row)", exc, logger)
            summary = self._summary()
            if written:
                self._write_file(summary)
        self.summary = summary
        if self.settings.getbool("REVIEWCRAWL_REPORT") and summary["published"]:
            self._write_report(database)
        self.stats.set_value("reviewcrawl/status", summary["status"])
        self.stats.set_value("reviewcrawl/exit_code", summary["exit_code"])
        line = f"Run {self.run_id}: {summary['status']} (exit code {summary['exit_code']})"
        if summary["reasons"]:
            logger.error("%s: %s", line, "; ".join(summary["reasons"]))
        else:
            logger.info("%s: %d pages, %d reviews", line, summary["pages"], summary["reviews"])
        for warning in summary["warnings"]:
            logger.warning("Run %s: %s", self.run_id, warning)

    def _summary(self) -> dict[str, Any]:
        stats = self.stats.get_stats()
        distributed = is_distributed(self.settings)
        verdict = decide(stats, self.sites, finish_reason=self.reason, max_error_rate=self.max_error_rate,
                         check_sites=not distributed)  # fmt: skip
        # what the crawl command found before the run (a lock taken over, killed runs redone)
        verdict.warnings[:0] = self.settings.getlist("REVIEWCRAWL_RUN_WARNINGS")
        summary = build_summary(
            stats, run_id=self.run_id, spider=self.spider_name, started_at=self.started_at,
            finished_at=self.finished_at, finish_reason=self.reason, sites=self.sites, fields=REVIEW_FIELDS,
            feeds=self.feeds, verdict=verdict,
        )  # fmt: skip
        summary["published"] = self._published()
        if distributed:
            summary["distributed"] = {
                "worker": worker_id(self.settings),
                "generation": stats.get("reviewcrawl/distributed/generation"),
                "drained": bool(stats.get("reviewcrawl/distributed/drained")),
                "requeued": int(stats.get("reviewcrawl/distributed/requeued", 0)),
            }
        return summary

    def _published(self) -> bool:
        """Is every feed of the run under its final name? Only then does what the run stored
        count as exported for the next runs (reviewcrawl/recovery.py)."""
        if self.stats.get_value(WITHHELD) or self.reason in DISTRIBUTED_REASONS:
            return False  # a reaped run, one cut off from Redis: its feeds were deleted, not published
        exporter = self.crawler.get_extension(FeedExporter)
        if exporter is None:
            return True
        if any(k.startswith("feedexport/failed_count/") for k in self.stats.get_stats()):
            return False
        for slot in exporter.slots:
            path = getattr(slot.storage, "path", None)
            due = slot.itemcount or (slot.store_empty and slot.batch_id == 1)
            if due and path is not None and not Path(path).is_file():
                return False
        return True

    def _write_report(self, database: str) -> None:
        """The run's report (reviewcrawl/report/) beside its feed, from the database it wrote to.
        Only for a run that published its feeds (a report of records nobody received would
        mislead), and never at the run's cost: whatever goes wrong is one line in the log, and
        the run's feeds, records and exit code are as they were."""
        path = self.data_dir / "feeds" / f"report-{self.run_id}.html"
        try:
            from reviewcrawl.report import build_report, write_report

            with open_database(database) as store:
                html = build_report(store, run_id=self.run_id, database=redact(database))
            write_report(path, html)
        except Exception as exc:
            cause = " ".join(str(exc).split()) or type(exc).__name__
            logger.error("Run %s: the report %s was not written (%s: %s); the run's feeds and records are unaffected",
                         self.run_id, path, type(exc).__name__, cause)  # fmt: skip
            return
        self.report_path = path
        logger.info("Run %s: report %s", self.run_id, path)

    def _write_file(self, summary: dict[str, Any]) -> bool:
        assert self.summary_path is not None
        part = part_path(self.summary_path)
        try:
            part.parent.mkdir(parents=True, exist_ok=True)
            with part.open("w", encoding="utf-8") as f:
                json.dump(summary, f, ensure_ascii=False, indent=2)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(part, self.summary_path)
        except OSError as exc:
            storage_error(self.stats, f"the run summary {self.summary_path}", exc, logger)
            return False
        return True

    @property
    def exit_code(self) -> ExitCode | None:
        return ExitCode(self.summary["exit_code"]) if self.summary else None
