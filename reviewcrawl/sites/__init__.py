"""Site profiles: one TOML file per site. A new site is a profile, not a spider class.

Keys (all optional but ``name`` and one of start_urls / sitemaps / feeds):

    name            = "prestonmoline"              # the record's `site`
    start_urls      = ["https://example.org/"]     # pages to start from and follow links on
    sitemaps        = ["https://example.org/sitemap.xml"]   # or a robots.txt URL
    feeds           = ["https://example.org/feed/"]          # RSS or Atom
    allowed_domains = ["example.org"]              # default: the hosts of the URLs above
    review_urls     = ['^/\\d{4}/\\d{2}/\\d{2}/[^/]+\\.html$']  # regexes on the URL path
    deny_urls       = ['^/tag/']                   # never followed
    language        = "en"                         # when the page does not say
    date_order      = "MDY"                        # DMY / MDY / YMD for numeric dates
    preferred       = true                         # an original publisher: crawled first,
                                                   # its copies elsewhere are the near-copies
    expect_reviews  = 3                            # a run finding fewer is suspicious

    [selectors]                                    # CSS, when the generic cascade misses
    rating = ".review-score"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["BUNDLED_DIR", "ProfileError", "SiteProfile", "load_profiles", "profile_for_url"]

BUNDLED_DIR = Path(str(resources.files("reviewcrawl") / "sites"))
KNOWN_KEYS = {
    "name", "description", "start_urls", "sitemaps", "feeds", "allowed_domains", "review_urls",
    "deny_urls", "language", "date_order", "preferred", "expect_reviews", "selectors",
}  # fmt: skip


class ProfileError(ValueError):
    pass


@dataclass
class SiteProfile:
    name: str
    start_urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    allowed_domains: list[str] = field(default_factory=list)
    review_urls: list[re.Pattern[str]] = field(default_factory=list)
    deny_urls: list[re.Pattern[str]] = field(default_factory=list)
    language: str | None = None
    date_order: str | None = None
    preferred: bool = False
    expect_reviews: int = 0
    selectors: dict[str, str] = field(default_factory=dict)
    description: str = ""
    source: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "") -> SiteProfile:
        unknown = set(data) - KNOWN_KEYS
        if unknown:
            raise ProfileError(f"{source}: unknown keys {sorted(unknown)} (known: {sorted(KNOWN_KEYS)})")
        if not data.get("name"):
            raise ProfileError(f"{source}: a profile needs a name")
        if not (data.get("start_urls") or data.get("sitemaps") or data.get("feeds")):
            raise ProfileError(f"{source}: give start_urls, sitemaps or feeds")
        if data.get("date_order") not in (None, "DMY", "MDY", "YMD"):
            raise ProfileError(f"{source}: date_order must be DMY, MDY or YMD")
        try:
            review_urls = [re.compile(p) for p in data.get("review_urls", [])]
            deny_urls = [re.compile(p) for p in data.get("deny_urls", [])]
        except re.error as exc:
            raise ProfileError(f"{source}: bad regex: {exc}") from exc
        urls = [*data.get("start_urls", []), *data.get("sitemaps", []), *data.get("feeds", [])]
        domains = data.get("allowed_domains") or sorted({urlsplit(u).hostname or "" for u in urls} - {""})
        return cls(
            name=data["name"], start_urls=list(data.get("start_urls", [])), sitemaps=list(data.get("sitemaps", [])),
            feeds=list(data.get("feeds", [])), allowed_domains=list(domains), review_urls=review_urls,
            deny_urls=deny_urls, language=data.get("language"), date_order=data.get("date_order"),
            preferred=bool(data.get("preferred", False)), expect_reviews=int(data.get("expect_reviews", 0)),
            selectors=dict(data.get("selectors", {})), description=data.get("description", ""), source=source,
        )  # fmt: skip

    @classmethod
    def for_url(cls, url: str) -> SiteProfile:
        """An ad-hoc profile for any site: start at the URL, discover sitemaps from robots.txt."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProfileError(f"not an http(s) URL: {url!r}")
        root = f"{parts.scheme}://{parts.netloc}"
        return cls(
            name=parts.hostname, start_urls=[url], sitemaps=[f"{root}/robots.txt"], allowed_domains=[parts.hostname]
        )

    def hints(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.language:
            out["language"] = self.language
            out["languages"] = [self.language.split("-")[0]]
        if self.date_order:
            out["date_order"] = self.date_order
        if self.selectors:
            out["selectors"] = self.selectors
        return out

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def is_review_url(self, url: str) -> bool | None:
        """True/False by the profile's review_urls; None when the profile has none."""
        if not self.review_urls:
            return None
        path = urlsplit(url).path or "/"
        return any(p.search(path) for p in self.review_urls)

    def denies(self, url: str) -> bool:
        path = urlsplit(url).path or "/"
        return any(p.search(path) for p in self.deny_urls)


def _profile_files(dirs: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        files.extend(sorted(Path(d).glob("*.toml")))
    return files


def load_profiles(extra_dirs: Iterable[str | Path] = ()) -> dict[str, SiteProfile]:
    """Bundled profiles, then those of extra_dirs (a later file of the same name wins)."""
    profiles: dict[str, SiteProfile] = {}
    for path in _profile_files([BUNDLED_DIR, *extra_dirs]):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ProfileError(f"{path}: {exc}") from exc
        profile = SiteProfile.from_dict(data, source=str(path))
        profiles[profile.name] = profile
    return profiles


def profile_for_url(profiles: Iterable[SiteProfile], url: str) -> SiteProfile | None:
    for p in profiles:
        if p.owns(url):
            return p
    return None
