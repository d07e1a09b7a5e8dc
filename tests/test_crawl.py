"""End to end: `scrapy crawl reviews` in a subprocess against the sample sites on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from reviewcrawl.items import REVIEW_FIELDS
from reviewcrawl.pipelines import load_schema

from .conftest import read_jsonl, run_scrapy, sync

SEED_000 = "http://prestonmoline.example/2025/06/07/ballerina.html"
SEED_001 = "http://reelverdict.example/ballerina-2025-review/"
SEED_002 = "http://headphonesthoughts.example/archives/1187/"
COPIES = {
    "http://reviewroundup.example/reviews/ballerina-prestonmoline/": SEED_000,
    "http://reviewroundup.example/reviews/ballerina-2025-reelverdict/": SEED_001,
    "http://reviewroundup.example/digest/ballerina-2025/": SEED_001,
    "http://reviewroundup.example/reviews/ballerina-headphonesthoughts/": SEED_002,
}
ORIGINALS = {
    SEED_000, SEED_001, SEED_002,
    "http://prestonmoline.example/2025/03/09/mickey-17.html",
    "http://prestonmoline.example/2025/04/20/sinners.html",
    "http://reelverdict.example/john-wick-chapter-4-2023-review/",
    "http://reelverdict.example/nobody-2021-review/",
    "http://reelverdict.example/atomic-blonde-2017-review/",
    "http://headphonesthoughts.example/archives/1164/",
    "http://headphonesthoughts.example/archives/1203/",
}  # fmt: skip


def crawl(data_dir: Path, proxy: str, *extra: str) -> list[dict]:
    result = run_scrapy(
        ["crawl", "reviews", "-s", f"REVIEWCRAWL_DATA_DIR={data_dir}", "-s", "DOWNLOAD_DELAY=0",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO", *extra],
        proxy=proxy,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    feeds = sorted((data_dir / "feeds").glob("reviews-*.jsonl"), key=lambda p: p.stat().st_mtime)
    assert feeds, result.stderr[-3000:]
    return read_jsonl(feeds[-1])


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory: pytest.TempPathFactory, demo_proxy: str) -> tuple[Path, list[dict]]:
    data_dir = tmp_path_factory.mktemp("data")
    return data_dir, crawl(data_dir, demo_proxy)


def by_url(records: list[dict]) -> dict[str, dict]:
    return {r["canonical_url"]: r for r in records}


def test_every_review_page_once_and_nothing_else(full_crawl: tuple[Path, list[dict]]) -> None:
    _, records = full_crawl
    urls = [r["canonical_url"] for r in records]
    assert sorted(urls) == sorted(ORIGINALS | set(COPIES))


def test_seed_000_facts(full_crawl: tuple[Path, list[dict]]) -> None:
    r = by_url(full_crawl[1])[SEED_000]
    assert (r["title"], r["author"], r["date_published"][:10], r["rating"]["value"], r["rating"]["best"], r["duplicate_of"]) == (
        "Ballerina", "prestonmoline", "2025-06-07", 4.0, 5.0, None)  # fmt: skip


def test_seed_001_facts(full_crawl: tuple[Path, list[dict]]) -> None:
    r = by_url(full_crawl[1])[SEED_001]
    assert r["title"].startswith("From the World of John Wick: Ballerina (2025)")
    assert (r["rating"]["value"], r["rating"]["best"], r["duplicate_of"]) == (8.8, 10.0, None)


def test_seed_002_facts(full_crawl: tuple[Path, list[dict]]) -> None:
    r = by_url(full_crawl[1])[SEED_002]
    assert (r["author"], r["rating"]["value"], r["rating"]["best"], r["duplicate_of"]) == (
        "headphonesthoughts",
        3.5,
        5.0,
        None,
    )


def test_copies_marked_duplicate_of_their_original(full_crawl: tuple[Path, list[dict]]) -> None:
    records = by_url(full_crawl[1])
    assert {u: records[u]["duplicate_of"] for u in COPIES} == COPIES


def test_no_original_is_marked_a_copy(full_crawl: tuple[Path, list[dict]]) -> None:
    records = by_url(full_crawl[1])
    assert [u for u in ORIGINALS if records[u]["duplicate_of"]] == []


def test_every_line_validates_against_the_schema(full_crawl: tuple[Path, list[dict]]) -> None:
    validator = Draft202012Validator(load_schema())
    errors = [f"{r['url']}: {e.message}" for r in full_crawl[1] for e in validator.iter_errors(r)]
    assert errors == []


def test_field_order_is_the_contract(full_crawl: tuple[Path, list[dict]]) -> None:
    assert all(tuple(r) == REVIEW_FIELDS for r in full_crawl[1])


def test_sqlite_holds_the_same_records_and_a_rerun_adds_none(
    full_crawl: tuple[Path, list[dict]], demo_proxy: str
) -> None:
    data_dir, records = full_crawl
    db = data_dir / "reviewcrawl.sqlite3"

    def rows() -> dict[str, tuple]:
        with sqlite3.connect(db) as conn:
            return {
                r[0]: r[1:]
                for r in conn.execute("SELECT canonical_url, title, rating_value, duplicate_of FROM reviews")
            }

    first = rows()
    assert first == {
        r["canonical_url"]: (r["title"], (r["rating"] or {}).get("value"), r["duplicate_of"]) for r in records
    }
    crawl(data_dir, demo_proxy)
    assert rows() == first


def test_a_partial_rerun_keeps_the_links_in_the_database(tmp_path: Path, demo_proxy: str) -> None:
    crawl(tmp_path, demo_proxy)
    crawl(tmp_path, demo_proxy, "-a", "site=reviewroundup")
    with sqlite3.connect(tmp_path / "reviewcrawl.sqlite3") as conn:
        links = dict(conn.execute("SELECT canonical_url, duplicate_of FROM reviews WHERE site = 'reviewroundup'"))
    assert links == COPIES


def test_a_partial_rerun_links_copies_in_its_feed(tmp_path: Path, demo_proxy: str) -> None:
    """The originals' sites one night, the aggregator the next: its copies link to them."""
    crawl(tmp_path, demo_proxy, "-a", "site=prestonmoline,reelverdict,headphonesthoughts")
    records = crawl(tmp_path, demo_proxy, "-a", "site=reviewroundup")
    assert {r["canonical_url"]: r["duplicate_of"] for r in records} == COPIES


def test_a_copy_crawled_first_gives_way_to_the_preferred_original(tmp_path: Path, demo_proxy: str) -> None:
    """The aggregator crawled alone first: its copies are the first seen. The originals' sites
    are preferred, so when they are crawled the next night, they become the originals."""
    first = crawl(tmp_path, demo_proxy, "-a", "site=reviewroundup")
    assert sorted(r["canonical_url"] for r in first) == sorted(COPIES)
    # the digest (an excerpt, dated 14 June) and the full copy (13 June) of one review: whichever
    # came first, the earlier-dated is the original and the other its copy
    with sqlite3.connect(tmp_path / "reviewcrawl.sqlite3") as conn:
        table = dict(conn.execute("SELECT copy_url, original_url FROM duplicates"))
    digest = "http://reviewroundup.example/digest/ballerina-2025/"
    assert table == {digest: "http://reviewroundup.example/reviews/ballerina-2025-reelverdict/"}
    second = crawl(tmp_path, demo_proxy)
    assert [r["canonical_url"] for r in second if r["duplicate_of"] and r["canonical_url"] in ORIGINALS] == []
    with sqlite3.connect(tmp_path / "reviewcrawl.sqlite3") as conn:
        links = dict(conn.execute("SELECT canonical_url, duplicate_of FROM reviews WHERE site = 'reviewroundup'"))
        table = dict(conn.execute("SELECT copy_url, original_url FROM duplicates"))
    assert links == COPIES
    assert table == COPIES


def test_copies_linked_through_a_redis_index(tmp_path: Path, demo_proxy: str, redis_url: str) -> None:
    """Workers on several machines share the index in Redis; one crawl shows the wiring."""
    records = crawl(tmp_path, demo_proxy, "-s", f"REVIEWCRAWL_DEDUP_STORAGE={redis_url}")
    assert {r["canonical_url"]: r["duplicate_of"] for r in records if r["duplicate_of"]} == COPIES
    again = crawl(
        tmp_path / "elsewhere", demo_proxy, "-a", "site=reviewroundup", "-s", f"REVIEWCRAWL_DEDUP_STORAGE={redis_url}"
    )
    assert {r["canonical_url"]: r["duplicate_of"] for r in again} == COPIES  # another machine's data directory


def test_drop_mode_exports_no_copy_and_lists_them(tmp_path: Path, demo_proxy: str) -> None:
    records = crawl(tmp_path, demo_proxy, "-s", "REVIEWCRAWL_DUPLICATES=drop")
    assert sorted(r["canonical_url"] for r in records) == sorted(ORIGINALS)
    with sqlite3.connect(tmp_path / "reviewcrawl.sqlite3") as conn:
        table = {r[0]: r[1:] for r in conn.execute("SELECT copy_url, original_url, dropped FROM duplicates")}
    assert table == {copy: (original, 1) for copy, original in COPIES.items()}


def test_one_site_by_profile(tmp_path: Path, demo_proxy: str) -> None:
    records = crawl(tmp_path, demo_proxy, "-a", "site=headphonesthoughts")
    assert sorted(r["canonical_url"] for r in records) == sorted(u for u in ORIGINALS if "headphonesthoughts" in u)


def test_any_site_by_url_discovers_reviews_only(tmp_path: Path, demo_proxy: str) -> None:
    """No profile: robots.txt, sitemaps and links find pages; the extractor keeps the reviews."""
    records = crawl(tmp_path, demo_proxy, "-a", "url=http://reelverdict.example/")
    assert sorted(r["canonical_url"] for r in records) == sorted(u for u in ORIGINALS if "reelverdict" in u)


def test_unknown_site_fails_clearly(tmp_path: Path) -> None:
    result = run_scrapy(["crawl", "reviews", "-a", "site=nosuchsite", "-s", f"REVIEWCRAWL_DATA_DIR={tmp_path}"])
    assert result.returncode != 0 and "unknown site profile" in result.stderr


def test_scrapy_demo(tmp_path: Path) -> None:
    result = run_scrapy(["demo", "-s", f"REVIEWCRAWL_DATA_DIR={tmp_path}"])
    assert result.returncode == 0, result.stderr[-3000:]
    assert "14 reviews (4 near-copies), 0 errors" in result.stdout
    feed = Path(result.stdout.split("feed:")[1].split()[0])
    assert len(read_jsonl(feed)) == 14
    # the next night, against the same data directory: the same copies, linked to the same originals
    again = run_scrapy(["demo", "-s", f"REVIEWCRAWL_DATA_DIR={tmp_path}"])
    assert "14 reviews (4 near-copies), 0 errors" in again.stdout, again.stdout + again.stderr[-3000:]
    feed = Path(again.stdout.split("feed:")[1].split()[0])
    assert {r["canonical_url"]: r["duplicate_of"] for r in read_jsonl(feed) if r["duplicate_of"]} == COPIES


def test_errors_feed_gets_invalid_records(tmp_path: Path) -> None:
    """A record failing the schema is exported to the errors feed with its reason, never lost."""
    from scrapy.utils.test import get_crawler

    from reviewcrawl.items import Rejected, Review
    from reviewcrawl.pipelines import ValidatePipeline

    crawler = get_crawler(settings_dict={})
    pipeline = ValidatePipeline.from_crawler(crawler)
    bad = Review(url="http://x.example/r", canonical_url="http://x.example/r", site="x", title="T",
                 date_published="07/06/2025", fetched_at="2026-11-22T12:00:00+00:00", run_id="r1")  # fmt: skip
    out = pipeline.process_item(bad)
    assert isinstance(out, Rejected) and out.kind == "schema" and out.reason.startswith("date_published:")
    assert json.loads(json.dumps(out.record))["title"] == "T"


def test_redirects_and_404s_are_followed_but_make_no_record(tmp_path: Path, demo_proxy: str) -> None:
    result = run_scrapy(
        ["crawl", "reviews", "-a", "site=headphonesthoughts", "-s", f"REVIEWCRAWL_DATA_DIR={tmp_path}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"],
        proxy=demo_proxy,
    )  # fmt: skip
    assert "Ignoring response <404 http://headphonesthoughts.example/archives/999/>" in result.stderr
    assert "'downloader/response_status_count/301'" in result.stderr
    records = read_jsonl(next((tmp_path / "feeds").glob("reviews-*.jsonl")))
    assert sorted(r["url"] for r in records) == sorted(u for u in ORIGINALS if "headphonesthoughts" in u)


def test_the_redis_index_going_away_costs_no_record(tmp_path: Path) -> None:
    """A Redis of our own on a free port, killed between two reviews: the second is exported
    without its near-copy check, and the run counts the failure."""
    import shutil
    import socket
    import subprocess
    import time

    from scrapy.utils.test import get_crawler

    from reviewcrawl.items import Review
    from reviewcrawl.pipelines import NearDuplicatePipeline

    from .conftest import need_service

    server = shutil.which("redis-server")
    if server is None:
        need_service("redis-server (the binary)", FileNotFoundError("redis-server"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(server), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(100):  # bounded: up to 5 s for the server to listen
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        crawler = get_crawler(settings_dict={"REVIEWCRAWL_DATA_DIR": str(tmp_path),
                                             "REVIEWCRAWL_DEDUP_STORAGE": f"redis://127.0.0.1:{port}/0"})  # fmt: skip
        crawler.stats.open_spider()
        pipeline = NearDuplicatePipeline.from_crawler(crawler)
        pipeline.open_spider()
        text = " ".join(f"word{i} of the review" for i in range(200))

        def review(n: int) -> Review:
            return Review(url=f"http://x.example/{n}", canonical_url=f"http://x.example/{n}", site="x",
                          title="T", text=text, run_id="r1", fetched_at="2026-11-22T12:00:00+00:00")  # fmt: skip

        assert pipeline.process_item(review(1)).duplicate_of is None
        assert pipeline.process_item(review(2)).duplicate_of == "http://x.example/1"
        proc.kill()
        proc.wait(10)
        third = pipeline.process_item(review(3))
        assert third.canonical_url == "http://x.example/3" and third.duplicate_of is None
        assert crawler.stats.get_value("reviewcrawl/errors/near_copy_index") == 1
        pipeline.close_spider()
    finally:
        proc.kill()
        proc.wait(10)


class _Runs:
    """The near-copy and database pipelines in this process, one run after another, on one data
    directory: what a crawl does with its reviews, without the crawl."""

    def __init__(self, data_dir: Path, mode: str = "mark") -> None:
        self.data_dir, self.mode, self.n = data_dir, mode, 0

    def run(self, *reviews: tuple[str, str, str | None]) -> dict[str, str | None]:
        from scrapy.exceptions import DropItem
        from scrapy.utils.test import get_crawler

        from reviewcrawl.items import Review
        from reviewcrawl.pipelines import DatabasePipeline, NearDuplicatePipeline

        self.n += 1
        crawler = get_crawler(
            settings_dict={"REVIEWCRAWL_DATA_DIR": str(self.data_dir), "REVIEWCRAWL_DUPLICATES": self.mode}
        )
        crawler.stats.open_spider()
        near, db = NearDuplicatePipeline.from_crawler(crawler), DatabasePipeline.from_crawler(crawler)
        near.open_spider()
        db.open_spider()
        out: dict[str, str | None] = {}
        for url, text, published in reviews:
            item = Review(url=url, canonical_url=url, site=url.split("/")[2], title="T", text=text,
                          date_published=published, run_id=f"r{self.n}", fetched_at="2026-11-22T12:00:00+00:00")  # fmt: skip
            try:
                out[url] = sync(db.process_item(near.process_item(item))).duplicate_of
            except DropItem as exc:
                out[url] = "dropped" if "near-copy" in str(exc) else "unchanged"
        db.close_spider()  # Scrapy closes pipelines in reverse order
        near.close_spider()
        with sqlite3.connect(self.data_dir / "reviewcrawl.sqlite3") as conn:  # what a finished run records
            conn.execute("INSERT INTO runs (run_id, started_at, status, exit_code, summary) VALUES (?, 'x', 'ok', 0, '{}')",
                         (f"r{self.n}",))  # fmt: skip
        return out

    def table(self, sql: str) -> dict[str, str | None]:
        with sqlite3.connect(self.data_dir / "reviewcrawl.sqlite3") as conn:
            return dict(conn.execute(sql))


SEED_TEXT = (Path(__file__).resolve().parent.parent / "reviewcrawl/demo/content/seed-001-ballerina-seo.txt").read_text()


def test_a_copy_that_turns_out_earlier_becomes_the_original_and_no_copy_of_itself(tmp_path: Path) -> None:
    runs = _Runs(tmp_path)
    assert runs.run(("http://a.example/O", SEED_TEXT, "2024-05-10"), ("http://b.example/X", "Header\n" + SEED_TEXT, None)) == {
        "http://a.example/O": None, "http://b.example/X": "http://a.example/O"}  # fmt: skip
    runs.run(("http://b.example/X", "Header\n" + SEED_TEXT, "2024-05-01"))  # X's page now shows an earlier date
    assert runs.table("SELECT copy_url, original_url FROM duplicates") == {"http://a.example/O": "http://b.example/X"}
    assert runs.table("SELECT canonical_url, duplicate_of FROM reviews") == {
        "http://a.example/O": "http://b.example/X", "http://b.example/X": None}  # fmt: skip


def test_links_found_while_reviews_wait_in_the_database_batch_reach_the_database(tmp_path: Path) -> None:
    runs = _Runs(tmp_path)
    # then 100 more copies, so that the links are written while O and C still wait in the batch
    filler = [(f"http://{site}.example/{i}", " ".join(f"word{i}x{j}" for j in range(80)), None)
              for i in range(100) for site in ("f", "g")]  # fmt: skip
    runs.run(("http://a.example/O", SEED_TEXT, "2024-05-10"), ("http://c.example/C", "Ad\n" + SEED_TEXT, None),
             ("http://b.example/X", "Header\n" + SEED_TEXT, "2024-05-01"), *filler)  # fmt: skip
    want = {"http://a.example/O": "http://b.example/X", "http://c.example/C": "http://b.example/X"}
    assert {
        k: v for k, v in runs.table("SELECT copy_url, original_url FROM duplicates").items() if "/a." in k or "/c." in k
    } == want
    want |= {f"http://g.example/{i}": f"http://f.example/{i}" for i in range(100)}
    assert {k: v for k, v in runs.table("SELECT canonical_url, duplicate_of FROM reviews").items() if v} == want


def test_drop_mode_drops_an_original_displaced_in_an_earlier_run(tmp_path: Path) -> None:
    runs = _Runs(tmp_path, mode="drop")
    runs.run(("http://a.example/O", SEED_TEXT, "2024-05-10"))
    assert runs.run(("http://b.example/X", "Header\n" + SEED_TEXT, "2024-05-01")) == {"http://b.example/X": None}
    changed = SEED_TEXT.replace("Ballerina", "Ballerina (2025)", 1)  # O's page changed: exported again?
    assert runs.run(("http://a.example/O", changed, "2024-05-10")) == {"http://a.example/O": "dropped"}


def test_a_malformed_link_in_a_feed_costs_no_other_link() -> None:
    from scrapy.http import XmlResponse

    from reviewcrawl.spiders.reviews import _join

    feed = XmlResponse("http://reelverdict.example/feed/", body=b"<rss/>")
    assert _join(feed, "http://[::1") is None
    assert _join(feed, "/nobody-2021-review/") == "http://reelverdict.example/nobody-2021-review/"


@pytest.mark.parametrize("url", [SEED_000, SEED_001, SEED_002, "http://prestonmoline.example/category/movie/"])
def test_a_page_is_parsed_once_and_yields_the_links_scrapy_finds(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """One HTML parse per page (issue 8): the spider parses the page for its links, the
    ExtractPipeline reads the same tree; the links are those Scrapy's LinkExtractor finds in
    the response parsed its own way (parsel)."""
    from lxml import etree
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.linkextractors import LinkExtractor
    from scrapy.utils.test import get_crawler

    from reviewcrawl.items import Page
    from reviewcrawl.pipelines import ExtractPipeline
    from reviewcrawl.spiders.reviews import ReviewsSpider

    from .conftest import demo_page

    def response() -> HtmlResponse:
        return HtmlResponse(url, body=demo_page(url), headers={"Content-Type": "text/html; charset=utf-8"},
                            request=Request(url))  # fmt: skip

    crawler = get_crawler(ReviewsSpider, {"REVIEWCRAWL_DATA_DIR": "/nonexistent"})
    crawler.spider = spider = ReviewsSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    pipeline = ExtractPipeline.from_crawler(crawler)
    parses = []
    fromstring = etree.fromstring
    monkeypatch.setattr(etree, "fromstring", lambda *a, **kw: parses.append(1) or fromstring(*a, **kw))
    outputs = list(spider._parse_page(response()))
    pages = [o for o in outputs if isinstance(o, Page)]
    for page in pages:
        pipeline.process_item(page)
    assert (len(parses), len(pages)) == (1, url != "http://prestonmoline.example/category/movie/")
    monkeypatch.undo()
    profile = spider._profile(url)
    assert profile is not None
    expected = {link.url for link in LinkExtractor().extract_links(response())
                if profile.owns(link.url) and not profile.denies(link.url)}  # fmt: skip
    assert {o.url for o in outputs if isinstance(o, Request)} >= expected and expected
