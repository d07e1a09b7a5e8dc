"""Item pipelines: thin adapters over reviewcrawl.extract, the schema, reviewcrawl.dedup and
reviewcrawl.storage. Order (settings.ITEM_PIPELINES): extract -> validate -> near-copies -> database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from reviewcrawl.component import CrawlerComponent
from reviewcrawl.dedup import Match, NearDuplicateIndex, fingerprint
from reviewcrawl.extract import extract_review
from reviewcrawl.extract.document import charset_problem
from reviewcrawl.faults import record_fault
from reviewcrawl.items import Page, Rejected, Review
from reviewcrawl.runs import STORAGE_ERRORS, ConfigurationError, storage_error
from reviewcrawl.sites import load_profiles
from reviewcrawl.storage import SQLiteStore
from reviewcrawl.storage.sqlite import CONTENT_COLUMNS, content_of

logger = logging.getLogger(__name__)


def _run(crawler: Crawler) -> tuple[str, dt.datetime]:
    spider = crawler.spider
    run_id = getattr(spider, "run_id", None) or "adhoc"
    started = getattr(spider, "started_at", None) or dt.datetime.now(dt.UTC)
    return run_id, started


class _Pipeline(CrawlerComponent):
    """Every pipeline is built from the crawler (settings, stats, the running spider)."""

    @contextlib.contextmanager
    def storage_errors(self, where: str) -> Iterator[None]:
        """A storage failure (disk full, read-only, gone) is counted (the run exits with code 4),
        said once (reviewcrawl.runs.storage_error) and not raised: the item goes on to the feed."""
        try:
            yield
        except STORAGE_ERRORS as exc:
            storage_error(self.stats, where, exc, logger)


def load_schema() -> dict[str, Any]:
    text = resources.files("reviewcrawl").joinpath("schema/review.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


class ExtractPipeline(_Pipeline):
    """Page -> Review, through the pure extract_review(). Pages that are no review end here."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        run_id, started = _run(self.crawler)
        fields = extract_review(item.body, item.url, content_type=item.content_type, hints=item.hints, now=started)
        self.stats.inc_value("reviewcrawl/pages_read")
        charset = charset_problem(item.body, item.content_type)
        if charset:
            record_fault(self.stats, charset[0], item.url, charset[1])
        if fields.problems:
            record_fault(self.stats, "invalid_jsonld", item.url, "; ".join(dict.fromkeys(fields.problems)))
        is_review = item.is_review if item.is_review is not None else fields.kind == "review"
        if not is_review:
            self.stats.inc_value("reviewcrawl/pages_not_review")
            raise DropItem(f"not a review page ({fields.kind}): {item.url}", log_level="DEBUG")
        return Review(url=item.url, site=item.site, fetched_at=item.fetched_at, run_id=run_id, **fields.as_record())


class ValidatePipeline(_Pipeline):
    """Schema and sense checks; a failing record becomes a Rejected item for the errors feed."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.validator = Draft202012Validator(load_schema())

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Review):
            return item
        record = ItemAdapter(item).asdict()
        errors = sorted(self.validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        reason, kind = None, None
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.absolute_path) or "record"
            reason, kind = f"{where}: {first.message}", "schema"
        elif not record.get("text") and not record.get("title"):
            reason, kind = "neither title nor text could be read", "empty"
        if reason is None:
            return item
        self.stats.inc_value(f"reviewcrawl/errors/{kind}")
        logger.warning("Rejected %s: %s", item.url, reason)
        return Rejected(url=item.url, reason=reason, kind=kind or "invalid", record=record,
                        run_id=item.run_id, fetched_at=item.fetched_at)  # fmt: skip


def state_database(settings: Any) -> Path:
    """The SQLite state database of the data directory: what a run leaves for the next one."""
    return Path(settings.get("REVIEWCRAWL_DATA_DIR", "data")) / "reviewcrawl.sqlite3"


class NearDuplicatePipeline(_Pipeline):
    """Fingerprint each review (title + text) and link a near-copy to its original (duplicate_of).

    The original is the first seen, across runs (the index lives in the state database), unless
    the copy's site profile is preferred and the original's is not, or the copy carries an
    earlier date_published: then the new review is the original and the old one is listed as
    its copy in the duplicates table. Every link goes into that table; with
    REVIEWCRAWL_DUPLICATES = "drop" copies are not exported (counted in the stats).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.mode = settings.get("REVIEWCRAWL_DUPLICATES", "mark")
        if self.mode not in ("mark", "drop"):
            raise ConfigurationError(f"REVIEWCRAWL_DUPLICATES must be 'mark' or 'drop', not {self.mode!r}")
        self.storage = settings.get("REVIEWCRAWL_DEDUP_STORAGE") or "state"
        self.db_path = state_database(settings)
        profiles = load_profiles(settings.getlist("REVIEWCRAWL_SITE_DIRS"))
        self.preferred = {name for name, p in profiles.items() if p.preferred}
        self.index: NearDuplicateIndex | None = None
        self.store: SQLiteStore | None = None
        self.seen_canonical: set[str] = set()
        self.facts: dict[str, tuple[str | None, str | None]] = {}  # this run's originals: site, date
        self.displaced: dict[str, str] = {}  # original -> the review that displaced it
        self.links: list[dict[str, Any]] = []

    def open_spider(self) -> None:
        # without the index, reviews go out without their near-copy check (counted as a storage error)
        with self.storage_errors(f"the near-copy index in {self.db_path} (reviews go out unchecked)"):
            self.store = SQLiteStore(self.db_path)
            storage = f"sqlite:///{self.db_path}" if self.storage == "state" else self.storage
            self.index = NearDuplicateIndex(None if storage == "memory" else storage)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Review):
            return item
        key = item.canonical_url or item.url or ""
        if key in self.seen_canonical:
            # two URLs of one page (tracking parameters, an alias the redirect missed)
            self.stats.inc_value("reviewcrawl/same_canonical_url")
            raise DropItem(f"canonical_url already exported in this run: {key}", log_level="DEBUG")
        self.seen_canonical.add(key)
        content = f"{item.title or ''}\n{item.text or ''}"
        item.fingerprint = fingerprint(content)
        if self.index is None:  # it could not be opened (a storage error, said once)
            return item
        try:
            match = self.index.add(key, content)
        except Exception as exc:  # Redis gone, disk full: the record is exported without its link
            self.stats.inc_value("reviewcrawl/errors/near_copy_index")
            logger.error("Near-copy index failed on %s, exported without a near-copy check: %s", key, exc)
            return item
        original = self._original(key if match is None else match.key)
        if original == key:
            self.facts[key] = (item.site, item.date_published)
            return item
        if match is not None and self._outranks(item, original):
            self._link(original, key, match, dropped=False, item=item)
            self.displaced[original] = key
            self.facts[key] = (item.site, item.date_published)
            self.stats.inc_value("reviewcrawl/near_copies")
            logger.info("Near-copy: %s is the original of %s, found before it (preferred site or earlier date)",
                        key, original)  # fmt: skip
            return item
        # a copy: found now, or an original that another review displaced in an earlier run
        item.duplicate_of = original
        self.stats.inc_value("reviewcrawl/near_copies")
        if match is not None:
            self._link(key, original, match, dropped=self.mode == "drop", item=item)
            logger.info("Near-copy: %s of %s (resemblance %.2f, containment %.2f)", key, original,
                        match.similarity, match.containment)  # fmt: skip
        if self.mode == "drop":
            if self.store is not None and item.url:  # a page answering 304 next time is this copy, seen
                self.store.mark_review_pages([(item.url, key)])
            self.stats.inc_value("reviewcrawl/near_copies_dropped")
            self.stats.inc_value(f"reviewcrawl/sites/{item.site}/near_copies_dropped")
            raise DropItem(f"near-copy of {original}: {key}", log_level="INFO")
        return item

    def _original(self, key: str) -> str:
        """The original a key names now: an original displaced later names its replacement."""
        for _ in range(100):  # a chain of displacements is short; the bound is against a cycle
            nxt = self.displaced.get(key) or (self.store.original_of(key) if self.store else None)
            if nxt is None or nxt == key:
                return key
            key = nxt
        return key

    def _outranks(self, item: Review, original: str) -> bool:
        facts = self.facts.get(original) or (self.store.review_facts(original) if self.store else None)
        if facts is None:
            return False
        site, published = facts
        mine, theirs = item.site in self.preferred, site in self.preferred
        if mine != theirs:
            return mine
        return bool(item.date_published and published and item.date_published[:10] < published[:10])

    def _link(self, copy: str, original: str, match: Match, *, dropped: bool, item: Review) -> None:
        self.links.append({"copy_url": copy, "original_url": original, "similarity": match.similarity,
                           "containment": match.containment, "exact": int(match.exact), "dropped": int(dropped),
                           "run_id": item.run_id, "found_at": item.fetched_at or dt.datetime.now(dt.UTC).isoformat()})  # fmt: skip
        if len(self.links) >= 100:
            try:
                self.flush()
            except Exception as exc:  # the links wait for the next flush; the review goes on
                self.stats.inc_value("reviewcrawl/errors/near_copy_index")
                logger.error("Near-copy links not written yet (%d waiting), will retry: %s", len(self.links), exc)

    def flush(self) -> None:
        if self.store is not None and self.links:
            self.store.add_duplicates(self.links)
            self.links.clear()
        if self.index is not None:
            self.index.flush()

    def close_spider(self) -> None:
        # runs after DatabasePipeline's (Scrapy closes pipelines in reverse order): the reviews
        # written in batches are all there for sync_links to correct
        with self.storage_errors(f"the near-copy links in {self.db_path}"):
            self.flush()
            if self.store is not None:
                self.stats.set_value("reviewcrawl/near_copy_links_synced", self.store.sync_links())
        with self.storage_errors(f"the near-copy index in {self.db_path}"):
            if self.index is not None:
                self.index.close()
        if self.store is not None:
            self.store.close()


class DatabasePipeline(_Pipeline):
    """Batched idempotent upserts of the exported reviews into the database.

    Incremental: a review whose content (every field but fetched_at and run_id) equals what the
    last published run stored is not exported again (counted as unchanged); a changed one is, with
    date_modified set: the page's own, else the fetch time. With -a full=1 every review is exported.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        url = settings.get("REVIEWCRAWL_DATABASE_URL") or ""
        if not url:
            url = f"sqlite:///{state_database(settings)}"
        if not url.startswith("sqlite:///"):
            raise ConfigurationError(
                f"unsupported REVIEWCRAWL_DATABASE_URL (sqlite:///PATH only so far): {url.split('@')[-1]}"
            )
        self.path = Path(url[len("sqlite:///") :])
        self.batch_size = settings.getint("REVIEWCRAWL_DB_BATCH_SIZE", 500)
        self.buffer: list[dict[str, Any]] = []
        self.pages: list[tuple[str, str]] = []  # (page url, canonical_url) of the reviews seen
        self.touched: list[str] = []  # unchanged reviews: last_seen moves on
        self.store: SQLiteStore | None = None
        #: a write failed: the rows wait for one more try at the close (not one per item)
        self.failed = False
        self.where = f"the database {self.path}"

    def open_spider(self) -> None:
        with self.storage_errors(self.where):
            self.store = SQLiteStore(self.path)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Review):
            key = item.canonical_url or item.url or ""
            if item.url:
                self.pages.append((item.url, key))
            if self._unchanged(item, key):
                self.stats.inc_value("reviewcrawl/unchanged")
                self.stats.inc_value(f"reviewcrawl/sites/{item.site}/unchanged")
                self.touched.append(key)
                if len(self.touched) >= self.batch_size and not self.failed:
                    self.flush()
                raise DropItem(f"unchanged since the last run: {key}", log_level="DEBUG")
            self.stats.inc_value("reviewcrawl/reviews_exported")
            self.buffer.append(ItemAdapter(item).asdict())
            if len(self.buffer) >= self.batch_size and not self.failed:
                self.flush()
        return item

    def _unchanged(self, item: Review, key: str) -> bool:
        """Is the review as the last published run stored it? Fills date_modified when it changed."""
        if self.store is None:
            return False
        stored = None
        with self.storage_errors(self.where):
            stored = self.store.published_review(key)
        if stored is None:
            return False  # new (or only written by a run that never published its feeds: publish it now)
        mine = content_of(ItemAdapter(item).asdict())
        # the database keeps a near-copy link once found (first seen wins): no link now is no change
        same = all(
            mine[c] == stored[c] for c in CONTENT_COLUMNS if c not in ("date_modified", "duplicate_of")
        ) and mine["duplicate_of"] in (stored["duplicate_of"], None)
        if item.date_modified is not None:
            same = same and item.date_modified == stored["date_modified"]
        elif same:
            item.date_modified = stored["date_modified"]  # the fetch time of its last change, if any
        else:
            item.date_modified = item.fetched_at
        full = bool(getattr(self.crawler.spider, "full", False))
        return same and not full

    def flush(self) -> None:
        """Write what waits; on a storage error keep it for the close (the items went on to the feed)."""
        if self.store is None:
            return
        self.failed = True
        with self.storage_errors(self.where):
            self._write()
            self.failed = False

    def _write(self) -> None:
        assert self.store is not None
        if self.buffer:
            self.stats.inc_value("reviewcrawl/db_rows_written", self.store.upsert(self.buffer))
            self.buffer.clear()
        if self.touched:
            self.store.touch_reviews(self.touched, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
            self.touched.clear()
        if self.pages:
            self.store.mark_review_pages(self.pages)
            self.pages.clear()

    def close_spider(self) -> None:
        if self.store is not None:
            self.flush()
            with self.storage_errors(self.where):
                self.stats.set_value("reviewcrawl/db_rows_total", self.store.count())
            self.store.close()
