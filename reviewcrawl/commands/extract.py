"""`scrapy extract FILE_OR_URL [--url URL]`: one page's record as JSON, with where each field came from.

For people writing site profiles: run it on a saved page (or a URL, fetched once, robots.txt
not consulted) and see what the generic cascade reads before adding selectors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from reviewcrawl.extract import extract_review


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False

    def syntax(self) -> str:
        return "FILE_OR_URL [--url URL]"

    def short_desc(self) -> str:
        return "Print the review record read from one page, with its sources"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", help="the page's address, when FILE_OR_URL is a saved file")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one file or URL")
        target = args[0]
        content_type = None
        if target.startswith(("http://", "https://")):
            import urllib.request

            with urllib.request.urlopen(target, timeout=30) as resp:  # noqa: S310 (http(s) only)
                body: bytes = resp.read()
                content_type = resp.headers.get("Content-Type")
                url = resp.geturl()
        else:
            path = Path(target)
            if not path.is_file():
                print(f"no such file: {target}", file=sys.stderr)
                self.exitcode = 2
                return
            body = path.read_bytes()
            url = opts.url or path.resolve().as_uri().replace("file://", "http://localhost")
        result = extract_review(body, url, content_type=content_type)
        record: dict[str, Any] = {"url": url, "kind": result.kind, **result.as_record()}
        print(json.dumps(record, ensure_ascii=False, indent=2))
