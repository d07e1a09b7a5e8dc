"""Item pipelines: thin adapters over reviewcrawl.extract, the schema, reviewcrawl.dedup and
reviewcrawl.storage. Order (settings.ITEM_PIPELINES): extract -> validate -> near-copies -> database.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from importlib import resources
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from reviewcrawl.dedup import NearDuplicateIndex, fingerprint
from reviewcrawl.extract import extract_review
from reviewcrawl.items import Page, Rejected, Review
from reviewcrawl.storage import SQLiteStore

logger = logging.getLogger(__name__)


def _run(crawler: Crawler) -> tuple[str, dt.datetime]:
    spider = crawler.spider
    run_id = getattr(spider, "run_id", None) or "adhoc"
    started = getattr(spider, "started_at", None) or dt.datetime.now(dt.UTC)
    return run_id, started


class _Pipeline:
    """Every pipeline is built from the crawler (settings, stats, the running spider)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)


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


class NearDuplicatePipeline(_Pipeline):
    """Fingerprint each review; link a near-copy to the first-seen original (duplicate_of)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.mode = settings.get("REVIEWCRAWL_DUPLICATES", "mark")
        if self.mode not in ("mark", "drop"):
            raise NotConfigured(f"REVIEWCRAWL_DUPLICATES must be 'mark' or 'drop', not {self.mode!r}")
        self.index = NearDuplicateIndex(settings.get("REVIEWCRAWL_DEDUP_STORAGE") or None)
        self.seen_canonical: set[str] = set()

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
        match = self.index.add(key, content)
        if match is None:
            return item
        item.duplicate_of = match.key
        self.stats.inc_value("reviewcrawl/near_copies")
        logger.info(
            "Near-copy: %s of %s (resemblance %.2f, containment %.2f)",
            key,
            match.key,
            match.similarity,
            match.containment,
        )
        if self.mode == "drop":
            raise DropItem(f"near-copy of {match.key}: {key}", log_level="INFO")
        return item


class DatabasePipeline(_Pipeline):
    """Batched idempotent upserts of the exported reviews into the database."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        url = settings.get("REVIEWCRAWL_DATABASE_URL") or ""
        if not url:
            url = "sqlite:///" + str(Path(settings.get("REVIEWCRAWL_DATA_DIR", "data")) / "reviewcrawl.sqlite3")
        if not url.startswith("sqlite:///"):
            raise NotConfigured(
                f"unsupported REVIEWCRAWL_DATABASE_URL (sqlite:///PATH only so far): {url.split('@')[-1]}"
            )
        self.path = Path(url[len("sqlite:///") :])
        self.batch_size = settings.getint("REVIEWCRAWL_DB_BATCH_SIZE", 500)
        self.buffer: list[dict[str, Any]] = []
        self.store: SQLiteStore | None = None

    def open_spider(self) -> None:
        self.store = SQLiteStore(self.path)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Review):
            self.stats.inc_value("reviewcrawl/reviews_exported")
            self.buffer.append(ItemAdapter(item).asdict())
            if len(self.buffer) >= self.batch_size:
                self.flush()
        return item

    def flush(self) -> None:
        if self.buffer and self.store is not None:
            self.stats.inc_value("reviewcrawl/db_rows_written", self.store.upsert(self.buffer))
            self.buffer.clear()

    def close_spider(self) -> None:
        if self.store is not None:
            self.flush()
            self.stats.set_value("reviewcrawl/db_rows_total", self.store.count())
            self.store.close()
