"""Item pipelines that misbehave on purpose, put into a real crawl with -s ITEM_PIPELINES=..."""

from __future__ import annotations

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
