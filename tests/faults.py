"""Item pipelines that misbehave on purpose, put into a real crawl with -s ITEM_PIPELINES=..."""

from __future__ import annotations

import threading
from typing import Any

from reviewcrawl.items import Review


class FailOnOneReview:
    """A pipeline with a bug that one review of the sample sites runs into."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Review) and item.url == "http://headphonesthoughts.example/archives/1187/":
            raise KeyError("a pipeline bug")
        return item


class BreakDates:
    """Puts a date no schema accepts into every review: they all go to the errors feed."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Review):
            item.date_published = "07/06/2025"
        return item


class SlowClose:
    """A close that takes its time (a big database flush, a slow disk): given the lowest order in
    ITEM_PIPELINES it closes last, after the database pipeline flushed, before the feeds are renamed."""

    def process_item(self, item: Any) -> Any:
        return item

    def close_spider(self) -> None:
        threading.Event().wait(0.3)
