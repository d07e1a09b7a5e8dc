"""`scrapy load FEED.jsonl [FEED.jsonl.gz ...]`: put feeds into the configured database.

Idempotent (the same upsert rules as the crawl: loading a feed twice, or an older feed after a
newer one, changes nothing), in batches (``REVIEWCRAWL_LOAD_BATCH_SIZE`` records per
transaction; PostgreSQL takes each batch with COPY), with a progress bar on a terminal. This is
how records that a run could not write (the database was down: exit code 4) get in afterwards.

A line that is not a review record (not JSON, no canonical_url or url, an errors feed's line) is
counted and named, never loaded; the command exits 1 when there was any, after loading the rest.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from tqdm import tqdm

from reviewcrawl.pipelines import database_url
from reviewcrawl.runs import STORAGE_ERRORS, ConfigurationError, ExitCode
from reviewcrawl.storage import SchemaError, open_database, redact

logger = logging.getLogger(__name__)


def read_feed(path: Path, bad: list[str], progress: Callable[[int], object] = int) -> Iterator[dict[str, Any]]:
    """The review records of a JSON Lines feed (plain or gzipped); bad lines go to `bad`;
    `progress` hears how many bytes of the file have been read, now and then."""
    with path.open("rb") as raw, gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw as f:
        for n, line in enumerate(f, 1):
            if n % 1000 == 0:
                progress(raw.tell())
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                bad.append(f"{path}:{n}: not JSON ({exc})")
                continue
            if not isinstance(record, dict) or not (record.get("canonical_url") or record.get("url")):
                bad.append(f"{path}:{n}: not a review record (no canonical_url)")
                continue
            if not record.get("url") or not record.get("site") or not record.get("fetched_at"):
                bad.append(
                    f"{path}:{n}: {record.get('canonical_url') or record.get('url')}: lacks url, site or fetched_at"
                )
                continue
            record.setdefault("canonical_url", record["url"])
            yield record


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "FEED.jsonl [FEED.jsonl.gz ...]"

    def short_desc(self) -> str:
        return "Load JSON Lines feeds into the database (REVIEWCRAWL_DATABASE_URL), idempotently"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (one line at the end)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give one or more feeds (.jsonl or .jsonl.gz)")
        paths = [Path(a) for a in args]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise UsageError(f"no such feed: {', '.join(missing)}")
        assert self.settings is not None
        try:
            url = database_url(self.settings)
        except ConfigurationError as exc:
            raise UsageError(str(exc)) from None
        batch_size = self.settings.getint("REVIEWCRAWL_LOAD_BATCH_SIZE", 5000)
        bad: list[str] = []
        loaded = 0
        total = sum(p.stat().st_size for p in paths)
        bar = tqdm(total=total, unit="B", unit_scale=True, desc="loading", file=sys.stderr,
                   disable=opts.no_progress or not sys.stderr.isatty())  # fmt: skip
        try:
            with open_database(url) as store:
                done = 0
                for path in paths:
                    batch: list[dict[str, Any]] = []
                    for record in read_feed(path, bad, lambda pos, base=done: bar.update(base + pos - bar.n)):
                        batch.append(record)
                        if len(batch) >= batch_size:
                            loaded += store.load(batch)
                            batch.clear()
                    loaded += store.load(batch)
                    done += path.stat().st_size
                    bar.update(done - bar.n)
                count = store.count()
        except (*STORAGE_ERRORS, SchemaError) as exc:
            bar.close()
            print(f"reviewcrawl load: database {redact(url)}: {exc}", file=sys.stderr)
            self.exitcode = int(ExitCode.STORAGE)
            return
        bar.close()
        for line in bad[:20]:
            print(f"skipped {line}", file=sys.stderr)
        if len(bad) > 20:
            print(f"... and {len(bad) - 20} more lines skipped", file=sys.stderr)
        print(f"loaded {loaded} records from {len(paths)} feed(s) into {redact(url)}: "
              f"{count} reviews in all, {len(bad)} lines skipped")  # fmt: skip
        self.exitcode = int(ExitCode.FAILED) if bad else 0
