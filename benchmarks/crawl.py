"""Crawl throughput: `scrapy crawl reviews` with every pipeline against a bare spider, same site.

A generated site (benchmarks/benchsite.py, ``realistic=True``: review pages of 50-300 KB with the
sample sites' <head>s, paginated listings, a sitemap) is served on 127.0.0.1 by the sample-site
server in its own process. In the same run, for each size, two crawls of it, one after the other:

- (a) bare: the ``BareSpider`` below (``scrapy runspider``, the project's settings), which reads
  the same sitemap and start page, follows every link a LinkExtractor finds within the allowed
  domain, and yields nothing;
- (b) pipelines: ``scrapy crawl reviews -a site=bench`` with every pipeline on (extract, validate,
  near-copies, SQLite, feed) and a fresh data directory;
- spider (``--cases bare,spider,pipelines``): the same crawl with ITEM_PIPELINES={}: the reviews
  spider and the project's middlewares and extensions without the item pipelines, to tell what
  the pipelines cost from what the spider costs.

Both with no delays, no AutoThrottle, CONCURRENT_REQUESTS=16 and 16 per domain (the politeness
settings are off for the benchmark only). Measured per crawl: pages (responses received, from
Scrapy's stats), wall seconds from start to exit (start-up included), CPU seconds (user + system
of the crawl process, os.wait4) and its peak RSS (ru_maxrss); pages/s is also given over the
crawl alone (Scrapy's elapsed_time_seconds, without the process's start-up and shutdown).

    python benchmarks/crawl.py --pages 1000
    python benchmarks/crawl.py --pages 1000,5000,10000
    python benchmarks/crawl.py --pages 1000 --cases bare,spider,pipelines --rounds 3

The last line printed is ``pipelines/bare pages/s ratio: X.XX`` (of the largest size).
``--profile PATH`` runs (b) (and the spider crawl, if ``--cases`` names it) under cProfile
(``python -m cProfile -o PATH.pipelines -m scrapy crawl ...``):

    python benchmarks/crawl.py --pages 2000 --profile /tmp/crawl.prof
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import scrapy
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider

ROOT = Path(__file__).resolve().parent.parent
HOST = "bench.example"
SETTINGS = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=INFO"]  # fmt: skip


class BareSpider(SitemapSpider):
    """Follows the links the reviews spider would (sitemap, start page, every link in the
    domain) and yields nothing else."""

    name = "bare"
    allowed_domains = [HOST]  # noqa: RUF012
    sitemap_urls = [f"http://{HOST}/robots.txt"]  # noqa: RUF012
    sitemap_rules = [("", "parse_page")]  # noqa: RUF012

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.links = LinkExtractor()

    async def start(self) -> Any:
        async for request in super().start():
            yield request
        yield scrapy.Request(f"http://{HOST}/", callback=self.parse_page)

    def parse_page(self, response: Any) -> Any:
        for link in self.links.extract_links(response):
            yield scrapy.Request(link.url, callback=self.parse_page)


def run(args: list[str], env: dict[str, str], log: Path, profile: str | None = None) -> dict[str, Any]:
    """One crawl process: wall and CPU seconds, peak RSS, pages and items from its stats."""
    started = time.monotonic()
    python = [sys.executable, "-m", "cProfile", "-o", profile] if profile else [sys.executable]
    proc = subprocess.Popen([*python, "-m", "scrapy", *args, *SETTINGS, "-s", f"LOG_FILE={log}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    text = log.read_text(errors="replace")

    def stat(name: str) -> int:
        found = re.search(rf"'{re.escape(name)}': (\d+)", text)
        return int(found.group(1)) if found else 0

    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", text)

    return {"code": proc.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024,
            "crawl": float(elapsed.group(1)) if elapsed else wall, "pages": stat("response_received_count"),
            "items": stat("item_scraped_count"), "dropped": stat("item_dropped_count"),
            "bytes": stat("downloader/response_bytes")}  # fmt: skip


def measure(
    size: int, tmp: Path, proxy: str, cases: list[str], profile: str | None = None, rounds: int = 1
) -> dict[str, dict[str, Any]]:
    """Each case ``rounds`` times, interleaved (bare, pipelines, bare, pipelines...); per case the
    round with the most pages/s (load from elsewhere only ever slows a crawl down), with every
    round's pages/s and the largest peak RSS of its rounds."""
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "no_proxy") and not k.startswith("REVIEWCRAWL_")}  # fmt: skip
    env["http_proxy"] = proxy
    env["PYTHONPATH"] = str(ROOT)
    out: dict[str, dict[str, Any]] = {}
    for round_, case in ((r, c) for r in range(rounds) for c in cases):
        data = tmp / f"{case}-{size}-{round_}"
        data.mkdir()
        common = ["-s", f"REVIEWCRAWL_DATA_DIR={data}", "-s", f"REVIEWCRAWL_SITE_DIRS={tmp / 'profiles'}"]
        if case == "bare":
            args = ["runspider", str(Path(__file__).resolve()), *common]
        else:
            args = ["crawl", "reviews", "-a", "site=bench", *common]
            if case == "spider":
                args += ["-s", "ITEM_PIPELINES={}"]
        result = run(args, env, data / "crawl.log", profile and f"{profile}.{case}")
        best = out.get(case)
        result["all"] = [*(best["all"] if best else []), result["pages"] / result["wall"]]
        result["rss_max"] = max(result["rss_mb"], best["rss_max"] if best else 0)
        if best is None or result["pages"] / result["wall"] > best["pages"] / best["wall"]:
            out[case] = result
        else:
            best["all"], best["rss_max"] = result["all"], result["rss_max"]
        print(f"{size:>6} {case:<9} {result['pages']:>6} pages {result['wall']:7.1f} s "
              f"{result['pages'] / result['wall']:7.1f} pages/s ({result['pages'] / result['crawl']:.1f} in the "
              f"{result['crawl']:.1f} s of the crawl)  {result['cpu'] / max(result['pages'], 1) * 1000:6.2f} "
              f"ms CPU/page  peak RSS {result['rss_mb']:6.1f} MB  items {result['items']} dropped {result['dropped']}  "
              f"exit {result['code']}  load {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    return out


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from benchmarks.benchsite import generate
    from tests.conftest import serve_sites

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="1000", help="review pages of the site, or sizes: 1000,5000,10000")
    parser.add_argument("--cases", default="bare,pipelines", help="crawls per size, in order: bare,spider,pipelines")
    parser.add_argument("--rounds", type=int, default=1, help="crawls per case and size, interleaved; the best is kept")
    parser.add_argument(
        "--profile",
        metavar="PATH",
        help="(b) (and spider, if in --cases) under cProfile, its stats written to PATH.CASE",
    )
    args = parser.parse_args()
    sizes = [int(x) for x in args.pages.split(",")]
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    if args.profile:
        cases = [c for c in cases if c != "bare"]
    elif not {"bare", "pipelines"} <= set(cases) <= {"bare", "spider", "pipelines"}:
        parser.error("--cases: bare and pipelines, and optionally spider")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs; "
          f"Python {sys.version.split()[0]}, Scrapy {scrapy.__version__}")  # fmt: skip
    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            started = time.monotonic()
            generate(tmp, size, realistic=True)
            files = list((tmp / "sites" / HOST / "r").iterdir())
            total = sum(f.stat().st_size for f in files)
            print(f"site: {size} review pages, {total / len(files) / 1024:.0f} KB on average "
                  f"({total / 2**20:.0f} MB), generated in {time.monotonic() - started:.1f} s", flush=True)  # fmt: skip
            with serve_sites(tmp / "sites") as proxy:
                results[size] = measure(
                    size, tmp, proxy, cases, args.profile and str(Path(args.profile).resolve()), args.rounds
                )
    if args.profile:
        print(
            f"profiles in {args.profile}.{{{','.join(cases)}}}: python -m pstats PATH, or pstats.Stats(PATH).sort_stats(...)"
        )
        return 0 if all(r["code"] == 0 for cases in results.values() for r in cases.values()) else 1
    print()
    print(
        "| pages | crawl | pages fetched | wall s | pages/s | crawl s | pages/s (crawl) | CPU ms/page | peak RSS MB "
        "| items | exit | pages/s, every round |"
    )
    print("| --: | :-- | --: | --: | --: | --: | --: | --: | --: | --: | --: | :-- |")
    for size, cases in results.items():
        for case, r in cases.items():
            print(f"| {size:,} | {case} | {r['pages']:,} | {r['wall']:.1f} | {r['pages'] / r['wall']:.1f} | "
                  f"{r['crawl']:.1f} | {r['pages'] / r['crawl']:.1f} | {r['cpu'] / max(r['pages'], 1) * 1000:.2f} | {r['rss_max']:.0f} | {r['items']:,} | {r['code']} | {', '.join(f'{x:.1f}' for x in r['all'])} |")  # fmt: skip
    if len(sizes) > 1:
        for case in cases:
            growth = results[sizes[-1]][case]["rss_max"] - results[sizes[0]][case]["rss_max"]
            print(f"peak RSS growth {sizes[0]:,} -> {sizes[-1]:,} pages, {case}: {growth:+.0f} MB")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    last = results[sizes[-1]]
    ratio = (last["pipelines"]["pages"] / last["pipelines"]["wall"]) / (last["bare"]["pages"] / last["bare"]["wall"])
    crawl = (last["pipelines"]["pages"] / last["pipelines"]["crawl"]) / (last["bare"]["pages"] / last["bare"]["crawl"])
    print(f"pipelines/bare pages/s ratio, crawl time only (Scrapy's elapsed_time_seconds): {crawl:.2f}")
    if "spider" in last:
        alone = (last["pipelines"]["pages"] / last["pipelines"]["wall"]) / (
            last["spider"]["pages"] / last["spider"]["wall"]
        )
        print(f"pipelines/spider pages/s ratio (the item pipelines' own cost): {alone:.2f}")
    print(f"pipelines/bare pages/s ratio: {ratio:.2f}")
    return 0 if all(r["code"] == 0 for cases in results.values() for r in cases.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
