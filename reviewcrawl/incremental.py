"""Incremental crawls: a run fetches only what may have changed since the last published run.

Three means, all reading the ``pages`` table of the state database (``reviewcrawl.sqlite3`` in
the data directory; see reviewcrawl.storage.sqlite):

- **Conditional requests** (this module's ``ConditionalRequestMiddleware``): each page's ETag
  and Last-Modified are stored when its body is downloaded; the next run's request for it
  carries ``If-None-Match`` / ``If-Modified-Since``, and a ``304 Not Modified`` goes to the
  spider's callback (instead of being dropped as an HTTP error) marked as unchanged. The spider
  then replays the requests the page led to last time (stored with it) instead of reading the
  page: listing pages, sitemaps and feeds are still asked for on every run, so a new review
  (which changes them, and so their validators) is always found; a page unchanged since the last
  run costs one small response and no parsing. Review pages answered 304 are counted as
  unchanged reviews (they are seen, not exported).
- **Sitemap ``<lastmod>``** (``ReviewsSpider.sitemap_filter``) and **feed dates** (RSS
  ``pubDate``, Atom ``updated``/``published``; ``ReviewsSpider.parse_feed``): a URL whose date
  is not newer than its last download is not requested from there at all.
- **Content**: a review downloaded again whose content equals the stored record is not exported
  (reviewcrawl.pipelines.DatabasePipeline); a changed one is, with ``date_modified`` set.

Only what a *published* run left is used (its row in the ``runs`` table says ``published``: its
feeds are under their final names): a run killed before that published no feed, so the next run
ignores the validators and records it wrote and fetches and exports those pages again
(reviewcrawl/recovery.py). ``-a full=1`` sends no conditional header, skips nothing
and exports every review (the state is still written, for the next run).

Why not Scrapy's ``HttpCacheMiddleware`` with ``RFC2616Policy`` and ``DbmCacheStorage``: it
does conditional requests too, but to turn a 304 into a response it must keep every page's
full body (and headers) in the cache: the whole site, pickled, in a DBM file that only grows
(the storage has no expiry of its own but ``HTTPCACHE_EXPIRATION_SECS``, which refetches
everything). And a 304 comes out of it as the cached 200, so every unchanged page is parsed
and extracted again. Here the state is a few hundred bytes per URL (validators and outgoing
links) in the database that already holds the run's state, and an unchanged page is not read.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging

from scrapy import Request
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK

from reviewcrawl.component import CrawlerComponent
from reviewcrawl.storage.sqlite import PageState

__all__ = ["STATE_META", "ConditionalRequestMiddleware", "is_newer", "parse_http_date"]

logger = logging.getLogger(__name__)

#: Request.meta key: the PageState the last published run left for this URL (set by the middleware)
STATE_META = "reviewcrawl_page_state"
STATE_URL_META = "reviewcrawl_page_state_url"


def parse_http_date(value: str | None) -> dt.datetime | None:
    """A sitemap (W3C datetime), Atom (RFC 3339) or RSS (RFC 822) date, as an aware datetime.

    >>> parse_http_date("2025-06-07")
    datetime.datetime(2025, 6, 7, 0, 0, tzinfo=datetime.timezone.utc)
    >>> parse_http_date("Sat, 07 Jun 2025 12:00:00 +0000").isoformat()
    '2025-06-07T12:00:00+00:00'
    >>> parse_http_date("not a date") is None
    True
    """
    if not value:
        return None
    value = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def is_newer(changed: str | None, fetched_at: str | None) -> bool:
    """May a page whose sitemap or feed date is `changed` have changed since `fetched_at`?
    True when either is missing or unreadable: when in doubt, fetch."""
    when, last = parse_http_date(changed), parse_http_date(fetched_at)
    return when is None or last is None or when > last


class ConditionalRequestMiddleware(CrawlerComponent):
    """Adds If-None-Match / If-Modified-Since from the state database; lets a 304 through to the
    spider (``handle_httpstatus_list``) with the page's stored state in ``response.meta``."""

    def process_request(self, request: Request) -> None:
        if request.callback is NO_CALLBACK or request.meta.get("dont_obey_robotstxt"):
            return None  # robots.txt for RobotsTxtMiddleware: it needs the body every run
        spider = self.crawler.spider
        state_of = getattr(spider, "state_of", None)
        if not callable(state_of) or getattr(spider, "full", False):
            return None
        if STATE_META in request.meta:
            if request.meta.get(STATE_URL_META) == request.url:
                return None  # a retry: already conditional
            # a redirect copies the request's meta and headers: the state was another URL's
            del request.meta[STATE_META]
            for header in (b"If-None-Match", b"If-Modified-Since"):
                request.headers.pop(header, None)
        state = state_of(request.url)
        if state is None or not (state.etag or state.last_modified):
            return None
        if state.etag:
            request.headers.setdefault(b"If-None-Match", state.etag)
        if state.last_modified:
            request.headers.setdefault(b"If-Modified-Since", state.last_modified)
        request.meta[STATE_META] = state
        request.meta[STATE_URL_META] = request.url
        allowed = list(request.meta.get("handle_httpstatus_list", []))
        request.meta["handle_httpstatus_list"] = [*allowed, 304]
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304:
            if isinstance(request.meta.get(STATE_META), PageState):
                self.stats.inc_value("reviewcrawl/incremental/not_modified")
            else:  # a 304 we did not ask for: nothing to replay
                logger.debug("Unexpected 304 for %s", request.url)
        return response
