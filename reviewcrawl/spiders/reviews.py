"""The `reviews` spider: which URLs to fetch and which responses are review pages.

    scrapy crawl reviews                      # every site profile
    scrapy crawl reviews -a site=NAME[,NAME]  # some profiles
    scrapy crawl reviews -a url=URL           # any site: robots.txt sitemaps, feeds, links

It yields ``Page`` items and never reads a field: extraction is the pipelines' job.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider

from reviewcrawl.items import Page
from reviewcrawl.sites import ProfileError, SiteProfile, load_profiles, profile_for_url

logger = logging.getLogger(__name__)

FEED_LINK_XPATH = "//link[@rel='alternate'][contains(@type, 'rss') or contains(@type, 'atom')]/@href"
RSS_LINKS_XPATH = "//item/link/text() | //*[local-name()='item']/*[local-name()='link']/text()"
ATOM_LINKS_XPATH = "//*[local-name()='entry']/*[local-name()='link'][not(@rel) or @rel='alternate']/@href"
#: Request.meta key naming the site of a start request (a sitemap, feed or start URL of its
#: profile): the run fails when every start request of a site failed (reviewcrawl.runs)
START_META = "reviewcrawl_start"


def new_run_id(now: dt.datetime) -> str:
    """Sortable by time, unique even for two runs started in the same second."""
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


class ReviewsSpider(SitemapSpider):
    name = "reviews"
    sitemap_rules: ClassVar[list[tuple[str, str]]] = [("", "parse_page")]  # type: ignore[misc]

    def __init__(self, *args: Any, site: str | None = None, url: str | None = None,
                 run_id: str | None = None, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.site_arg = site
        self.url_arg = url
        self.started_at = dt.datetime.now(dt.UTC)
        self.run_id = run_id or new_run_id(self.started_at)
        self.profiles: list[SiteProfile] = []
        self._waves: list[list[SiteProfile]] = []
        self._links = LinkExtractor()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReviewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._select_profiles(crawler.settings.getlist("REVIEWCRAWL_SITE_DIRS"))
        crawler.signals.connect(spider._next_wave, signal=signals.spider_idle)
        return spider

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
        logger.info("Run %s: sites %s", self.run_id, ", ".join(p.name for p in self.profiles))

    def _requests_for(self, profile: SiteProfile) -> Iterator[Request]:
        meta = {START_META: profile.name}
        for url in profile.sitemaps:
            yield Request(url, callback=self._parse_sitemap, meta=meta)
        for url in profile.feeds:
            yield Request(url, callback=self.parse_feed, meta=meta)
        for url in profile.start_urls:
            yield Request(url, callback=self.parse_page, meta=meta)

    async def start(self) -> AsyncIterator[Any]:
        if not self._waves:
            return
        for profile in self._waves.pop(0):
            for request in self._requests_for(profile):
                yield request

    def _next_wave(self) -> None:
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
        if not isinstance(response, HtmlResponse):
            if not isinstance(response, TextResponse) or b"html" not in (response.headers.get("Content-Type") or b""):
                return
        profile = self._profile(response.url)
        if profile is None:
            return
        verdict = profile.is_review_url(response.url)
        if verdict is not False:
            yield Page(
                url=response.url,
                body=response.body,
                status=response.status,
                content_type=(response.headers.get("Content-Type") or b"").decode("latin-1") or None,
                fetched_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                site=profile.name,
                hints=profile.hints(),
                is_review=verdict,
            )
        assert isinstance(response, TextResponse)
        for link in self._links.extract_links(response):
            if profile.owns(link.url) and not profile.denies(link.url):
                yield Request(link.url, callback=self.parse_page)
        if not profile.feeds:
            for href in response.xpath(FEED_LINK_XPATH).getall():
                url = response.urljoin(href)
                if profile.owns(url) and "comments" not in url:
                    yield Request(url, callback=self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, (XmlResponse, TextResponse)):
            return
        profile = self._profile(response.url)
        links = response.xpath(RSS_LINKS_XPATH).getall() + response.xpath(ATOM_LINKS_XPATH).getall()
        if not links:
            logger.warning("No entries in feed %s", response.url)
        for href in links:
            url = response.urljoin(href.strip())
            if profile is not None and profile.owns(url) and not profile.denies(url):
                yield Request(url, callback=self.parse_page)
