"""Crawler traps: endless calendars and paginations, stopped by what they are, not by a page count.

A trap is a run of pages that differ only in a number (``/calendar/2026/11/`` links
``/calendar/2026/12/``, ``/list/?page=7`` links ``?page=8``) and go on for ever, each leading
only to the next. A real pagination is the same run of pages, but each of its pages lists
something not seen before. So ``TrapGuard`` (a spider middleware) follows such a run while it
keeps leading to new pages, and stops it after ``REVIEWCRAWL_TRAP_PATIENCE`` pages in a row
(default 5) that linked to nothing new:

- a link is a *step* when its URL, with every run of digits replaced by ``#`` (its *shape*),
  equals the shape of the page it is on, and the site profile does not say it is a review page
  (a chain of "previous review / next review" links is never cut);
- a page is *productive* when one of its other links (not steps) was never seen before in the
  run (a set of 8-byte hashes of URLs, like the duplicate filter's fingerprints);
- a step from a productive page starts a new count (0); from a barren page it counts one more
  than the page itself; a step whose count exceeds the patience is not followed: a
  ``trap_cut`` fault with its URL.

What each trap costs, with patience P (tests/test_faults.py crawls both): an endless calendar
entered at one month is 1 + 2P pages (P months each way: 11), an endless pagination is P + 1
pages after its last page that listed something new (with P = 5: 6). DEPTH_LIMIT (12) stops
any chain of links as well, and CLOSESPIDER_PAGECOUNT / CLOSESPIDER_TIMEOUT are the backstops of
the whole run (reviewcrawl/settings.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from w3lib.url import canonicalize_url

from reviewcrawl.component import CrawlerComponent
from reviewcrawl.faults import record_fault

__all__ = ["TrapGuard", "url_shape"]

#: Request.meta key: how many barren pages in a row led to this request through steps
BARREN_META = "reviewcrawl_barren_steps"
DIGITS_RE = re.compile(r"\d+")


def url_shape(url: str) -> str:
    """The URL with each run of digits in its path and query replaced by '#' (query arguments sorted).

    >>> url_shape("http://a.example:8080/calendar/2026/11/"), url_shape("http://a.example/list/?page=12&sort=new")
    ('http://a.example:8080/calendar/#/#/', 'http://a.example/list/?page=#&sort=new')
    """
    parts = urlsplit(canonicalize_url(url))
    return urlunsplit(parts._replace(path=DIGITS_RE.sub("#", parts.path), query=DIGITS_RE.sub("#", parts.query)))


def _digest(url: str) -> int:
    return int.from_bytes(hashlib.blake2b(canonicalize_url(url).encode(), digest_size=8).digest(), "big")


class TrapGuard(CrawlerComponent):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.patience = crawler.settings.getint("REVIEWCRAWL_TRAP_PATIENCE", 5)
        self.seen: set[int] = set()  # links other than steps, as yielded by the spider
        self.stepped: set[int] = set()  # steps let through (a cut of one of them is no cut)
        self.cut: set[int] = set()

    def _is_review(self, url: str) -> bool:
        profile_of = getattr(self.crawler.spider, "_profile", None)
        profile = profile_of(url) if callable(profile_of) else None
        return bool(profile is not None and profile.is_review_url(url))

    def filter(self, response: Response, outputs: list[Any]) -> Iterator[Any]:
        """The spider's output for one page, without the steps that continue a barren run too long."""
        requests = [o for o in outputs if isinstance(o, Request)]
        if self.patience <= 0 or not requests:
            yield from outputs
            return
        here = url_shape(response.url)
        steps: set[int] = set()
        productive = False
        for i, request in enumerate(outputs):
            if not isinstance(request, Request):
                continue
            if request.url != response.url and url_shape(request.url) == here and not self._is_review(request.url):
                steps.add(i)
                continue
            key = _digest(request.url)
            if key not in self.seen:
                self.seen.add(key)
                productive = True
        barren = 0 if productive else int(response.meta.get(BARREN_META, 0)) + 1
        for i, output in enumerate(outputs):
            if i not in steps:
                yield output
                continue
            key = _digest(output.url)
            if barren > self.patience:
                if key not in self.stepped and key not in self.cut:
                    self.cut.add(key)
                    detail = f"{self.patience} pages in a row shaped {here} led to nothing new"
                    record_fault(self.stats, "trap_cut", output.url, detail)
                continue
            self.stepped.add(key)
            output.meta[BARREN_META] = barren
            yield output

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from self.filter(response, list(result))

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        for output in self.filter(response, [o async for o in result]):
            yield output
