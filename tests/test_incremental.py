"""Incremental crawls, end to end: `scrapy crawl` runs one after another against a copy of the
sample sites (served like demo_proxy, from a temporary folder, so one review can be edited).

Run 1 fetches everything; run 2, the sites unchanged, downloads little (the pages answer
304 Not Modified) and exports nothing; one review edited on disk, run 3 exports exactly that
one; `-a full=1` exports everything again.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pytest

from reviewcrawl.items import Review
from reviewcrawl.pipelines import DatabasePipeline
from reviewcrawl.spiders.reviews import ReviewsSpider
from reviewcrawl.storage import SQLiteStore

from .conftest import SITES, read_jsonl, run_scrapy, serve_sites, sync

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"]
EDITED = "http://headphonesthoughts.example/archives/1164/"
EDITED_FILE = Path("headphonesthoughts.example/archives/1164/index.html")
BEFORE, AFTER = "the Marvel movie I did not know I wanted", "the Marvel movie I did not know I needed"
REVIEWS = 14  # the sample sites' review pages (originals and near-copies)


@dataclass
class Run:
    result: subprocess.CompletedProcess[str]
    summary: dict
    records: list[dict]


def crawl(data_dir: Path, proxy: str, *extra: str) -> Run:
    result = run_scrapy(["crawl", "reviews", "-s", f"REVIEWCRAWL_DATA_DIR={data_dir}", *FAST, *extra], proxy=proxy)
    summaries = sorted((data_dir / "feeds").glob("run-*.json"))
    assert summaries, result.stderr[-3000:]
    done = {p.stem.removeprefix("run-") for p in summaries}
    run_id = max(done)  # run ids sort by start time
    summary = json.loads((data_dir / "feeds" / f"run-{run_id}.json").read_text(encoding="utf-8"))
    return Run(result, summary, read_jsonl(data_dir / "feeds" / f"reviews-{run_id}.jsonl"))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A copy of the sample sites, and the proxy URL of a server over it."""
    copy = tmp_path_factory.mktemp("sites") / "sites"
    shutil.copytree(SITES, copy)
    with serve_sites(copy) as proxy:
        yield copy, proxy


@pytest.fixture(scope="module")
def runs(sites: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Four runs against one data directory: first, unchanged, one review edited, full."""
    copy, proxy = sites
    data_dir = tmp_path_factory.mktemp("data")
    out = {"first": crawl(data_dir, proxy), "unchanged": crawl(data_dir, proxy)}
    page = copy / EDITED_FILE
    html = page.read_text(encoding="utf-8")
    assert BEFORE in html
    page.write_text(html.replace(BEFORE, AFTER), encoding="utf-8")
    out["edited"] = crawl(data_dir, proxy)
    out["full"] = crawl(data_dir, proxy, "-a", "full=1")
    for name, run in out.items():
        print(f"run {name}: {run.summary['pages']} responses, {run.summary['pages_downloaded']} downloaded, "
              f"{run.summary['not_modified']} not modified, {len(run.records)} exported, "
              f"{run.summary['unchanged']} unchanged")  # fmt: skip
    return out


def test_every_run_succeeds(runs: dict[str, Run]) -> None:
    assert {name: (run.result.returncode, run.summary["status"]) for name, run in runs.items()} == {
        name: (0, "ok") for name in runs
    }


def test_first_run_exports_every_review(runs: dict[str, Run]) -> None:
    assert (len(runs["first"].records), runs["first"].summary["not_modified"]) == (REVIEWS, 0)


def test_unchanged_sites_download_under_a_fifth_of_the_first_runs_pages(runs: dict[str, Run]) -> None:
    first, second = runs["first"].summary, runs["unchanged"].summary
    assert second["pages_downloaded"] < 0.2 * first["pages"], (first, second)


def test_unchanged_sites_export_nothing(runs: dict[str, Run]) -> None:
    assert runs["unchanged"].records == []


def test_unchanged_reviews_are_counted_as_seen(runs: dict[str, Run]) -> None:
    """The run verdict counts them: no 'no reviews where the profile expects some' failure."""
    summary = runs["unchanged"].summary
    assert (summary["unchanged"], sum(s["unchanged"] for s in summary["sites"].values())) == (REVIEWS, REVIEWS)


def test_the_edited_review_alone_is_exported(runs: dict[str, Run]) -> None:
    assert [r["canonical_url"] for r in runs["edited"].records] == [EDITED]


def test_the_edited_review_carries_the_edit_and_a_date_modified(runs: dict[str, Run]) -> None:
    (record,) = runs["edited"].records
    assert (AFTER in record["text"], record["date_modified"]) == (True, record["fetched_at"])


def test_the_edit_run_downloads_little(runs: dict[str, Run]) -> None:
    assert runs["edited"].summary["pages_downloaded"] < 0.2 * runs["first"].summary["pages"]


def test_full_run_exports_everything_again(runs: dict[str, Run]) -> None:
    full = runs["full"]
    assert (len(full.records), full.summary["not_modified"]) == (REVIEWS, 0)


def test_full_run_keeps_the_date_modified_of_the_edit(runs: dict[str, Run]) -> None:
    (edited,) = runs["edited"].records
    again = {r["canonical_url"]: r for r in runs["full"].records}[EDITED]
    assert again["date_modified"] == edited["date_modified"]


def test_what_a_killed_run_wrote_is_not_trusted(sites: tuple[Path, str], tmp_path: Path) -> None:
    """A run that left no summary (no runs row: killed) published no feed: the next run fetches
    and exports its reviews again, although the database holds them and their validators."""
    _, proxy = sites
    crawl(tmp_path, proxy, "-a", "site=headphonesthoughts")
    with sqlite3.connect(tmp_path / "reviewcrawl.sqlite3") as conn:
        conn.execute("DELETE FROM runs")
    again = crawl(tmp_path, proxy, "-a", "site=headphonesthoughts")
    assert (len(again.records), again.summary["not_modified"]) == (3, 0)


def test_jobdir_still_works(sites: tuple[Path, str], tmp_path: Path) -> None:
    """A run kept in a JOBDIR (pausable) after an ordinary one: conditional requests, no export."""
    _, proxy = sites
    crawl(tmp_path, proxy, "-a", "site=reelverdict")
    again = crawl(tmp_path, proxy, "-a", "site=reelverdict", "-s", f"JOBDIR={tmp_path / 'job'}")
    assert (again.result.returncode, again.records, again.summary["unchanged"]) == (0, [], 4)
    assert again.summary["not_modified"] > 0


# -- the skipping by date, on the spider itself: sitemap lastmod and feed dates ------------------


@pytest.fixture
def spider(tmp_path: Path) -> Iterator[ReviewsSpider]:
    """The spider, with a state database where the last recorded run downloaded two review
    pages on 1 May 2025 (Sinners, lastmod 20 April, and Ballerina, lastmod 7 June)."""
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(ReviewsSpider, {"REVIEWCRAWL_DATA_DIR": str(tmp_path)})
    crawler.spider = spider = ReviewsSpider.from_crawler(crawler, site="prestonmoline,headphonesthoughts")
    crawler.stats.open_spider()
    store = SQLiteStore(tmp_path / "reviewcrawl.sqlite3")
    store.add_run({"run_id": "r0", "started_at": "2025-05-01T00:00:00+00:00", "status": "ok", "exit_code": 0})
    store.save_pages([{"url": u, "fetched_at": "2025-05-01T00:00:00+00:00", "run_id": "r0"}
                      for u in (SINNERS, BALLERINA, THUNDERBOLTS)])  # fmt: skip
    spider.page_state = store
    yield spider
    store.close()


SINNERS = "http://prestonmoline.example/2025/04/20/sinners.html"
BALLERINA = "http://prestonmoline.example/2025/06/07/ballerina.html"
MICKEY = "http://prestonmoline.example/2025/03/09/mickey-17.html"  # never downloaded
THUNDERBOLTS = "http://headphonesthoughts.example/archives/1164/"  # pubDate 4 May 2025


def test_sitemap_lastmod_not_newer_than_the_last_download_is_skipped(spider: ReviewsSpider) -> None:
    from scrapy.utils.sitemap import Sitemap

    sitemap = Sitemap((SITES / "prestonmoline.example" / "sitemap.xml").read_bytes())
    assert [e["loc"] for e in spider.sitemap_filter(sitemap) if e["loc"].endswith(".html")] == [BALLERINA, MICKEY]


def test_sitemap_lastmod_skips_review_pages_only(spider: ReviewsSpider) -> None:
    """A listing page is asked for whatever its date: it changes when a review is added."""
    from scrapy.utils.sitemap import Sitemap

    body = b"""<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://prestonmoline.example/category/movie/</loc><lastmod>2025-01-01</lastmod></url>
<url><loc>http://prestonmoline.example/2025/04/20/sinners.html</loc><lastmod>2025-01-01</lastmod></url></urlset>"""
    spider.page_state.save_pages([{"url": "http://prestonmoline.example/category/movie/",  # type: ignore[union-attr]
                                   "fetched_at": "2025-05-01T00:00:00+00:00", "run_id": "r0"}])  # fmt: skip
    assert [e["loc"] for e in spider.sitemap_filter(Sitemap(body))] == ["http://prestonmoline.example/category/movie/"]


def test_full_skips_nothing(spider: ReviewsSpider) -> None:
    from scrapy.utils.sitemap import Sitemap

    spider.full = True
    sitemap = Sitemap((SITES / "prestonmoline.example" / "sitemap.xml").read_bytes())
    assert len([e for e in spider.sitemap_filter(sitemap) if e["loc"].endswith(".html")]) == 3


@pytest.mark.parametrize(
    ("feed", "expected"),
    [
        ("prestonmoline.example/feed.xml", [BALLERINA, MICKEY]),  # Atom <updated>: Sinners skipped
        ("headphonesthoughts.example/feed/index.xml", [  # RSS <pubDate>: 4 May is after 1 May
            "http://headphonesthoughts.example/archives/1164/", "http://headphonesthoughts.example/archives/1187/",
            "http://headphonesthoughts.example/archives/1203/"]),
    ],
)  # fmt: skip
def test_feed_entries_not_newer_than_the_last_download_are_skipped(
    spider: ReviewsSpider, feed: str, expected: list[str]
) -> None:
    from scrapy.http import XmlResponse

    url = "http://" + feed.replace("index.xml", "")
    response = XmlResponse(url, body=(SITES / feed).read_bytes())
    assert sorted(r.url for r in spider.parse_feed(response)) == sorted(expected)


def test_conditional_headers_follow_the_url_not_the_redirect(spider: ReviewsSpider) -> None:
    """A redirect copies the request's headers and meta: the new URL must not carry the old
    one's validators (its 304 would replay another page's links)."""
    from scrapy import Request

    from reviewcrawl.incremental import ConditionalRequestMiddleware

    spider.page_state.save_pages([{"url": SINNERS, "etag": '"abc"', "fetched_at": "2025-05-01T00:00:00+00:00",  # type: ignore[union-attr]
                                   "run_id": "r0", "links": []}])  # fmt: skip
    mw = ConditionalRequestMiddleware.from_crawler(spider.crawler)
    request = Request(SINNERS, callback=spider.parse_page)
    mw.process_request(request)
    assert (request.headers.get("If-None-Match"), request.meta["handle_httpstatus_list"]) == (b'"abc"', [304])
    redirected = request.replace(url=MICKEY)
    mw.process_request(redirected)
    assert (redirected.headers.get("If-None-Match"), redirected.meta.get("reviewcrawl_page_state")) == (None, None)


# -- what counts as changed: the DatabasePipeline against the stored record ---------------------


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[DatabasePipeline, SQLiteStore]]:
    """A DatabasePipeline over a state database holding one review, exported by run r0."""
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(settings_dict={"REVIEWCRAWL_DATA_DIR": str(tmp_path)})
    crawler.stats.open_spider()
    store = SQLiteStore(tmp_path / "reviewcrawl.sqlite3")
    store.upsert([asdict(stored_review())])
    store.add_run({"run_id": "r0", "started_at": "2026-11-21T03:00:00+00:00", "status": "ok", "exit_code": 0})
    pipeline = DatabasePipeline.from_crawler(crawler)
    pipeline.open_spider()
    yield pipeline, store
    pipeline.close_spider()
    store.close()


def stored_review(**changes: object) -> Review:
    review = Review(url="http://x.example/r/", canonical_url="http://x.example/r/", site="x", title="T",
                    text="The text.", rating={"value": 4.0, "best": 5.0, "worst": 0.0, "normalized": 0.8, "raw": "4/5"},
                    fetched_at="2026-11-21T03:00:00+00:00", run_id="r0")  # fmt: skip
    return replace(review, **changes)  # type: ignore[arg-type]


def seen_again(**changes: object) -> Review:
    return stored_review(fetched_at="2026-11-22T03:00:00+00:00", run_id="r1", **changes)


def test_the_same_content_is_not_exported(database: tuple[DatabasePipeline, SQLiteStore]) -> None:
    from scrapy.exceptions import DropItem

    pipeline, _ = database
    with pytest.raises(DropItem, match="unchanged"):
        sync(pipeline.process_item(seen_again()))
    assert pipeline.stats.get_value("reviewcrawl/sites/x/unchanged") == 1


@pytest.mark.parametrize(
    "change",
    [{"text": "The text, edited."}, {"title": "T2"}, {"author": "someone"},
     {"rating": {"value": 3.0, "best": 5.0, "worst": 0.0, "normalized": 0.6, "raw": "3/5"}}],
)  # fmt: skip
def test_a_change_is_exported_with_the_fetch_time_as_date_modified(
    database: tuple[DatabasePipeline, SQLiteStore], change: dict
) -> None:
    pipeline, _ = database
    out = sync(pipeline.process_item(seen_again(**change)))
    assert (out.canonical_url, out.date_modified) == ("http://x.example/r/", "2026-11-22T03:00:00+00:00")


def test_a_change_keeps_the_pages_own_date_modified(database: tuple[DatabasePipeline, SQLiteStore]) -> None:
    pipeline, _ = database
    out = sync(pipeline.process_item(seen_again(text="Edited.", date_modified="2026-11-21")))
    assert out.date_modified == "2026-11-21"


def test_a_new_review_gets_no_invented_date_modified(database: tuple[DatabasePipeline, SQLiteStore]) -> None:
    pipeline, _ = database
    out = sync(pipeline.process_item(seen_again(canonical_url="http://x.example/new/", url="http://x.example/new/")))
    assert out.date_modified is None


def test_a_review_stored_by_an_unrecorded_run_is_exported(database: tuple[DatabasePipeline, SQLiteStore]) -> None:
    pipeline, store = database
    store.conn.execute("DELETE FROM runs")
    assert sync(pipeline.process_item(seen_again())).canonical_url == "http://x.example/r/"
