"""`scrapy report [--run RUN_ID | --since DATE] [-o report.html]`: the run report, from the database.

One self-contained HTML file (reviewcrawl/report/): reviews per site and per day, ratings, fill
rates and their signals, near-copy clusters, errors by kind, the runs over time. The database is
REVIEWCRAWL_DATABASE_URL's (by default the data directory's). What goes wrong is said in one line
on stderr, with the exit code: 2 a bad argument (an unknown run, a date that is none), 4 the
database cannot be read (missing, unreachable, a newer schema).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from reviewcrawl.pipelines import database_url
from reviewcrawl.report import UnknownRun, build_report, parse_since, write_report
from reviewcrawl.runs import STORAGE_ERRORS, ConfigurationError, ExitCode
from reviewcrawl.storage import SchemaError, open_database, redact


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--run RUN_ID | --since DATE] [-o report.html]"

    def short_desc(self) -> str:
        return "Write the run report (one self-contained HTML file) from the database"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--run", metavar="RUN_ID", help="one run: the reviews it exported, its near-copies, errors")
        which.add_argument("--since", metavar="DATE", help="the runs started on or after DATE (YYYY-MM-DD, UTC)")
        parser.add_argument("-o", "--output", metavar="FILE", default="report.html",
                            help="where to write the report (default: report.html; - for stdout)")  # fmt: skip

    def _fail(self, message: str, code: ExitCode) -> None:
        print(f"reviewcrawl report: {message}", file=sys.stderr)
        self.exitcode = int(code)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("scrapy report takes no positional arguments")
        assert self.settings is not None
        try:
            url = database_url(self.settings)
            since = parse_since(opts.since) if opts.since is not None else None
        except (ConfigurationError, ValueError) as exc:
            return self._fail(str(exc), ExitCode.USAGE)
        if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).is_file():
            # opening would make an empty database: say there is none instead
            return self._fail(f"no database at {redact(url)} (set REVIEWCRAWL_DATABASE_URL, or crawl first)",
                              ExitCode.STORAGE)  # fmt: skip
        try:
            with open_database(url) as store:
                html = build_report(store, run_id=opts.run, since=since, database=redact(url))
        except UnknownRun as exc:
            return self._fail(f"{exc} ({redact(url)})", ExitCode.USAGE)
        except (*STORAGE_ERRORS, SchemaError) as exc:
            text = " ".join(str(exc).split())  # libpq's messages run over several lines
            return self._fail(text if redact(url) in text else f"database {redact(url)}: {text}", ExitCode.STORAGE)
        if opts.output == "-":
            sys.stdout.write(html)
            return None
        out = Path(opts.output).resolve()
        try:
            write_report(out, html)
        except OSError as exc:
            return self._fail(f"cannot write {out}: {exc.strerror or exc}", ExitCode.STORAGE)
        print(f"report:   {out}")
        return None
