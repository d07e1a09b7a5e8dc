"""`scrapy load FEED.jsonl [FEED.jsonl.gz ...]`: put feeds into the configured database.

Idempotent (the same upsert rules as the crawl: loading a feed twice, or an older feed after a
newer one, changes nothing), in batches (``REVIEWCRAWL_LOAD_BATCH_SIZE`` records per
transaction; PostgreSQL takes each batch with COPY), with a progress bar on a terminal. This is
how records that a run could not write (the database was down: exit code 4) get in afterwards.
The runs whose records a feed holds are recorded as published (from ``run-<id>.json`` beside the
feed when it is there): the feed was published, so the next crawl does not export them again.

A line that is not a review record (not JSON, fields of the wrong type, an errors feed's line) is
counted and named, never loaded, and so is the rest of a file that cannot be read (a truncated
.gz); the command exits 1 when there was any, after loading everything else.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from tqdm import tqdm

from reviewcrawl.pipelines import database_url
from reviewcrawl.runs import STORAGE_ERRORS, ConfigurationError, ExitCode
from reviewcrawl.storage import SchemaError, Store, open_database, redact
from reviewcrawl.storage.base import record_problem

#: bad lines named on stderr; the others are counted
SHOWN = 20


class FeedReader:
    """Review records out of JSON Lines feeds (plain or gzipped), checked for what the database
    needs (record_problem); what is not is counted in ``bad`` (the first SHOWN named in ``shown``)."""

    def __init__(self) -> None:
        self.bad = 0
        self.shown: list[str] = []
        #: run_id -> the earliest fetched_at of its records in the feed read last
        self.runs: dict[str, str] = {}

    def skip(self, where: str, why: str) -> None:
        self.bad += 1
        if len(self.shown) < SHOWN:
            self.shown.append(f"{where}: {why}")

    def read(self, path: Path, progress: Callable[[int], object] = int) -> Iterator[dict[str, Any]]:
        """The records of one feed; `progress` hears how many bytes of the file have been read."""
        self.runs = {}
        n = 0
        try:
            with path.open("rb") as raw, gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw as f:
                for n, line in enumerate(f, 1):
                    if n % 1000 == 0:
                        progress(raw.tell())
                    record = self._record(line, f"{path}:{n}")
                    if record is not None:
                        yield record
        except (OSError, EOFError, zlib.error) as exc:  # a truncated or corrupt .gz, a disk error
            self.skip(f"{path}:{n + 1}", f"unreadable from here on ({exc or type(exc).__name__})")

    def _record(self, line: bytes, where: str) -> dict[str, Any] | None:
        if not line.strip():
            return None
        try:
            record = json.loads(line)
        except ValueError as exc:
            self.skip(where, f"not JSON ({exc})")
            return None
        if isinstance(record, dict) and "reason" in record and "record" in record:
            self.skip(where, "not a review record (an errors feed's line?)")
            return None
        problem = record_problem(record)
        if problem is not None:
            key = record.get("canonical_url") or record.get("url") or "?" if isinstance(record, dict) else "?"
            self.skip(where, f"{key}: {problem}")
            return None
        if not record.get("canonical_url"):
            record["canonical_url"] = record["url"]
        if record.get("run_id"):
            run, seen = str(record["run_id"]), str(record["fetched_at"])
            self.runs[run] = min(self.runs.get(run, seen), seen)
        return record


def record_runs(store: Store, feed: Path, runs: dict[str, str]) -> None:
    """The runs whose records a published feed holds are published: their summary from
    run-<id>.json beside the feed when it is there, else a row of status 'loaded'."""
    for run_id, started in runs.items():
        summary_file = feed.parent / f"run-{run_id}.json"
        try:
            summary = json.loads(summary_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            summary = None
        if isinstance(summary, dict) and summary.get("run_id") == run_id:
            store.add_run({**summary, "published": True})
        else:
            store.mark_published(run_id, started)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "FEED.jsonl [FEED.jsonl.gz ...]"

    def short_desc(self) -> str:
        return "Load JSON Lines feeds into the database (REVIEWCRAWL_DATABASE_URL), idempotently"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

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
        reader = FeedReader()
        loaded = 0
        bar = tqdm(total=sum(p.stat().st_size for p in paths), unit="B", unit_scale=True, desc="loading",
                   file=sys.stderr, disable=opts.no_progress or not sys.stderr.isatty())  # fmt: skip
        try:
            with open_database(url) as store:
                done = 0
                for path in paths:
                    batch: list[dict[str, Any]] = []
                    for record in reader.read(path, lambda pos, base=done: bar.update(base + pos - bar.n)):
                        batch.append(record)
                        if len(batch) >= batch_size:
                            loaded += store.load(batch)
                            batch.clear()
                    loaded += store.load(batch)
                    record_runs(store, path, reader.runs)
                    done += path.stat().st_size
                    bar.update(done - bar.n)
                count = store.count()
        except (*STORAGE_ERRORS, SchemaError) as exc:
            bar.close()
            print(f"reviewcrawl load: database {redact(url)}: {exc}", file=sys.stderr)
            self.exitcode = int(ExitCode.STORAGE)
            return
        bar.close()
        for line in reader.shown:
            print(f"skipped {line}", file=sys.stderr)
        if reader.bad > len(reader.shown):
            print(f"... and {reader.bad - len(reader.shown)} more lines skipped", file=sys.stderr)
        print(f"loaded {loaded} records from {len(paths)} feed(s) into {redact(url)}: "
              f"{count} reviews in all, {reader.bad} lines skipped")  # fmt: skip
        self.exitcode = int(ExitCode.FAILED) if reader.bad else 0
