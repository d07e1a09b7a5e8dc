"""Feeds: URI parameters for the FEEDS templates, atomic file storage, optional gzip.

Every feed is written under a temporary name in its own directory (``.reviews-RUN.jsonl.part``)
and renamed to its final name only when the run closes: a loader that picks up
``reviews-*.jsonl`` never sees a half-written file, and a killed run leaves only the ``.part``
file, which no such pattern matches.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path
from typing import IO, Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import BlockingFeedStorage, FileFeedStorage
from scrapy.settings import BaseSettings

from reviewcrawl.runs import WITHHELD, ConfigurationError

__all__ = ["AtomicFileFeedStorage", "FeedCompression", "part_path", "uri_params"]

logger = logging.getLogger(__name__)

GZIP_PLUGIN = "scrapy.extensions.postprocessing.GzipPlugin"


def uri_params(params: dict[str, Any], spider: Any) -> dict[str, Any]:
    data_dir = Path(spider.settings.get("REVIEWCRAWL_DATA_DIR") or "data").resolve()
    return {**params, "data_dir": str(data_dir), "run_id": getattr(spider, "run_id", params["time"])}


def part_path(path: str | Path) -> Path:
    """Where a feed is written until its run closes.

    >>> str(part_path("/data/feeds/reviews-20261122T050002Z-fee2.jsonl.gz"))
    '/data/feeds/.reviews-20261122T050002Z-fee2.jsonl.gz.part'
    """
    path = Path(path)
    return path.with_name(f".{path.name}.part")


class AtomicFileFeedStorage(BlockingFeedStorage, FileFeedStorage):
    """FileFeedStorage that writes beside the feed and renames into place when the run closes.

    Scrapy opens a feed's storage on the first item (or at the close, for an empty feed with
    store_empty) and calls store() once, when the spider closes, after the exporter (and any
    postprocessing plugin, such as GzipPlugin) has finished writing: that is where the file is
    synced and renamed. BlockingFeedStorage runs store() in a thread. Registered in FEED_STORAGES
    for plain paths and file:// URIs.
    """

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None, crawler: Crawler | None = None):
        FileFeedStorage.__init__(self, uri, feed_options=feed_options)
        self.part = part_path(self.path)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None) -> Self:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        try:
            self.part.parent.mkdir(parents=True, exist_ok=True)
            mode = "wb"
            if self.write_mode == "ab" and Path(self.path).exists():
                shutil.copyfile(self.path, self.part)  # appending: the feed's lines so far come first
                mode = "ab"
            return self.part.open(mode)
        except OSError as exc:
            # Scrapy opens a feed inside a signal handler and only logs what fails there: count it,
            # so that the run is recorded as a storage error
            self._count_error(exc)
            raise

    def _store_in_thread(self, file: IO[bytes]) -> None:
        stats = self.crawler.stats if self.crawler is not None else None
        withheld = stats.get_value(WITHHELD) if stats is not None else None
        if withheld:  # the run must not publish (reviewcrawl.runs.WITHHELD): its records are being redone
            file.close()
            self.part.unlink(missing_ok=True)
            logger.warning("Feed %s not published (the run closed with reason %r): deleted", self.path, withheld)
            return
        try:
            file.flush()
            os.fsync(file.fileno())
            file.close()
            os.replace(self.part, self.path)
        except OSError as exc:
            self._count_error(exc)
            raise
        _fsync_dir(Path(self.path).parent)

    def _count_error(self, exc: OSError) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"reviewcrawl/errors/storage/{type(exc).__name__}")


def _fsync_dir(path: Path) -> None:
    """Make the rename itself durable (a crash right after it must not bring the old name back)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class FeedCompression:
    """Add-on: with REVIEWCRAWL_FEED_COMPRESSION = "gzip", every ``.jsonl`` feed in FEEDS is
    written as ``.jsonl.gz`` through Scrapy's GzipPlugin (feed option ``postprocessing``).

    An add-on, because it runs after ``-s`` settings are applied and before the feed exporter
    reads FEEDS. A FEEDS entry of your own can ask for the same with the feed options
    ``"postprocessing": ["scrapy.extensions.postprocessing.GzipPlugin"]`` and ``gzip_compresslevel``.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        mode = (settings.get("REVIEWCRAWL_FEED_COMPRESSION") or "").strip().lower()
        if not mode:
            return
        if mode != "gzip":
            raise ConfigurationError(f"REVIEWCRAWL_FEED_COMPRESSION must be '' or 'gzip', not {mode!r}")
        feeds: dict[str, dict[str, Any]] = {}
        for uri, options in settings.getdict("FEEDS").items():
            uri = str(uri)
            if uri.endswith(".jsonl") and GZIP_PLUGIN not in (options.get("postprocessing") or []):
                uri += ".gz"
                options = {**options, "postprocessing": [*(options.get("postprocessing") or []), GZIP_PLUGIN]}
            feeds[uri] = options
        settings.set("FEEDS", feeds, priority=settings.getpriority("FEEDS") or "project")
