"""The shape every reviewcrawl Scrapy component shares: built from the crawler, keeping it and its stats."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler


class CrawlerComponent:
    """A pipeline, middleware or extension built from the crawler (settings, stats, the spider)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)
