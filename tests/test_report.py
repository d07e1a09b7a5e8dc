"""The run report (reviewcrawl/report/, `scrapy report`, REVIEWCRAWL_REPORT) on the demo's real
crawl: one `scrapy demo` for the module, its rows copied into SQLite and PostgreSQL for the
queries, the command's errors, the hook beside the feed, and the page in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from reviewcrawl.report import UnknownRun, build_report, parse_since
from reviewcrawl.report.data import gather
from reviewcrawl.storage import Store, open_database

from .conftest import read_jsonl, run_scrapy
from .test_storage import PAGES, pg_admin, pg_schema_url, record  # noqa: F401  (pg_admin: a fixture)

#: the demo's sites: (originals, near-copies of other sites' reviews)
DEMO_SITES = {"headphonesthoughts": (3, 0), "prestonmoline": (3, 0), "reelverdict": (4, 0), "reviewroundup": (0, 4)}
#: every chart the demo's report draws (the demo's 404s give the errors chart)
DEMO_CHARTS = {"reviews-per-site", "reviews-per-day", "ratings", "fill-rates", "near-copies", "errors", "runs"}
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


@dataclass(frozen=True)
class Demo:
    data_dir: Path
    stdout: str
    run_id: str
    feed: Path
    report: Path

    @property
    def database(self) -> str:
        return f"sqlite:///{self.data_dir / 'reviewcrawl.sqlite3'}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """One real `scrapy demo` (REVIEWCRAWL_REPORT is on for it) for the whole module."""
    data_dir = tmp_path_factory.mktemp("demo")
    result = run_scrapy(["demo", "-s", f"REVIEWCRAWL_DATA_DIR={data_dir}"])
    assert result.returncode == 0, result.stderr[-3000:]
    run_id = re.search(r"^run (\S+):", result.stdout, re.M).group(1)  # type: ignore[union-attr]
    return Demo(data_dir, result.stdout, run_id, data_dir / "feeds" / f"reviews-{run_id}.jsonl",
                data_dir / "feeds" / f"report-{run_id}.html")  # fmt: skip


def copy_demo(demo: Demo, store: Store) -> None:
    """The demo's reviews, near-copy links and run into another database, through the Store."""
    store.load(read_jsonl(demo.feed))
    with sqlite3.connect(demo.data_dir / "reviewcrawl.sqlite3") as src:
        src.row_factory = sqlite3.Row
        store.add_duplicates([dict(r) for r in src.execute("SELECT * FROM duplicates ORDER BY found_at, copy_url")])
    store.add_run(json.loads((demo.data_dir / "feeds" / f"run-{demo.run_id}.json").read_text()))


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_store(request: pytest.FixtureRequest, demo: Demo, tmp_path: Path) -> Iterator[Store]:
    """A fresh database of each backend holding what the demo's crawl stored."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'copy.sqlite3'}", None
    else:
        admin = request.getfixturevalue("pg_admin")
        drop, url = pg_schema_url(admin)
    store = open_database(url)
    copy_demo(demo, store)
    yield store
    store.close()
    if drop:
        request.getfixturevalue("pg_admin").execute(f"DROP SCHEMA {drop} CASCADE")


def charts_of(page: str) -> set[str]:
    return set(re.findall(r'<figure class="chart" data-chart="([^"]+)"><svg ', page))


def external_references(page: str) -> list[str]:
    """Everything in the page a browser would fetch: src attributes, stylesheets, scripts with a
    src, @import and url() in styles, hrefs other than links (<a>) and in-page references (#id)."""
    tree = lxml_html.fromstring(page)
    found = [f"{el.tag} src={el.get('src')}" for el in tree.iter() if el.get("src") is not None]
    found += [f"link {el.get('href')}" for el in tree.iter("link")]
    for el in tree.iter():
        for name, value in el.attrib.items():
            if name.endswith("href") and el.tag != "a" and not value.startswith("#"):
                found.append(f"{el.tag} {name}={value}")
    styles = " ".join(tree.xpath("//style/text()") + tree.xpath("//@style"))
    found += re.findall(r"@import[^;]*|url\((?!#)[^)]*\)", styles)
    return found


# -- the crawl's hook: scrapy demo leaves the report beside its feed -------------------------------


def test_scrapy_demo_leaves_its_report_beside_the_feed_and_prints_its_path(demo: Demo) -> None:
    assert f"report:   {demo.report}\n" in demo.stdout
    assert demo.report.parent == demo.feed.parent and demo.feed.is_file()
    page = demo.report.read_text(encoding="utf-8")
    assert charts_of(page) == DEMO_CHARTS
    for review in read_jsonl(demo.feed):  # every seed review listed, near-copies with their original
        assert (f'href="{review["url"]}"') in page
        if review["duplicate_of"]:
            assert f">{review['duplicate_of']}</a>" in page
    for site in DEMO_SITES:  # the sample sites' fill rates, with the signal that filled them
        assert re.search(rf"<tr><td>{site}</td><td class=\"n\" data-sort=\"\d+\">\d+</td>"
                         r"(<td class=\"n\" data-sort=\"[\d.]+\">\d+%(<br><span class=src>[^<]+</span>)?</td>){5}</tr>",
                         page), site  # fmt: skip
    assert "jsonld 100%" in page and "reviewroundup copies reelverdict" in page
    assert external_references(page) == []


def test_a_report_that_cannot_be_written_costs_the_run_nothing(tmp_path: Path, demo_proxy: str) -> None:
    run_id = "20261122T050002Z-beef"
    (tmp_path / "feeds" / f"report-{run_id}.html" / "in-the-way").mkdir(parents=True)  # a directory holds its name
    result = run_scrapy(["crawl", "reviews", "-a", "site=prestonmoline", "-a", f"run_id={run_id}", "-s",
                         f"REVIEWCRAWL_DATA_DIR={tmp_path}", "-s", "REVIEWCRAWL_REPORT=True", *FAST], proxy=demo_proxy)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if "report" in line and "not written" in line]
    assert len(lines) == 1 and "ERROR" in lines[0] and "Traceback" not in result.stderr, result.stderr[-3000:]
    assert len(read_jsonl(tmp_path / "feeds" / f"reviews-{run_id}.jsonl")) == 3
    summary = json.loads((tmp_path / "feeds" / f"run-{run_id}.json").read_text())
    assert summary["status"] == "ok" and summary["published"]


# -- what the report counts, on both backends -----------------------------------------------------


def test_the_report_counts_the_demo_on_both_backends(demo: Demo, demo_store: Store) -> None:
    data = gather(demo_store)
    assert data.per_site == DEMO_SITES and data.reviews == 14 and data.near_copies == 4
    assert sum(data.per_day[day][site] for day in data.per_day for site in DEMO_SITES) == 14
    assert {site: len(r) for site, r in data.ratings.items()} == {s: a + b for s, (a, b) in DEMO_SITES.items()}
    assert all(0 <= v <= 1 for r in data.ratings.values() for v in r)
    preston = data.fill["prestonmoline"]
    assert preston.reviews == 3 and preston.rate("date") == 1 and preston.sources["date"] == {"jsonld": 3}
    assert data.fill["reelverdict"].rate("author") == 0 and data.fill["reelverdict"].sources["rating"] == {"jsonld": 4}
    assert data.copy_pairs == {("reviewroundup", "reelverdict"): 2, ("reviewroundup", "headphonesthoughts"): 1,
                               ("reviewroundup", "prestonmoline"): 1}  # fmt: skip
    first = data.clusters[0]
    assert first.url == "http://reelverdict.example/ballerina-2025-review/" and first.title
    assert len(first.copies) == 2 and all(c.site == "reviewroundup" and 0 < c.similarity <= 1 for c in first.copies)
    assert data.errors["http"] == {"404": 5} and data.faults["http_4xx"][0] == 5
    assert len(data.faults["http_4xx"][1]) == 5 and all(u.startswith("http://") for u in data.faults["http_4xx"][1])
    (run,) = data.runs
    assert (run["run_id"], run["pages"], run["reviews"], run["errors"]) == (demo.run_id, 70, 14, 5)
    assert run["duration"] is not None and run["duration"] >= 0


def test_the_same_rows_make_the_same_report_on_both_backends(demo: Demo, demo_store: Store) -> None:
    with open_database(demo.database) as crawled:
        expected = gather(crawled)
    got = gather(demo_store)
    for name in ("per_site", "per_day", "ratings", "copy_pairs", "clusters", "errors", "faults"):
        assert getattr(got, name) == getattr(expected, name), name
    assert {s: (f.reviews, f.filled, dict(f.sources)) for s, f in got.fill.items()} == {
        s: (f.reviews, f.filled, dict(f.sources)) for s, f in expected.fill.items()
    }


def test_selections_one_run_a_run_with_no_reviews_since_a_date(demo_store: Store) -> None:
    (run,) = gather(demo_store).runs
    later = {"run_id": "20991231T000000Z-0000", "started_at": "2099-12-31T00:00:00+00:00",
             "finished_at": "2099-12-31T00:01:00+00:00", "status": "ok", "exit_code": 0, "pages": 3}  # fmt: skip
    demo_store.add_run(later)
    one = gather(demo_store, run_id=run["run_id"])
    assert one.reviews == 14 and len(one.clusters) == 3 and [r["run_id"] for r in one.runs] == [run["run_id"]]
    empty = gather(demo_store, run_id=later["run_id"])  # the runs up to it, for context; nothing of its own
    assert (empty.reviews, empty.clusters, empty.errors, len(empty.runs)) == (0, [], {}, 2)
    page = build_report(demo_store, run_id=later["run_id"])
    assert "No reviews in this selection." in page and "No errors in the selected runs." in page
    assert charts_of(page) == {"runs"}
    future = gather(demo_store, since=parse_since("2099-01-01"))
    assert (future.reviews, future.near_copies, [r["run_id"] for r in future.runs]) == (0, 0, [later["run_id"]])
    assert gather(demo_store, since=parse_since("2000-01-01")).per_site == DEMO_SITES
    latest = demo_store.report_reviews(limit=3)  # the list's rows: the latest first seen
    assert len(latest) == 3 and latest[0]["first_seen"] >= latest[-1]["first_seen"]
    with pytest.raises(UnknownRun):
        gather(demo_store, run_id="20000101T000000Z-none")


def test_an_empty_database_makes_a_report_that_says_so(tmp_path: Path) -> None:
    with open_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}") as store:
        page = build_report(store)
    assert "<svg" not in page and page.count("No reviews in this selection.") >= 2 and "No runs recorded." in page
    lxml_html.fromstring(page)  # parses


def test_strings_from_the_web_are_escaped_and_never_run(tmp_path: Path) -> None:
    hostile = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
    with open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}") as store:
        changes = {
            "title": hostile,
            "author": "$x^2$ & <b>co</b>",
            "site": "<i>$site$</i>",
            "url": "javascript:alert(1)",
        }
        store.load([{**record(PAGES[0]), **changes}])
        page = build_report(store)
    assert "<script>window" not in page and "<img" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page and "$x^2$ &amp; &lt;b&gt;co&lt;/b&gt;" in page
    assert "&lt;i&gt;$site$&lt;/i&gt;" in page  # in the tables and, as text, in the charts' SVG
    assert len(re.findall(r"<script>", page)) == 1  # the page's own, which the CSP names by hash
    (tmp_path / "hostile.html").write_text(page, encoding="utf-8")


# -- scrapy report ----------------------------------------------------------------------------------


def test_scrapy_report_writes_the_file_it_names(demo: Demo, tmp_path: Path) -> None:
    out = tmp_path / "r" / "night.html"
    result = run_scrapy(["report", "--run", demo.run_id, "-o", str(out), "-s", f"REVIEWCRAWL_DATA_DIR={demo.data_dir}"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"report:   {out}\n"
    page = out.read_text(encoding="utf-8")
    assert charts_of(page) == DEMO_CHARTS and f"reviewcrawl report: run {demo.run_id}" in page


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--run", "20000101T000000Z-none"], 2, "no run '20000101T000000Z-none' in the database"),
        (["--since", "last tuesday"], 2, "not a date: 'last tuesday'"),
        (["-s", "REVIEWCRAWL_DATA_DIR={missing}"], 4, "no database at sqlite:///"),
        (["-s", "REVIEWCRAWL_DATABASE_URL=postgresql://reviews:s3cret@127.0.0.1:1/x"], 4, "Connection refused"),
    ],
)
def test_scrapy_report_says_what_is_wrong_in_one_line(
    demo: Demo, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    args = [a.format(missing=tmp_path / "nothing") for a in args]
    result = run_scrapy(
        ["report", "-s", f"REVIEWCRAWL_DATA_DIR={demo.data_dir}", *args, "-o", str(tmp_path / "r.html")]
    )
    assert result.returncode == code, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("reviewcrawl report: ") and message in line and "s3cret" not in line
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "nothing").exists()


# -- in a real browser -------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (never its own browser download)."""
    from tests.conftest import need_service

    if not os.path.exists(CHROMIUM):
        need_service(f"Chromium ({CHROMIUM})", FileNotFoundError("apt-get install chromium; .ci/run installs it"))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser: Any, path: Path) -> tuple[Any, list[str]]:
    """The file in a laptop-sized page; the console errors and uncaught exceptions it gives."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith("file:") else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems


def test_the_demo_report_renders_in_chromium_every_chart_and_no_console_error(
    demo: Demo, browser: Any, tmp_path: Path
) -> None:
    page, problems = open_page(browser, demo.report)
    sizes = page.eval_on_selector_all(
        "figure.chart", "fs => fs.map(f => { const r = f.querySelector('svg').getBoundingClientRect(); "
        "return [f.dataset.chart, r.width, r.height]; })",
    )  # fmt: skip
    assert {name for name, _, _ in sizes} == DEMO_CHARTS
    assert all(w > 300 and h > 100 for _, w, h in sizes), sizes
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # no sideways scrolling on a laptop
    # the sortable tables: the first (reviews per site) sorted by its count, descending on a second click
    header = page.locator("table.sortable").first.locator("th").nth(1)
    header.click()
    header.click()
    counts = page.locator("table.sortable").first.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert counts == sorted(counts, key=int, reverse=True) and counts[0] == "4"
    shot = page.screenshot(path=str(tmp_path / "report.png"))
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("REVIEWCRAWL_REPORT_SCREENSHOT"):  # the README's picture: docs/report.png
        page.set_viewport_size({"width": 1366, "height": 1000})
        page.screenshot(path=os.environ["REVIEWCRAWL_REPORT_SCREENSHOT"])
    page.emulate_media(media="print")
    assert page.pdf(format="A4")[:5] == b"%PDF-"
    page.close()
    assert problems == []


def test_a_hostile_title_does_not_run_in_chromium(browser: Any, tmp_path: Path) -> None:
    test_strings_from_the_web_are_escaped_and_never_run(tmp_path)
    page, problems = open_page(browser, tmp_path / "hostile.html")
    assert page.evaluate("window.pwned") is None
    assert "<script>window.pwned=1</script>" in page.locator("table").last.inner_text()
    page.close()
    assert problems == []


def test_no_report_for_a_run_that_publishes_nothing_and_none_by_default(tmp_path: Path, demo_proxy: str) -> None:
    from scrapy.utils.project import get_project_settings

    assert get_project_settings().getbool("REVIEWCRAWL_REPORT") is False  # on for scrapy demo only
    run_id = "20261122T050002Z-dead"
    (tmp_path / "feeds" / f".reviews-{run_id}.jsonl.part" / "in-the-way").mkdir(parents=True)  # no feed can be written
    result = run_scrapy(["crawl", "reviews", "-a", "site=prestonmoline", "-a", f"run_id={run_id}", "-s",
                         f"REVIEWCRAWL_DATA_DIR={tmp_path}", "-s", "REVIEWCRAWL_REPORT=True", *FAST], proxy=demo_proxy)  # fmt: skip
    assert result.returncode == 4, result.stderr[-3000:]
    summary = json.loads((tmp_path / "feeds" / f"run-{run_id}.json").read_text())
    assert summary["published"] is False
    assert not list((tmp_path / "feeds").glob("report-*")) and "report" not in result.stdout


def test_a_directory_where_the_feed_goes_is_no_published_feed(tmp_path: Path, demo_proxy: str) -> None:
    """A directory in the way of the feed's final name: the feed is not there, the run is not
    published (and gets no report)."""
    run_id = "20261122T050003Z-beef"
    (tmp_path / "feeds" / f"reviews-{run_id}.jsonl" / "in-the-way").mkdir(parents=True)
    result = run_scrapy(["crawl", "reviews", "-a", "site=prestonmoline", "-a", f"run_id={run_id}", "-s",
                         f"REVIEWCRAWL_DATA_DIR={tmp_path}", "-s", "REVIEWCRAWL_REPORT=True", *FAST], proxy=demo_proxy)  # fmt: skip
    summary = json.loads((tmp_path / "feeds" / f"run-{run_id}.json").read_text())
    assert (summary["published"], result.returncode) == (False, 4), result.stderr[-3000:]
    assert not list((tmp_path / "feeds").glob("report-*"))
