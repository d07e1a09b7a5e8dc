"""`scrapy demo`: crawl the bundled sample sites, served on 127.0.0.1, and say what came out.

scrapy demo                     # serve, crawl every sample site, print the summary
scrapy demo -s REVIEWCRAWL_DATA_DIR=/tmp/x
scrapy demo --serve [--port N]  # only serve, and print the `scrapy crawl` command per site
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES

from reviewcrawl.demo.server import get_reactor, listen, site_hosts
from reviewcrawl.extensions import RunRecorder
from reviewcrawl.sites import load_profiles, profile_for_url
from reviewcrawl.storage import redact

# Polite delays are for other people's servers; this one is ours, on 127.0.0.1. Set above the
# project's settings (default_settings would rank below them), below any -s the user gives.
# A demo leaves its report (REVIEWCRAWL_REPORT) beside the feed.
DEMO_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING",
                 "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "REVIEWCRAWL_REPORT": True}  # fmt: skip


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Crawl the bundled sample review sites on 127.0.0.1 (no network needed)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--serve", action="store_true", help="only serve the sample sites until interrupted")
        parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        for name, value in DEMO_SETTINGS.items():
            if self.settings.getpriority(name) < SETTINGS_PRIORITIES["cmdline"]:
                self.settings.set(name, value, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("scrapy demo takes no arguments")
        port = listen(opts.port)
        proxy = f"http://127.0.0.1:{port.getHost().port}"
        if opts.serve:
            self._serve(proxy)
            return
        # the sample sites are reached through the server, acting as their proxy (see server.py)
        os.environ["http_proxy"] = proxy
        for var in ("no_proxy", "NO_PROXY"):
            os.environ.pop(var, None)
        assert self.crawler_process is not None
        crawler = self.crawler_process.create_crawler("reviews")
        self.crawler_process.crawl(crawler, full="1")  # a demo shows everything, not what changed
        self.crawler_process.start()
        self.exitcode = self._summary(crawler)

    def _serve(self, proxy: str) -> None:
        assert self.settings is not None
        profiles = load_profiles(self.settings.getlist("REVIEWCRAWL_SITE_DIRS")).values()
        print(f"Serving the sample sites through {proxy} (Ctrl-C to stop). Crawl one with:")
        for host in site_hosts():
            p = profile_for_url(profiles, f"http://{host}/")
            arg = f"-a site={p.name}" if p else f"-a url=http://{host}/"
            print(f"  http_proxy={proxy} scrapy crawl reviews {arg} -s DOWNLOAD_DELAY=0")
        print(
            f"or any of them without its profile: http_proxy={proxy} scrapy crawl reviews -a url=http://{site_hosts()[0]}/"
        )
        sys.stdout.flush()
        get_reactor().run()

    def _summary(self, crawler: Any) -> int:
        stats = crawler.stats.get_stats()
        spider = crawler.spider
        data_dir = Path(crawler.settings.get("REVIEWCRAWL_DATA_DIR") or "data").resolve()
        feed = data_dir / "feeds" / f"reviews-{spider.run_id}.jsonl"
        errors_feed = data_dir / "feeds" / f"errors-{spider.run_id}.jsonl"
        recorder = crawler.get_extension(RunRecorder)
        for stored in recorder.feeds if recorder is not None else []:  # the names the feeds really got (.gz)
            name = Path(stored["path"]).name
            if name.startswith("reviews-"):
                feed = Path(stored["path"])
            elif name.startswith("errors-"):
                errors_feed = Path(stored["path"])
        db = crawler.settings.get("REVIEWCRAWL_DATABASE_URL") or f"sqlite:///{data_dir / 'reviewcrawl.sqlite3'}"
        reviews = stats.get("reviewcrawl/reviews_exported", 0)
        errors = sum(v for k, v in stats.items() if k.startswith("reviewcrawl/errors/"))
        print(f"run {spider.run_id}: {stats.get('response_received_count', 0)} pages fetched, "
              f"{reviews} reviews ({stats.get('reviewcrawl/near_copies', 0)} near-copies), {errors} errors")  # fmt: skip
        print(f"feed:     {feed}")
        if errors_feed.exists():
            print(f"errors:   {errors_feed}")
        print(f"database: {redact(db)} ({stats.get('reviewcrawl/db_rows_total', 0)} reviews in all)")
        if recorder is not None and recorder.summary_path is not None:
            print(f"summary:  {recorder.summary_path}")
        if recorder is not None and recorder.report_path is not None:
            print(f"report:   {recorder.report_path}")
        finish = stats.get("finish_reason")
        if finish != "finished" or not reviews:
            print(f"the demo run failed: finish reason {finish!r}, {reviews} reviews", file=sys.stderr)
            return 1
        summary = recorder.summary if recorder is not None else None
        return int(summary["exit_code"]) if summary else 0  # 4: the database could not be written
