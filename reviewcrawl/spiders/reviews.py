"""The `reviews` spider: which URLs to fetch and which responses are review pages.

    scrapy crawl reviews                      # every site profile
    scrapy crawl reviews -a site=NAME[,NAME]  # some profiles
    scrapy crawl reviews -a url=URL           # any site: robots.txt sitemaps, feeds, links
    scrapy crawl reviews -a full=1            # ignore what earlier runs left: fetch and export all

It yields ``Page`` items and never reads a field: extraction is the pipelines' job.
Incremental by default (reviewcrawl/incremental.py): each page's validators and the requests it
led to are kept in the state database; a page that answers 304 Not Modified is not read, its
requests are replayed; sitemap lastmod and feed dates skip review pages not changed since.
Every request it makes has ``on_fault`` as its errback: a page that fails for good (a timeout,
a reset, an HTTP error, a page too large...) is one fault of the run (reviewcrawl/faults.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.selector import Selector
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.spiders import SitemapSpider
from twisted.python.failure import Failure

from reviewcrawl.distributed import distributed_scheduler, is_distributed
from reviewcrawl.extract.document import parse_html
from reviewcrawl.faults import classify, http_kind, looks_binary, record_fault
from reviewcrawl.incremental import STATE_META, is_newer, parse_http_date
from reviewcrawl.items import Page
from reviewcrawl.retryafter import TOO_LONG_META
from reviewcrawl.runs import STORAGE_ERRORS, storage_error
from reviewcrawl.sites import ProfileError, SiteProfile, load_profiles, profile_for_url
from reviewcrawl.storage import SQLiteStore
from reviewcrawl.storage.sqlite import PageState

logger = logging.getLogger(__name__)

FEED_LINK_XPATH = "//link[@rel='alternate'][contains(@type, 'rss') or contains(@type, 'atom')]/@href"
RSS_LINKS_XPATH = "//item/link/text() | //*[local-name()='item']/*[local-name()='link']/text()"
ATOM_LINKS_XPATH = "//*[local-name()='entry']/*[local-name()='link'][not(@rel) or @rel='alternate']/@href"
RSS_ITEMS_XPATH = "//item | //*[local-name()='item']"
ATOM_ENTRIES_XPATH = "//*[local-name()='entry']"
ENTRY_LINK_XPATH = "./*[local-name()='link'][not(@rel) or @rel='alternate']/@href | ./*[local-name()='link']/text()"
ENTRY_DATE_XPATH = "./*[local-name()='updated' or local-name()='pubDate' or local-name()='published']/text()"
#: pages recorded per transaction of the state database
PAGE_BATCH = 100
#: Request.meta key naming the site of a start request (a sitemap, feed or start URL of its
#: profile): the run fails when every start request of a site failed (reviewcrawl.runs)
START_META = "reviewcrawl_start"


def new_run_id(now: dt.datetime) -> str:
    """Sortable by time, unique even for two runs started in the same second."""
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def _join(response: Response, href: str) -> str | None:
    """The absolute URL of a link, or None for one that is no URL ('http://[::1', a bad port):
    one broken link must not cost the page's other links."""
    try:
        return response.urljoin(href)
    except ValueError:
        logger.debug("Ignoring a malformed link on %s: %r", response.url, href)
        return None


class ReviewsSpider(SitemapSpider):
    name = "reviews"
    sitemap_rules: ClassVar[list[tuple[str, str]]] = [("", "parse_page")]  # type: ignore[misc]

    def __init__(self, *args: Any, site: str | None = None, url: str | None = None,
                 run_id: str | None = None, full: str | bool | None = None, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.site_arg = site
        self.url_arg = url
        #: -a full=1: no conditional requests, no skipping, every review exported
        self.full = str(full or "").lower() in ("1", "true", "yes", "on")
        self.page_state: SQLiteStore | None = None
        self._pages: list[dict[str, Any]] = []
        self.started_at = dt.datetime.now(dt.UTC)
        self.run_id = run_id or new_run_id(self.started_at)
        self.profiles: list[SiteProfile] = []
        self._waves: list[list[SiteProfile]] = []
        self._all_waves: list[list[SiteProfile]] = []  # distributed mode: wave k is seeded by one worker
        self._links = LinkExtractor()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReviewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._select_profiles(crawler.settings.getlist("REVIEWCRAWL_SITE_DIRS"))
        crawler.signals.connect(spider._next_wave, signal=signals.spider_idle)
        crawler.signals.connect(spider._open_state, signal=signals.spider_opened)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        return spider

    # -- faults: every request's errback (reviewcrawl/faults.py) ------------------------------

    def on_fault(self, failure: Failure) -> Failure | None:
        """A request that failed for good (after retries): one fault of the run, one log line
        with its URL, no traceback. HTTP errors go on to Scrapy's HttpErrorMiddleware, which
        counts them and logs them (one line with the status and URL)."""
        request = failure.request  # type: ignore[attr-defined]
        exc = failure.value
        if isinstance(exc, HttpError):
            response = exc.response
            kind = http_kind(response.status)
            waited = request.meta.get(TOO_LONG_META)
            if waited:
                detail = f"Retry-After {waited:.0f} s, more than REVIEWCRAWL_RETRY_AFTER_MAX: not retried"
                record_fault(self.crawler.stats, kind, response.url, detail, count=False)
            else:
                record_fault(self.crawler.stats, kind, response.url, count=False, log=False)
            return failure
        fault, detail, logged = classify(exc, request.meta.get("download_timeout"))
        if fault is not None:
            url = request.url
            attempts = request.meta.get("retry_times", 0) + 1
            if attempts > 1:
                detail = f"{detail}; {attempts} attempts" if detail else f"{attempts} attempts"
            chain = request.meta.get("redirect_urls") or []
            if fault == "redirect_loop" and chain:  # the link the crawl followed, not where it ended
                url, detail = chain[0], f"{detail}: {chain[0]} -> ... -> {request.url}"
            # robots.txt: counted by Scrapy (robotstxt/forbidden)
            record_fault(self.crawler.stats, fault, url, detail, count=fault != "robots_disallowed", log=not logged)
        return None

    def _dropped(self, request: Request) -> None:
        """The scheduler dropped a request it had seen: when a redirect led back to a URL of its
        own chain, that is a redirect loop."""
        chain = request.meta.get("redirect_urls") or []
        if request.url in chain:
            record_fault(self.crawler.stats, "redirect_loop", chain[0], f"redirects back to {request.url}")

    def _with_errback(self, outputs: Iterable[Any]) -> Iterator[Any]:
        for output in outputs:
            if isinstance(output, Request) and output.errback is None:
                output.errback = self.on_fault
            yield output

    # -- incremental crawls: the pages table of the state database -----------------------------

    def _storage_error(self, exc: BaseException, doing: str) -> None:
        """The state could not be read or written: the run says so (exit code 4) and goes on;
        the worst outcome is that the next run fetches more than it had to."""
        storage_error(self.crawler.stats, f"the state database {self._state_path()} (could not {doing})", exc, logger)

    def _state_path(self) -> Path:
        return Path(self.settings.get("REVIEWCRAWL_DATA_DIR") or "data").absolute() / "reviewcrawl.sqlite3"

    def _open_state(self) -> None:
        if is_distributed(self.settings):
            # the pages table is per data directory, a page is fetched by any worker: no conditional
            # requests (reviews unchanged since a published run are still not exported again)
            logger.info("Run %s: distributed mode, no conditional requests", self.run_id)
            return
        try:
            self.page_state = SQLiteStore(self._state_path())
        except STORAGE_ERRORS as exc:
            self._storage_error(exc, "open it (every page is fetched in full)")
        if self.full:
            logger.info("Run %s: full crawl (-a full=1): every page fetched, every review exported", self.run_id)

    def state_of(self, url: str) -> PageState | None:
        """What the last published run left for this URL (None: fetch it as new)."""
        if self.page_state is None:
            return None
        try:
            return self.page_state.page_state(url)
        except STORAGE_ERRORS as exc:
            self._storage_error(exc, "read the state of a page; it is fetched in full")
            return None

    def _remember(self, response: Response, outputs: list[Any]) -> None:
        """Keep what the next run needs to skip this page: its validators and where it led."""
        if self.page_state is None or response.status != 200:
            return
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        links = None
        if etag or modified:
            links = [[r.url, getattr(r.callback, "__name__", "")] for r in outputs
                     if isinstance(r, Request) and getattr(r.callback, "__self__", None) is self]  # fmt: skip
        self._pages.append({
            "url": response.url, "etag": etag.decode("latin-1") if etag else None,
            "last_modified": modified.decode("latin-1") if modified else None,
            "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "run_id": self.run_id, "links": links,
        })  # fmt: skip
        if len(self._pages) >= PAGE_BATCH:
            self._flush_pages()

    def _flush_pages(self) -> None:
        if self.page_state is not None and self._pages:
            try:
                self.page_state.save_pages(self._pages)
            except STORAGE_ERRORS as exc:
                self._storage_error(exc, f"record {len(self._pages)} pages")
            self._pages.clear()

    def closed(self, reason: str) -> None:
        if self.page_state is not None:
            try:
                self._flush_pages()
            finally:
                self.page_state.close()
                self.page_state = None

    def _not_modified(self, response: Response) -> Iterator[Request]:
        """A 304: the page is as the last run saw it. Replay the requests it led to; a review
        page's review is unchanged (seen, not exported)."""
        state = response.meta.get(STATE_META)
        if not isinstance(state, PageState):
            return
        if state.review:
            profile = self._profile(response.url)
            self.crawler.stats.inc_value("reviewcrawl/unchanged")
            if profile is not None:
                self.crawler.stats.inc_value(f"reviewcrawl/sites/{profile.name}/unchanged")
        for url, callback in state.links:
            method = getattr(self, callback, None)
            if callable(method):
                yield Request(url, callback=method)

    def _tracked(self, response: Response, outputs: Iterable[Any]) -> Iterator[Any]:
        if response.status == 304:
            yield from self._with_errback(self._not_modified(response))
            return
        done = list(self._with_errback(outputs))
        self._remember(response, done)
        yield from done

    def _fetched_since(self, url: str, changed: str | None) -> bool:
        """Skip a review page whose sitemap or feed date is not newer than its last download.
        Other pages (listings, which change when a review is added) are always asked for."""
        if self.full or changed is None:
            return True
        state = self.state_of(url)
        if state is None or is_newer(changed, state.fetched_at):
            return True
        profile = self._profile(url)
        verdict = profile.is_review_url(url) if profile is not None else None
        if not (verdict or (verdict is None and state.review)):
            return True
        self.crawler.stats.inc_value("reviewcrawl/incremental/skipped_by_date")
        return False

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        if getattr(entries, "type", None) != "urlset":
            yield from entries  # a sitemap index: its sitemaps are asked for (conditionally) anyway
            return
        for entry in entries:
            if self._fetched_since(entry.get("loc", ""), entry.get("lastmod")):
                yield entry

    def _parse_sitemap(self, response: Response) -> Iterable[Request]:
        return self._tracked(response, super()._parse_sitemap(response) if response.status != 304 else ())

    def _select_profiles(self, extra_dirs: list[str]) -> None:
        if self.url_arg:
            self.profiles = [SiteProfile.for_url(self.url_arg)]
        else:
            available = load_profiles(extra_dirs)
            if self.site_arg:
                names = [n.strip() for n in self.site_arg.split(",") if n.strip()]
                missing = [n for n in names if n not in available]
                if missing:
                    raise ProfileError(f"unknown site profile(s) {missing}; known: {sorted(available)}")
                self.profiles = [available[n] for n in names]
            else:
                self.profiles = list(available.values())
        self.allowed_domains = sorted({d for p in self.profiles for d in p.allowed_domains})
        # Original publishers first: when their pages are all in, the sites that republish
        # them are crawled, so a copy never reaches the near-copy index before its original.
        preferred = [p for p in self.profiles if p.preferred]
        others = [p for p in self.profiles if not p.preferred]
        self._waves = [w for w in (preferred, others) if w]
        self._all_waves = list(self._waves)
        logger.info("Run %s: sites %s", self.run_id, ", ".join(p.name for p in self.profiles))

    def _requests_for(self, profile: SiteProfile) -> Iterator[Request]:
        meta = {START_META: profile.name}
        for url in profile.sitemaps:
            yield Request(url, callback=self._parse_sitemap, errback=self.on_fault, meta=meta)
        for url in profile.feeds:
            yield Request(url, callback=self.parse_feed, errback=self.on_fault, meta=meta)
        for url in profile.start_urls:
            yield Request(url, callback=self.parse_page, errback=self.on_fault, meta=meta)

    async def start(self) -> AsyncIterator[Any]:
        if not self._waves:
            return
        wave = self._waves.pop(0)
        shared = distributed_scheduler(self.crawler)
        if shared is not None and not shared.generation.claim_wave(0):
            logger.info("Run %s: another worker seeds the start requests", self.run_id)
            return
        for profile in wave:
            for request in self._requests_for(profile):
                yield request

    def _next_wave(self) -> None:
        shared = distributed_scheduler(self.crawler)
        if shared is not None:
            # distributed: wave k when every worker is idle and the queue is empty (on_idle raises
            # DontCloseSpider to wait); None: the crawl is over
            index = shared.on_idle(len(self._all_waves))
            if index is None:
                return
            self._waves = [self._all_waves[index]]
        if not self._waves:
            return
        wave = self._waves.pop(0)
        logger.info("Next wave of sites: %s", ", ".join(p.name for p in wave))
        assert self.crawler.engine is not None
        for profile in wave:
            for request in self._requests_for(profile):
                self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def _profile(self, url: str) -> SiteProfile | None:
        return profile_for_url(self.profiles, url)

    def parse_page(self, response: Response) -> Iterator[Any]:
        return self._tracked(response, self._parse_page(response) if response.status != 304 else ())

    def _parse_page(self, response: Response) -> Iterator[Any]:
        if looks_binary(response.body):
            content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
            record_fault(self.crawler.stats, "not_html", response.url, f"binary content served as {content_type!r}")
            return
        if not isinstance(response, HtmlResponse):
            if not isinstance(response, TextResponse) or b"html" not in (response.headers.get("Content-Type") or b""):
                return
        profile = self._profile(response.url)
        if profile is None:
            return
        media_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        # One parse per page, with the extractor's parser: Scrapy's LinkExtractor and the feed-link
        # XPath below read the response's selector, the ExtractPipeline reads the Page's document,
        # and both are this tree (parsel's own parse would decode the body to text and parse it
        # again, twice the time of this one).
        document = parse_html(response.body, media_type)
        response._cached_selector = Selector(root=document, type="html")  # type: ignore[union-attr]
        verdict = profile.is_review_url(response.url)
        if verdict is not False:
            yield Page(
                url=response.url,
                body=response.body,
                status=response.status,
                content_type=media_type,
                fetched_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                site=profile.name,
                hints=profile.hints(),
                is_review=verdict,
                document=document,
            )
        assert isinstance(response, TextResponse)
        for link in self._links.extract_links(response):
            if profile.owns(link.url) and not profile.denies(link.url):
                yield Request(link.url, callback=self.parse_page)
        if not profile.feeds:
            for href in response.xpath(FEED_LINK_XPATH).getall():
                url = _join(response, href)
                if url and profile.owns(url) and "comments" not in url:
                    yield Request(url, callback=self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        return self._tracked(response, self._parse_feed(response) if response.status != 304 else ())

    def _parse_feed(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, (XmlResponse, TextResponse)):
            return
        profile = self._profile(response.url)
        links = response.xpath(RSS_LINKS_XPATH).getall() + response.xpath(ATOM_LINKS_XPATH).getall()
        if not links:
            logger.warning("No entries in feed %s", response.url)
        dates: dict[str, str | None] = {}  # entry link -> its date (updated, else published / pubDate)
        for entry in response.xpath(RSS_ITEMS_XPATH) + response.xpath(ATOM_ENTRIES_XPATH):
            hrefs, when = entry.xpath(ENTRY_LINK_XPATH).getall(), entry.xpath(ENTRY_DATE_XPATH).getall()
            latest = max(when, key=lambda w: parse_http_date(w) or dt.datetime.min.replace(tzinfo=dt.UTC), default=None)
            for href in hrefs:
                dates.setdefault(href.strip(), latest)
        for href in links:
            url = _join(response, href.strip())
            if url and profile is not None and profile.owns(url) and not profile.denies(url):
                if self._fetched_since(url, dates.get(href.strip())):
                    yield Request(url, callback=self.parse_page)
