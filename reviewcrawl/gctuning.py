"""GcTuning: Python's cyclic garbage collector set for a crawl, an extension of the project.

A crawl allocates and frees millions of short-lived objects (requests, responses, items, each
page's extraction); with CPython's defaults (a young collection every 700 net allocations) the
collector ran ~1,400 times per 1,000 pages and took about a tenth of the crawl's CPU, most of it
traversing what lives for the whole run: modules, settings, dateparser's language data, the
spider, the pipelines' indexes. Two changes, both standard CPython tuning:

- ``REVIEWCRAWL_GC_FREEZE``: when the spider opens, everything alive then (all of the above) is
  moved to the permanent generation (:func:`gc.freeze`), which collections no longer traverse;
  it is given back (:func:`gc.unfreeze`) when the spider closes. Objects frozen are still freed by
  reference counting; only cycles among them would stay, and start-up makes none that matter.
- ``REVIEWCRAWL_GC_THRESHOLD``: the collector's thresholds (:func:`gc.set_threshold`) during the
  crawl, (5000, 10, 10) by default: fewer, larger collections. The price: garbage in reference
  cycles lives longer. The reviews spider makes none per page, but a spider that reads
  ``response.selector`` does (Scrapy's Selector keeps its response): a bare spider of that kind
  peaked at 267 MB instead of 227 MB on 1,000 pages of 170 KB, at 380 MB with (20000, 20, 20).

Measured (1,000 pages of 170 KB, every pipeline; benchmarks/RESULTS.md, "Crawl throughput"):
collector time 1.9-3.0 s with CPython's defaults, 1.6 s frozen, 0.8 s frozen with (5000, 10, 10),
0.4 s with (20000, 20, 20); the crawl's CPU time 28-30 s.
"""

from __future__ import annotations

import gc
import logging
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from reviewcrawl.runs import ConfigurationError

__all__ = ["GcTuning"]

logger = logging.getLogger(__name__)


class GcTuning:
    def __init__(self, freeze: bool, threshold: tuple[int, ...] | None) -> None:
        self.freeze = freeze
        self.threshold = threshold
        self.saved: tuple[int, ...] | None = None
        self.frozen = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        raw = settings.getlist("REVIEWCRAWL_GC_THRESHOLD")
        try:
            threshold = tuple(int(x) for x in raw) or None
        except (TypeError, ValueError):
            threshold = (-1,)
        if threshold is not None and not (len(threshold) <= 3 and all(x >= 0 for x in threshold)):
            raise ConfigurationError(f"REVIEWCRAWL_GC_THRESHOLD: expected up to three integers >= 0, got {raw!r}")
        freeze = settings.getbool("REVIEWCRAWL_GC_FREEZE", True)
        if not freeze and threshold is None:
            raise NotConfigured("the garbage collector keeps CPython's settings")
        ext = cls(freeze, threshold)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        if self.threshold is not None:
            self.saved = gc.get_threshold()
            gc.set_threshold(*self.threshold)
        if self.freeze:
            gc.collect()  # start-up's garbage is freed, not frozen
            gc.freeze()
            self.frozen = True
            logger.debug("Garbage collector: %d start-up objects frozen", gc.get_freeze_count())

    def spider_closed(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
        if self.saved is not None:
            gc.set_threshold(*self.saved)
            self.saved = None
