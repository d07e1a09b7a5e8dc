"""Issue 5: a crawl of a site that fails in every way (tests/faultserver.py) completes, keeps
every good review, reports each fault once with its URL, and stops its traps.

One real `scrapy crawl reviews` of the fault site (module fixture, ~8 s: the timeout page costs
3 attempts of DOWNLOAD_TIMEOUT=2 s), then unit tests of the pieces on real inputs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest, ResponseDataLossError
from scrapy.http import HtmlResponse
from scrapy.utils.sitemap import Sitemap
from scrapy.utils.test import get_crawler

from reviewcrawl.defaults import REVIEWCRAWL_TRAP_PATIENCE
from reviewcrawl.extract import extract_review
from reviewcrawl.faults import classify, faults_by_kind, looks_binary
from reviewcrawl.retryafter import TOO_LONG_META, RetryAfterMiddleware
from reviewcrawl.spiders.reviews import ReviewsSpider
from reviewcrawl.traps import BARREN_META, TrapGuard

from . import faultserver
from .conftest import ROOT, SCRAPY, read_jsonl, serving

MARKER = "XXE-MARKER-d41d8cd98f00b204e980"
MAX_RSS_MB = 300  # the crawl peaks at ~125 MB; the gzip bomb alone would be 1024 MB if inflated


@dataclass
class FaultCrawl:
    base: str
    code: int
    stderr: str
    summary: dict
    feed: list[dict]
    hits: dict[str, int]
    sent: dict[str, int]
    data_dir: Path
    max_rss_mb: float


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory) -> FaultCrawl:
    tmp = tmp_path_factory.mktemp("faults")
    secret = tmp / "secret.txt"
    secret.write_text(MARKER + "\n", encoding="utf-8")
    with serving("tests.faultserver", "--port", "0", "--secret-file", str(secret)) as base:
        profiles = tmp / "profiles"
        profiles.mkdir()
        (profiles / "faultsite.toml").write_text(
            f'name = "faultsite"\nstart_urls = ["{base}/"]\nsitemaps = ["{base}/robots.txt"]\n'
            f"review_urls = ['^/reviews/[^/]+/$']\nexpect_reviews = {len(faultserver.GOOD)}\n",
            encoding="utf-8",
        )
        data_dir = tmp / "data"
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
        args = [
            *SCRAPY, "crawl", "reviews", "-a", "site=faultsite", "-s", f"REVIEWCRAWL_SITE_DIRS={profiles}",
            "-s", f"REVIEWCRAWL_DATA_DIR={data_dir}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "DOWNLOAD_TIMEOUT=2",
        ]  # fmt: skip
        with subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as crawl:
            # os.wait4: the peak memory of this one process (RUSAGE_CHILDREN would be every child's)
            _, status, usage = os.wait4(crawl.pid, 0)
            crawl.returncode = os.waitstatus_to_exitcode(status)
            stderr = crawl.stderr.read().decode() if crawl.stderr else ""
        with urllib.request.urlopen(f"{base}/__stats__", timeout=10) as r:
            stats = json.loads(r.read())
    (summary_path,) = (data_dir / "feeds").glob("run-*.json")
    (feed_path,) = (data_dir / "feeds").glob("reviews-*.jsonl")
    return FaultCrawl(
        base=base, code=crawl.returncode, stderr=stderr, summary=json.loads(summary_path.read_text(encoding="utf-8")),
        feed=read_jsonl(feed_path), hits=stats["hits"], sent=stats["sent"], data_dir=data_dir,
        max_rss_mb=usage.ru_maxrss / 1024,
    )  # fmt: skip


def test_the_run_succeeds_with_its_faults_reported(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.code == 0, fault_crawl.stderr[-3000:]
    assert fault_crawl.summary["status"] == "ok"
    assert fault_crawl.summary["finish_reason"] == "finished"  # not a CLOSESPIDER_* limit


def test_every_good_review_is_kept(fault_crawl: FaultCrawl) -> None:
    base = fault_crawl.base
    assert sorted(r["url"] for r in fault_crawl.feed) == sorted(base + p for p in faultserver.GOOD)
    # each record is what the pristine sample page gives: the fault did not change a field
    for record in fault_crawl.feed:
        path = record["url"].removeprefix(base)
        pristine = extract_review(faultserver._page(path), record["url"])
        assert record["title"] == pristine.title, path
        assert record["author"] == pristine.author, path
        assert record["rating"] == (pristine.rating.as_dict() if pristine.rating else None), path
        if path in ("/reviews/nobody/", "/reviews/ballerina/"):  # wrong and missing charset: read right
            assert record["text"] == pristine.text, path
            assert "Ã" not in record["text"]


def test_each_fault_kind_is_in_the_summary_with_its_urls(fault_crawl: FaultCrawl) -> None:
    base = fault_crawl.base
    faults = {kind: (v["count"], set(v["urls"])) for kind, v in fault_crawl.summary["faults"].items()}
    expected = {
        "timeout": {"/fault/timeout/"},
        "http_5xx": {"/fault/500/", "/fault/503/"},
        "http_429": {"/fault/429/"},
        "connection_lost": {"/fault/reset/"},
        "redirect_loop": {"/fault/loop/a/", "/fault/redirect/1/"},
        "too_large": {"/fault/huge/", "/fault/huge-declared/"},
        "decompression_bomb": {"/fault/gzip-bomb/"},
        "not_html": {"/fault/png/", "/fault/zip/"},
        "bad_charset": {"/reviews/nobody/", "/reviews/shift-jis/"},
        "no_charset": {"/reviews/ballerina/"},
        "invalid_jsonld": {"/reviews/mickey-17/"},
        "robots_disallowed": {"/private/", "/private/hidden-review/"},
    }
    for kind, paths in expected.items():
        assert kind in faults, f"{kind} missing from {sorted(faults)}"
        count, urls = faults[kind]
        assert urls == {base + p for p in paths}, kind
        assert count == len(paths), kind
    assert set(faults) - set(expected) <= {"trap_cut", "http_4xx"}  # http_4xx: the sitemap's /xxe/ loc
    # the same faults in the runs row of the state database
    import sqlite3

    with sqlite3.connect(fault_crawl.data_dir / "reviewcrawl.sqlite3") as db:
        (row,) = db.execute("SELECT summary FROM runs").fetchall()
    assert json.loads(row[0])["faults"] == fault_crawl.summary["faults"]


def test_each_fault_is_logged_once_with_its_url_and_no_traceback(fault_crawl: FaultCrawl) -> None:
    log = fault_crawl.stderr
    assert "Traceback" not in log
    # Scrapy's one-time notices beside the fault's own line: the warn size, and data loss
    notices = ("larger than download warn size", "Got data loss in")
    loud = [line for line in log.splitlines() if re.search(r"\] (WARNING|ERROR):", line)]
    for kind, fault in fault_crawl.summary["faults"].items():
        for url in fault["urls"]:
            named = [line for line in log.splitlines() if re.search(re.escape(url) + r"(?![\w/?=])", line)]
            assert named, f"{kind} {url} is not in the log"
            warned = [line for line in loud if url in line and not any(n in line for n in notices)]
            if kind.startswith("http_") or kind == "robots_disallowed":
                continue  # one INFO line each (Scrapy's "Ignoring response <503 ...>", robots at INFO)
            assert len([w for w in warned if re.search(re.escape(url) + r"(?![\w/?=])", w)]) == 1, (kind, warned)


def test_traps_cost_a_bounded_number_of_pages(fault_crawl: FaultCrawl) -> None:
    patience = REVIEWCRAWL_TRAP_PATIENCE
    calendar = [p for p in fault_crawl.hits if p.startswith("/calendar/")]
    listing = [p for p in fault_crawl.hits if p.startswith("/list/")]
    # entered at one month, P months each way; the pagination: page 2 listed a new review, then P more
    assert len(calendar) == 1 + 2 * patience, sorted(calendar)
    assert len(listing) == 2 + 1 + patience, sorted(listing)
    assert "/reviews/deep/" in fault_crawl.hits  # a real pagination is followed while it finds reviews
    cut = fault_crawl.summary["faults"]["trap_cut"]["urls"]
    assert any("/calendar/" in u for u in cut) and any("/list/" in u for u in cut)


def test_big_pages_are_cut_and_memory_stays_bounded(fault_crawl: FaultCrawl) -> None:
    maxsize = 10 * 1024 * 1024  # DOWNLOAD_MAXSIZE in reviewcrawl/settings.py
    # the server streamed less than a third of the 50 MB page before the crawler hung up
    assert fault_crawl.sent["/fault/huge/"] < maxsize + 5 * 1024 * 1024
    assert fault_crawl.sent["/fault/huge-declared/"] < maxsize
    assert fault_crawl.hits["/fault/gzip-bomb/"] == 1  # not retried
    assert fault_crawl.max_rss_mb < MAX_RSS_MB


def test_retry_after_is_honoured(fault_crawl: FaultCrawl) -> None:
    # the server answers 429 until a second after its last 429: the review came on the 2nd request
    assert fault_crawl.hits["/reviews/patience/"] == 2
    assert fault_crawl.hits["/fault/429/"] == 1  # Retry-After: 3600 is more than the crawl waits


def test_no_external_entity_is_read_and_no_entity_expanded(fault_crawl: FaultCrawl) -> None:
    assert MARKER not in fault_crawl.stderr
    assert not any(MARKER in p or "lollol" in p for p in fault_crawl.hits)
    for f in fault_crawl.data_dir.rglob("*"):
        if f.is_file():
            assert MARKER.encode() not in f.read_bytes(), f
    assert "/reviews/sitemap-only/" in fault_crawl.hits  # the sitemap with a DOCTYPE was still read


# -- the pieces, on real inputs --------------------------------------------------------------


def test_scrapy_sitemap_parser_reads_no_external_entity(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(MARKER, encoding="utf-8")
    site = faultserver.FaultSite(secret)
    body = site._sitemap("sitemap-xxe.xml", "http://127.0.0.1:1")
    assert body is not None and secret.resolve().as_uri().encode() in body
    locs = [e.get("loc") or "" for e in Sitemap(body)]
    assert "http://127.0.0.1:1/reviews/john-wick-4/" in locs
    assert not any(MARKER in loc for loc in locs)
    laughs = site._sitemap("sitemap-lol.xml", "http://127.0.0.1:1")
    assert laughs is not None
    assert all(len(e.get("loc") or "") < 100 for e in Sitemap(laughs))


def test_download_failures_are_classified() -> None:
    assert classify(DownloadTimeoutError("took longer"), 2.0) == (
        "timeout", "no answer within 2 s (DOWNLOAD_TIMEOUT)", False,
    )  # fmt: skip
    assert classify(ResponseDataLossError())[0] == "connection_lost"
    assert classify(DownloadCancelledError("too big"))[:3:2] == ("too_large", True)
    assert classify(IgnoreRequest("Forbidden by robots.txt"))[0] == "robots_disallowed"
    assert classify(IgnoreRequest("max redirections reached"))[0] == "redirect_loop"
    assert classify(IgnoreRequest("Filtered offsite request"))[0] is None  # a decision, not a fault


def test_binary_bodies_are_recognised() -> None:
    assert looks_binary(faultserver.PNG) and looks_binary(faultserver.ZIP)
    assert looks_binary(b"<html>\x00\x01\x02")
    assert not looks_binary(faultserver._page("/reviews/atomic-blonde/"))
    assert not looks_binary("<html>é</html>".encode("utf-16"))


def test_faults_count_scrapy_stats_where_scrapy_counts() -> None:
    stats = {"httperror/response_ignored_status_count/404": 3, "httperror/response_ignored_status_count/429": 1,
             "robotstxt/forbidden": 2, "reviewcrawl/faults/timeout": 1}  # fmt: skip
    faults = faults_by_kind(stats)
    assert {k: v["count"] for k, v in faults.items()} == {
        "http_4xx": 3, "http_429": 1, "robots_disallowed": 2, "timeout": 1,
    }  # fmt: skip


def _calendar_page(url: str, barren: int | None) -> HtmlResponse:
    request = Request(url, meta={BARREN_META: barren} if barren is not None else {})
    return HtmlResponse(url, body=b"<html></html>", request=request)


def test_trap_guard_cuts_a_barren_run_after_its_patience() -> None:
    crawler = get_crawler(ReviewsSpider, {"REVIEWCRAWL_TRAP_PATIENCE": 2})
    guard = TrapGuard(crawler)
    home = "http://t.example/"
    # the first page's links are all new: a step from it starts at 0
    first = list(guard.filter(_calendar_page(home + "calendar/2026/11/", None),
                              [Request(home), Request(home + "calendar/2026/12/")]))  # fmt: skip
    assert first[1].meta[BARREN_META] == 0
    fetched, url, barren = 1, home + "calendar/2026/12/", 0
    for _ in range(10):  # follow the run forward: home is seen, nothing new
        response = _calendar_page(url, barren)
        month = int(url.rstrip("/").split("/")[-1])
        nxt = f"{home}calendar/2027/{month % 12 + 1:02d}/"
        out = list(guard.filter(response, [Request(home), Request(nxt)]))
        if len(out) == 1:  # the step was cut
            break
        fetched, url, barren = fetched + 1, nxt, out[1].meta[BARREN_META]
    assert fetched == 1 + 2  # the productive first page, then patience (2) barren ones
    assert crawler.stats.get_value("reviewcrawl/faults/trap_cut") == 1


def test_trap_guard_follows_a_pagination_that_finds_new_pages() -> None:
    guard = TrapGuard(get_crawler(ReviewsSpider, {"REVIEWCRAWL_TRAP_PATIENCE": 1}))
    barren = 0
    for page in range(1, 30):
        url = f"http://t.example/list/?page={page}"
        response = HtmlResponse(url, body=b"", request=Request(url, meta={BARREN_META: barren}))
        out = list(guard.filter(response, [Request(f"http://t.example/r/{page}/"), Request(url[:-len(str(page))] + str(page + 1))]))  # fmt: skip
        assert len(out) == 2, page  # every page lists a new review: never cut
        barren = out[1].meta[BARREN_META]


@pytest.mark.parametrize(("retry_after", "waits"), [("3600", False), ("0", False)])
def test_retry_after_longer_than_the_maximum_is_not_retried(retry_after: str, waits: bool) -> None:
    import asyncio

    crawler = get_crawler(ReviewsSpider, {"REVIEWCRAWL_RETRY_AFTER_MAX": 60})
    middleware = RetryAfterMiddleware(crawler)
    request = Request("http://t.example/")
    response = HtmlResponse(request.url, status=429, headers={"Retry-After": retry_after}, request=request)
    assert asyncio.run(middleware.process_response(request, response)) is response
    assert bool(request.meta.get("dont_retry")) == (retry_after == "3600")
    assert request.meta.get(TOO_LONG_META) == (3600.0 if retry_after == "3600" else None)
    assert (crawler.stats.get_value("reviewcrawl/retry_after/waits") or 0) == int(waits)
