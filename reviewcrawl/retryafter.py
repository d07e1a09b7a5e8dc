"""Honour ``Retry-After`` before Scrapy's RetryMiddleware retries a 429 or 503.

Scrapy 2.19's RetryMiddleware retries 429 and 503 (RETRY_HTTP_CODES) at once, whatever the
server asked: a rate-limited site then answers 429 to every retry and the page is lost. This
middleware sits just outside it (its process_response runs first) and, when the response
carries ``Retry-After`` (seconds, or an HTTP date) and the request will be retried, waits that
long before handing the response on, so the retry goes out when the server said it may.

The wait is bounded by ``REVIEWCRAWL_RETRY_AFTER_MAX`` (seconds, default 60): a server that asks
for longer (``Retry-After: 3600``) is not retried in this run (``dont_retry``); the page is an
``http_429`` (or ``http_5xx``) fault of the run summary and is asked for again by the next run.
While it waits the request keeps one of the downloader's CONCURRENT_REQUESTS slots, not the
site's own: other pages of the site go on being fetched.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import math

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.asyncio import sleep

from reviewcrawl.component import CrawlerComponent

__all__ = ["RetryAfterMiddleware", "retry_after_seconds"]

logger = logging.getLogger(__name__)

#: Request.meta key: the Retry-After (seconds) a response asked for that was longer than the maximum
TOO_LONG_META = "reviewcrawl_retry_after"


def retry_after_seconds(value: str | bytes | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds, or an HTTP date.

    >>> retry_after_seconds("120"), retry_after_seconds(b" 3 ")
    (120.0, 3.0)
    >>> retry_after_seconds("Sun, 22 Nov 2026 12:01:00 GMT", now=dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC))
    60.0
    >>> retry_after_seconds("soon") is None, retry_after_seconds("-5")
    (True, 0.0)
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.lstrip("-").isdigit():
        return max(float(int(text)), 0.0)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - (now or dt.datetime.now(dt.UTC))).total_seconds(), 0.0)


class RetryAfterMiddleware(CrawlerComponent):
    """Waits what Retry-After asks (up to REVIEWCRAWL_RETRY_AFTER_MAX) before a retry."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.max_wait = settings.getfloat("REVIEWCRAWL_RETRY_AFTER_MAX", 60.0)
        self.retry_codes = {int(x) for x in settings.getlist("RETRY_HTTP_CODES")}
        self.retry_times = settings.getint("RETRY_TIMES")
        self.enabled = settings.getbool("RETRY_ENABLED")

    async def process_response(self, request: Request, response: Response) -> Response:
        if not self.enabled or response.status not in self.retry_codes or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None or wait <= 0:
            return response
        if request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times", self.retry_times):
            return response  # RetryMiddleware gives up anyway: no point in waiting
        if wait > self.max_wait:
            request.meta["dont_retry"] = True
            request.meta[TOO_LONG_META] = wait
            self.stats.inc_value("reviewcrawl/retry_after/too_long")
            return response
        self.stats.inc_value("reviewcrawl/retry_after/waits")
        self.stats.inc_value("reviewcrawl/retry_after/seconds", math.ceil(wait))
        logger.debug("Waiting %.0f s (Retry-After) before retrying %s", wait, request.url)
        await sleep(wait)
        return response
