"""Item pipelines: thin adapters over reviewcrawl.extract, the schema, reviewcrawl.dedup and
reviewcrawl.storage. Order (settings.ITEM_PIPELINES): extract -> validate -> near-copies -> database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import fastjsonschema
import redis
from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, succeed
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from reviewcrawl.component import CrawlerComponent
from reviewcrawl.dedup import Match, NearDuplicateIndex, fingerprint_of, signature
from reviewcrawl.distributed import distributed_scheduler
from reviewcrawl.distributed.coordination import Generation
from reviewcrawl.extract import extract_review
from reviewcrawl.extract.document import charset_problem
from reviewcrawl.faults import record_fault
from reviewcrawl.items import Page, Rejected, Review, scrub
from reviewcrawl.runs import STORAGE_ERRORS, ConfigurationError, storage_error
from reviewcrawl.sites import load_profiles
from reviewcrawl.storage import POSTGRES_SCHEMES, SQLiteStore, Store, is_unavailable, open_database, redact
from reviewcrawl.storage.base import CONTENT_COLUMNS, content_of

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: after a read of the database failed (gone, not answering), the pipelines do without it for this
#: long: every read could otherwise wait for a connection timeout, and the crawl with it
READS_OFF_SECONDS = 60.0


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
        fields = extract_review(item.body, item.url, content_type=item.content_type, hints=item.hints, now=started,
                                root=item.document)  # fmt: skip
        item.document = None  # the tree is read: do not keep it alive with the item
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
        return Review(
            url=item.url, site=item.site, fetched_at=item.fetched_at, run_id=run_id, **scrub(fields.as_record())
        )


class ValidatePipeline(_Pipeline):
    """Schema and sense checks; a failing record becomes a Rejected item for the errors feed.

    Every record is checked against the JSON Schema compiled to Python code (fastjsonschema,
    ~20 µs a record; jsonschema's validator takes 200-600 µs, the largest cost of this pipeline
    in a crawl's profile). A record it refuses goes to jsonschema, which decides and words the
    reason: the compiled check may only ever be stricter, never more lenient (tests/test_crawl.py
    holds a table of broken records on which both must agree).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        schema = load_schema()
        self.validator = Draft202012Validator(schema)
        # formats are not asserted, as by jsonschema without a format_checker
        self.quick_check = fastjsonschema.compile(schema, use_formats=False, use_default=False)

    def schema_errors(self, record: dict[str, Any]) -> list[Any]:
        """jsonschema's errors for the record, by path; none without asking it when the compiled
        check passes the record."""
        try:
            self.quick_check(record)
        except fastjsonschema.JsonSchemaException:
            return sorted(self.validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        return []

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Review):
            return item
        # the fields' values as they are (shallow): nested values are plain dicts already
        record = dict(ItemAdapter(item))
        errors = self.schema_errors(record)
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
        return Rejected(url=item.url, reason=reason, kind=kind or "invalid", record=ItemAdapter(item).asdict(),
                        run_id=item.run_id, fetched_at=item.fetched_at)  # fmt: skip


def state_database(settings: Any) -> Path:
    """The SQLite state database of the data directory: what a run leaves for the next one."""
    return Path(settings.get("REVIEWCRAWL_DATA_DIR", "data")) / "reviewcrawl.sqlite3"


def database_url(settings: Any) -> str:
    """REVIEWCRAWL_DATABASE_URL (where reviews, duplicates and runs go), by default the state database;
    ConfigurationError for a URL of no backend (shown without its password)."""
    url = settings.get("REVIEWCRAWL_DATABASE_URL") or f"sqlite:///{state_database(settings)}"
    scheme = url.split(":", 1)[0]
    if not (url.startswith("sqlite:///") or scheme in POSTGRES_SCHEMES):
        raise ConfigurationError(
            f"unsupported REVIEWCRAWL_DATABASE_URL {redact(url)!r}: use sqlite:///PATH or postgresql://USER@HOST/DB"
        )
    return url


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
        self.database_url = database_url(settings)
        profiles = load_profiles(settings.getlist("REVIEWCRAWL_SITE_DIRS"))
        self.preferred = {name for name, p in profiles.items() if p.preferred}
        self.index: NearDuplicateIndex | None = None
        self.store: Store | None = None  # the database: reviews, duplicates
        self.state: SQLiteStore | None = None  # the state database: pages
        self.seen_canonical: set[str] = set()
        self.shared: Generation | None = None  # distributed mode: the crawl's generation in Redis
        self.facts: dict[str, tuple[str | None, str | None]] = {}  # this run's originals: site, date
        self.displaced: dict[str, str] = {}  # original -> the review that displaced it
        self.links: list[dict[str, Any]] = []
        self.reads_off_until = 0.0

    def open_spider(self) -> None:
        shared = distributed_scheduler(self.crawler)
        self.shared = shared.generation if shared is not None else None
        with self.storage_errors(f"the database {redact(self.database_url)} (near-copy links not written)"):
            self.store = open_database(self.database_url)
        # without the index, reviews go out without their near-copy check (counted as a storage error)
        with self.storage_errors(f"the near-copy index in {self.db_path} (reviews go out unchecked)"):
            self.state = SQLiteStore(self.db_path)
            storage = f"sqlite:///{self.db_path}" if self.storage == "state" else self.storage
            self.index = NearDuplicateIndex(None if storage == "memory" else storage)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Review):
            return item
        key = item.canonical_url or item.url or ""
        # two URLs of one page (tracking parameters, an alias the redirect missed); distributed:
        # the first page any worker exported under it this generation
        if key in self.seen_canonical or not self._claim_canonical(key, item.url or key):
            self.stats.inc_value("reviewcrawl/same_canonical_url")
            raise DropItem(f"canonical_url already exported in this run: {key}", log_level="DEBUG")
        self.seen_canonical.add(key)
        # one signature of the text for both its fingerprint and the index (one hashing of its words)
        sig = signature(f"{item.title or ''}\n{item.text or ''}")
        item.fingerprint = fingerprint_of(sig.exact)
        if self.index is None:  # it could not be opened (a storage error, said once)
            return item
        try:
            match = self.index.add_signature(key, sig)
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
            if self.state is not None and item.url:  # a page answering 304 next time is this copy, seen
                self.state.mark_review_pages([(item.url, key)])
            self.stats.inc_value("reviewcrawl/near_copies_dropped")
            self.stats.inc_value(f"reviewcrawl/sites/{item.site}/near_copies_dropped")
            raise DropItem(f"near-copy of {original}: {key}", log_level="INFO")
        return item

    def _claim_canonical(self, key: str, url: str) -> bool:
        """Distributed mode: is this page the one exported under ``key`` in the generation? With
        Redis unreachable, yes (counted as a storage error, said once: the run exits with code 4)."""
        if self.shared is None:
            return True
        try:
            return bool(self.shared.claim_canonical(key, url))
        except redis.RedisError as exc:
            storage_error(self.stats, "Redis (the generation's canonical URLs, exported unchecked)", exc, logger)
            return True

    def _original(self, key: str) -> str:
        """The original a key names now: an original displaced later names its replacement."""
        for _ in range(100):  # a chain of displacements is short; the bound is against a cycle
            nxt = self.displaced.get(key) or self._read(lambda store, k=key: store.original_of(k))
            if nxt is None or nxt == key:
                return key
            key = nxt
        return key

    def _read(self, query: Callable[[Store], T]) -> T | None:
        """A read of the database; None when it fails (the review goes on without what it would
        have said: an earlier run's link or original's facts), counted and logged once."""
        if self.store is None or time.monotonic() < self.reads_off_until:
            return None
        with self.storage_errors(
            f"the database {redact(self.database_url)} (near-copies checked against this run only)"
        ):
            return query(self.store)
        self.reads_off_until = time.monotonic() + READS_OFF_SECONDS  # each read could wait for a timeout
        return None

    def _outranks(self, item: Review, original: str) -> bool:
        facts = self.facts.get(original) or self._read(lambda store: store.review_facts(original))
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
        with self.storage_errors(f"the near-copy links in {redact(self.database_url)}"):
            self.flush()
        with self.storage_errors(f"the near-copy index in {self.db_path}"):
            if self.index is not None:
                self.index.close()
        if self.store is not None:
            with self.storage_errors(f"the near-copy links in {redact(self.database_url)}"):
                self.stats.set_value("reviewcrawl/near_copy_links_synced", self.store.sync_links())
            self.store.close()
        if self.state is not None:
            self.state.close()


class DatabasePipeline(_Pipeline):
    """Batched idempotent upserts of the exported reviews into the database (SQLite or PostgreSQL).

    Writes leave the reactor: a batch (REVIEWCRAWL_DB_BATCH_SIZE records, or what came in during
    REVIEWCRAWL_DB_FLUSH_SECONDS) goes to one writer thread with a connection of its own, in
    order, while the crawl goes on; the item that filled the batch waits for it (back-pressure).
    A batch the database cannot take now (gone, full, read-only) is kept and tried again at the
    next flush and at close (up to REVIEWCRAWL_DB_MAX_PENDING records); a record it refuses (data
    it cannot hold) is found row by row and set aside, the rest written. The records are in the
    feed whatever happens (``scrapy load`` puts them in later), and the run's storage errors make
    its exit code 4. Reads (the unchanged check) stay on the reactor thread; after one fails, the
    pipeline does without them for READS_OFF_SECONDS (PostgreSQL connections time out in ~20 s).

    Incremental: a review whose content (every field but fetched_at and run_id) equals what the
    last published run stored is not exported again (counted as unchanged); a changed one is, with
    date_modified set: the page's own, else the fetch time. With -a full=1 every review is exported.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.url = database_url(settings)
        self.state_path = state_database(settings)
        self.batch_size = settings.getint("REVIEWCRAWL_DB_BATCH_SIZE", 500)
        self.flush_seconds = settings.getfloat("REVIEWCRAWL_DB_FLUSH_SECONDS", 5.0)
        self.max_pending = settings.getint("REVIEWCRAWL_DB_MAX_PENDING", 100_000)
        self.buffer: list[dict[str, Any]] = []
        self.pages: list[tuple[str, str]] = []  # (page url, canonical_url) of the reviews seen
        self.touched: list[str] = []  # unchanged reviews: last_seen moves on
        self.lock = threading.Lock()  # guards failed, done and dropped (the writer thread sets them)
        self.failed: list[Batch] = []  # batches the database refused (gone, full): tried again later
        self.done: list[Batch] = []  # batches the writer finished with, not reported yet
        self.dropped = 0  # records given up on while the database was gone (they are in the feed)
        self.store: Store | None = None  # reads, on the reactor thread
        self.writer: Store | None = None  # writes, on the writer thread only
        self.state: SQLiteStore | None = None  # the pages table (writer thread)
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="reviewcrawl-db-writer")
        self.timer: LoopingCall | None = None
        self.where = f"the database {redact(self.url)}"
        self.reads_off_until = 0.0  # after a failed read, none for a while (each could wait for a timeout)

    def open_spider(self) -> None:
        with self.storage_errors(self.where):
            self.store = open_database(self.url)
            self.writer = open_database(self.url)
        with self.storage_errors(f"the state database {self.state_path} (pages not recorded: fetched again next run)"):
            self.state = SQLiteStore(self.state_path)
        from twisted.internet import reactor

        self.pool.start()
        # a forced shutdown (a second Ctrl-C) never closes the spider: the thread must not keep the process alive
        reactor.addSystemEventTrigger("during", "shutdown", self._stop_pool)
        self.timer = LoopingCall(self._flush_in_time)
        self.timer.start(self.flush_seconds, now=False)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, Review):
            key = item.canonical_url or item.url or ""
            if item.url:
                self.pages.append((item.url, key))
            if self._unchanged(item, key):
                self.stats.inc_value("reviewcrawl/unchanged")
                self.stats.inc_value(f"reviewcrawl/sites/{item.site}/unchanged")
                self.touched.append(key)
                if len(self.touched) >= self.batch_size:
                    self.flush()
                raise DropItem(f"unchanged since the last run: {key}", log_level="DEBUG")
            self.stats.inc_value("reviewcrawl/reviews_exported")
            self.buffer.append(dict(ItemAdapter(item)))  # shallow: nothing changes a record's values later
            if len(self.buffer) >= self.batch_size:
                await maybe_deferred_to_future(self.flush())  # back-pressure: this item waits for its batch
        return item

    def _flush_in_time(self) -> None:
        if self.buffer or self.touched or self.pages or self.failed:
            self.flush()

    def _take(self) -> list[Batch]:
        batch = Batch(self.buffer, self.touched, self.pages)
        self.buffer, self.touched, self.pages = [], [], []
        with self.lock:
            batches, self.failed = [*self.failed, batch], []
        return batches

    def flush(self) -> Deferred[None]:
        """Hand what is buffered (and what was refused before) to the writer thread; fires when
        it is written or kept for a retry, never with an error: the records are in the feed."""
        from twisted.internet import reactor  # the one Scrapy installed (importing it earlier would install one)

        batches = self._take()
        if self.writer is None:  # the database could not be opened (said once): the feed has them
            return succeed(None)
        d: Deferred[None] = deferToThreadPool(reactor, self.pool, self._write, batches)
        return d.addBoth(lambda _: self._report())

    def _write(self, batches: list[Batch]) -> None:
        """On the writer thread: write the batches in order. The database unavailable (gone, full,
        read-only): this batch and the next are kept for a retry, up to REVIEWCRAWL_DB_MAX_PENDING
        records (past that the oldest are given up: the feed has them)."""
        for i, batch in enumerate(batches):
            try:
                batch.write(self.writer, self.state)
            except Exception as exc:  # whatever it is, the records stay in the feed
                if not is_unavailable(exc):  # not the records (set aside in write): pages or last_seen
                    batch.rejected.append(("(pages and last_seen of a batch)", exc))
                    batch.touched, batch.pages = [], []
                    with self.lock:
                        self.done.append(batch)
                    continue
                batch.error = exc
                with self.lock:
                    self.done.append(batch)
                    self.failed[:0] = batches[i:]
                    while sum(len(b.records) for b in self.failed if not b.written) > self.max_pending:
                        self.dropped += len(self.failed.pop(0).records)
                return
            with self.lock:
                self.done.append(batch)

    def _report(self) -> None:
        """On the reactor thread: count and say what the writer did (each failure once)."""
        with self.lock:
            done, self.done = self.done, []
        for batch in done:
            if batch.written and not batch.counted:
                batch.counted = True
                self.stats.inc_value("reviewcrawl/db_rows_written", batch.written)
            for key, exc in batch.rejected:
                storage_error(self.stats, f"{self.where} refused the record {key} (it is in the feed)", exc, logger)
            batch.rejected = []
            if batch.error is not None:
                where = f"{self.where} ({len(batch.records)} records kept for a retry; they are in the feed)"
                storage_error(self.stats, where, batch.error, logger)
                batch.error = None

    def _stop_pool(self) -> None:
        if self.pool.started and not self.pool.joined:
            self.pool.stop()

    def close_spider(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self._stop_pool()  # waits for the batches under way (their results are reported below)
        if self.writer is not None:
            self._write(self._take())  # the last batch and the retries, here and now
        self._report()
        lost = self.dropped + sum(len(b.records) for b in self.failed if not b.written)
        lost += 0 if self.writer is not None else len(self.buffer)
        if lost:
            self.stats.set_value("reviewcrawl/db_rows_not_written", lost)
            logger.error(
                "%d records are not in %s (they are in the feed: load it with `scrapy load`)", lost, self.where
            )
        if self.store is not None:
            with self.storage_errors(self.where):
                self.stats.set_value("reviewcrawl/db_rows_total", self.store.count())
        for store in (self.store, self.writer, self.state):
            if store is not None:
                store.close()

    def _unchanged(self, item: Review, key: str) -> bool:
        """Is the review as the last published run stored it? Fills date_modified when it changed."""
        if self.store is None:
            return False
        if time.monotonic() < self.reads_off_until:
            return False  # the database did not answer a moment ago: export (better twice than never)
        stored, failed = None, True
        # the database unreadable: the review is exported (it may be unchanged; better twice than never)
        with self.storage_errors(f"{self.where} (reviews exported without the unchanged check)"):
            stored, failed = self.store.published_review(key), False
        if failed:  # each read could wait for a timeout: none for a while, the crawl goes on
            self.reads_off_until = time.monotonic() + READS_OFF_SECONDS
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


@dataclasses.dataclass
class Batch:
    """One flush's worth of database writes."""

    records: list[dict[str, Any]]
    touched: list[str]
    pages: list[tuple[str, str]]
    #: the records are in the database (how many were written: the others were refused)
    written: int = 0
    counted: bool = False
    #: (canonical_url, error) of records the database refused (bad data): never retried
    rejected: list[tuple[str, BaseException]] = dataclasses.field(default_factory=list)
    #: the database was unavailable: the batch waits for a retry
    error: BaseException | None = None

    def write(self, store: Store | None, state: SQLiteStore | None) -> None:
        """Write what is left of the batch. A record the database refuses (data it cannot take)
        is found by writing the batch row by row, and set aside; the database being unavailable
        raises, and the batch is tried again later (upserts are idempotent)."""
        assert store is not None
        if self.records and not self.written and not self.rejected:
            try:
                self.written = store.upsert(self.records)
            except Exception as exc:
                if is_unavailable(exc):
                    raise
                written = 0
                for record in self.records:
                    try:
                        written += store.upsert([record])
                    except Exception as one:
                        if is_unavailable(one):
                            raise
                        self.rejected.append((str(record.get("canonical_url") or record.get("url")), one))
                self.written = written
        if self.touched:
            store.touch_reviews(self.touched, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
            self.touched = []
        if self.pages and state is not None:
            state.mark_review_pages(self.pages)
            self.pages = []
