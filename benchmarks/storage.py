"""Storage benchmark: rows/s into SQLite and PostgreSQL, against one INSERT and one commit per row.

    python benchmarks/storage.py                         # both backends, 50,000 rows, 3 rounds
    python benchmarks/storage.py --markdown              # the tables of benchmarks/RESULTS.md
    python benchmarks/storage.py --backends sqlite --rows 10000 --rounds 1   # a quick run

Records: the sample sites' real review pages (reviewcrawl/demo/sites), read by
``reviewcrawl.extract.extract_review``, each made into many distinct records: its own
canonical_url and url, a text of 2-5 KB (its own paragraphs, then paragraphs of the other
reviews, seeded), a fingerprint of that text, one in 20 a near-copy of an earlier one, fetched one
after another. Every case writes into a fresh, empty database: a SQLite file in a temporary
directory (WAL, synchronous=NORMAL, as SQLiteStore opens it), a PostgreSQL schema of its own
(``?options=-csearch_path%3D...``, dropped afterwards).

Cases, per backend, timed by the wall clock (the database server's work is part of the cost):
- naive: one ``INSERT ... ON CONFLICT`` per row, a commit per row (the store's own SQL and connection);
  on SQLite also with synchronous=FULL, SQLite's default outside reviewcrawl;
- upsert: ``Store.upsert`` in crawl batches of 500 (REVIEWCRAWL_DB_BATCH_SIZE) and of 1,000
  (SQLite: executemany; PostgreSQL: COPY, see reviewcrawl/storage/postgres.py); on PostgreSQL
  also executemany in batches of 1,000, upsert's way for a batch that holds a review twice;
- load: ``Store.load`` in batches of 5,000 (REVIEWCRAWL_LOAD_BATCH_SIZE), what ``scrapy load`` calls;
- scrapy load: the command itself on a JSON Lines feed of the same records, in a process of its
  own (start-up included; the start-up alone is timed on a feed of one record);
- re-load / re-upsert: the same rows again into the database that has them, the path where
  nothing changed; the rows rewritten are counted (PostgreSQL: xmin, the writing transaction, of
  every row before and after; SQLite: the connection's total_changes) and must be 0, and a last
  re-upsert with 100 changed records must rewrite exactly 100.
rows/s is the median of the rounds; x naive is over the naive case of the same backend in the
same run; spread is the slowest round over the fastest, minus 1.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psycopg import OperationalError  # noqa: E402

from reviewcrawl.dedup import fingerprint  # noqa: E402
from reviewcrawl.extract import extract_review  # noqa: E402
from reviewcrawl.items import REVIEW_FIELDS  # noqa: E402
from reviewcrawl.storage import SQLiteStore, Store, open_database, redact  # noqa: E402
from reviewcrawl.storage.base import COLUMNS, row_from_record  # noqa: E402

SITES = ROOT / "reviewcrawl" / "demo" / "sites"
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
PG_URL = os.environ.get("REVIEWCRAWL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
LOAD_BATCH = 5000  # scrapy load's REVIEWCRAWL_LOAD_BATCH_SIZE
CHANGED = 100  # records changed for the last re-upsert (the rewritten count's own check)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- records --------------------------------------------------------------------------------------


def sample_reviews() -> list[dict[str, Any]]:
    """The sample sites' review pages as records (url, site and the extracted fields)."""
    out = []
    for f in sorted(SITES.rglob("*.html")):
        host, *parts = f.relative_to(SITES).parts
        path = "/".join(parts).removesuffix("index.html")
        url = f"http://{host}/{path}"
        fields = extract_review(f.read_bytes(), url, now=NOW)
        if fields.kind == "review" and fields.text:
            out.append({**fields.as_record(), "url": url, "site": host.split(".")[0]})
    return out


def generate(n: int, seed: int = 20261130) -> list[dict[str, Any]]:
    """n distinct review records (as the feed carries them) made from the sample reviews."""
    bases = sample_reviews()
    pool = [p for b in bases for p in b["text"].split("\n") if len(p.strip()) > 40]
    rng = random.Random(seed)
    start = dt.datetime(2026, 11, 22, 5, 0, tzinfo=dt.UTC)
    records: list[dict[str, Any]] = []
    for i in range(n):
        base = bases[i % len(bases)]
        size = rng.randint(2000, 5000)
        paragraphs = [p for p in base["text"].split("\n") if p.strip()]
        while sum(len(p) + 2 for p in paragraphs) < size:
            paragraphs.append(rng.choice(pool))
        text = "\n\n".join(paragraphs)[:size].rsplit(" ", 1)[0]
        url = base["url"].rstrip("/").removesuffix(".html") + f"-{i:07d}/"
        record = {**base, "url": url, "canonical_url": url, "text": text,
                  "fetched_at": (start + dt.timedelta(milliseconds=50 * i)).isoformat(timespec="seconds"),
                  "run_id": "20261122T050000Z-bench"}  # fmt: skip
        record["fingerprint"] = fingerprint(f"{record.get('title') or ''}\n{text}")
        record["duplicate_of"] = records[i - 7]["canonical_url"] if i % 20 == 19 else None
        records.append({k: record.get(k) for k in REVIEW_FIELDS})
    return records


def write_feed(records: Sequence[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


# --- backends -------------------------------------------------------------------------------------


class Backend:
    name = ""

    def fresh(self) -> str:
        """The URL of a fresh, empty database."""
        raise NotImplementedError

    def drop(self, url: str) -> None:
        raise NotImplementedError

    def versions(self, store: Store) -> Any:
        """What tells which rows a write rewrote (see rewritten)."""
        raise NotImplementedError

    def rewritten(self, store: Store, before: Any) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        url = self.fresh()
        try:
            yield url
        finally:
            self.drop(url)


class SQLite(Backend):
    name = "SQLite"

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.made = 0

    def fresh(self) -> str:
        self.made += 1
        return f"sqlite:///{self.tmp / f'bench-{self.made}.sqlite3'}"

    def drop(self, url: str) -> None:
        path = Path(url.removeprefix("sqlite:///"))
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)

    def versions(self, store: Store) -> Any:
        assert isinstance(store, SQLiteStore)
        return store.conn.total_changes

    def rewritten(self, store: Store, before: Any) -> int:
        assert isinstance(store, SQLiteStore)
        return int(store.conn.total_changes - before)


class PostgreSQL(Backend):
    name = "PostgreSQL"

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self._admin = psycopg.connect(url, autocommit=True, connect_timeout=10)
        self.prefix = f"reviewcrawl_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.made = 0
        self.schemas: set[str] = set()

    @property
    def admin(self) -> Any:
        """The administration connection (made again when another job cut it)."""
        import psycopg

        if self._admin.closed or self._admin.broken:
            self._admin = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        return self._admin

    def fresh(self) -> str:
        self.made += 1
        schema = f"{self.prefix}_{self.made}"
        self.admin.execute(f"CREATE SCHEMA {schema}")
        self.schemas.add(schema)
        sep = "&" if "?" in self.url else "?"
        return f"{self.url}{sep}options=-csearch_path%3D{schema}"

    def drop(self, url: str) -> None:
        schema = url.rsplit("%3D", 1)[1]
        self.admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        self.schemas.discard(schema)

    def versions(self, store: Store) -> Any:
        return dict(store._query("SELECT canonical_url, xmin::text FROM reviews"))

    def rewritten(self, store: Store, before: Any) -> int:
        after = self.versions(store)
        return sum(1 for k, v in after.items() if before.get(k) != v)

    def settings(self) -> str:
        names = ("server_version", "fsync", "synchronous_commit", "shared_buffers", "wal_level")
        values = [self.admin.execute(f"SHOW {n}").fetchone()[0] for n in names]  # type: ignore[index]
        return ", ".join(f"{n} {v}" for n, v in zip(names, values, strict=True))

    def close(self) -> None:
        for schema in list(self.schemas):
            self.admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        self.admin.close()


# --- cases ----------------------------------------------------------------------------------------


def naive(store: Store, records: Sequence[dict[str, Any]]) -> None:
    """One INSERT ... ON CONFLICT per row, each its own transaction (both connections autocommit)."""
    sql = f"INSERT INTO reviews ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))}) " + store._on_conflict()
    if isinstance(store, SQLiteStore):
        for r in records:
            store.conn.execute(sql, row_from_record(r))
        return
    with store.conn.cursor() as cur:  # type: ignore[attr-defined]
        sql = sql.replace("?", "%s")
        for r in records:
            cur.execute(sql, row_from_record(r))


def in_batches(method: str, size: int) -> Callable[[Store, Sequence[dict[str, Any]]], None]:
    """Store.upsert or Store.load, `size` records a call."""

    def run(store: Store, records: Sequence[dict[str, Any]]) -> None:
        write = getattr(store, method)
        for i in range(0, len(records), size):
            write(records[i : i + size])

    return run


def executemany(size: int) -> Callable[[Store, Sequence[dict[str, Any]]], None]:
    """One INSERT ... ON CONFLICT per row, `size` rows a transaction (psycopg: in pipeline mode)."""

    def run(store: Store, records: Sequence[dict[str, Any]]) -> None:
        for i in range(0, len(records), size):
            store._upsert_rows([row_from_record(r) for r in records[i : i + size]])

    return run


def scrapy_load(url: str, feed: Path) -> float:
    """Seconds of `scrapy load FEED` in a process of its own."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    args = [sys.executable, "-m", "scrapy", "load", str(feed), "--no-progress", "-s", f"REVIEWCRAWL_DATABASE_URL={url}"]
    t = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if done.returncode:
        raise RuntimeError(f"scrapy load exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds


@dataclass
class Case:
    backend: str
    name: str
    rows: int
    seconds: list[float] = field(default_factory=list)
    rewritten: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float:
        return self.rows / self.median

    @property
    def spread(self) -> float:
        return max(self.seconds) / min(self.seconds) - 1


class Run:
    def __init__(self, records: list[dict[str, Any]], naive_rows: int, feed: Path, one: Path) -> None:
        self.records = records
        self.naive_rows = naive_rows
        self.feed = feed
        self.one = one
        self.cases: dict[tuple[str, str], Case] = {}
        self.checks: list[str] = []
        self.retried: list[str] = []  # rounds done again (a connection cut by another job)

    def add(self, backend: Backend, name: str, rows: int, seconds: float, rewritten: int | None = None) -> None:
        case = self.cases.setdefault((backend.name, name), Case(backend.name, name, rows))
        case.seconds.append(seconds)
        if rewritten is not None:
            case.rewritten.append(rewritten)
        progress(f"  {backend.name:10} {name:34} {rows / seconds:>10,.0f} rows/s ({seconds:.2f} s)")

    def timed(self, backend: Backend, name: str, records: Sequence[dict[str, Any]],
              write: Callable[[Store, Sequence[dict[str, Any]]], None], setup: Callable[[Store], None] | None = None) -> None:  # fmt: skip
        with backend.database() as url, open_database(url) as store:
            if setup:
                setup(store)
            t = time.perf_counter()
            write(store, records)
            seconds = time.perf_counter() - t
            assert store.count() == len(records), f"{backend.name} {name}: {store.count()} rows"
        self.add(backend, name, len(records), seconds)

    def round(self, backend: Backend) -> None:
        records = self.records
        few = records[: self.naive_rows]
        self.timed(backend, "naive: a commit per row", few, naive)
        if isinstance(backend, SQLite):
            full: Callable[[Store], None] = lambda s: s.conn.execute("PRAGMA synchronous=FULL")  # type: ignore[attr-defined]  # noqa: E731
            self.timed(backend, "naive, synchronous=FULL", few, naive, full)
        self.timed(backend, "upsert, batches of 500", records, in_batches("upsert", 500))
        self.timed(backend, "upsert, batches of 1,000", records, in_batches("upsert", 1000))
        if isinstance(backend, PostgreSQL):  # upsert's way for a batch that holds a review twice
            self.timed(backend, "executemany, batches of 1,000", records, executemany(1000))
        with backend.database() as url, open_database(url) as store:
            t = time.perf_counter()
            in_batches("load", LOAD_BATCH)(store, records)
            self.add(backend, "load, batches of 5,000", len(records), time.perf_counter() - t)
            assert store.count() == len(records)
            before = backend.versions(store)
            t = time.perf_counter()
            in_batches("load", LOAD_BATCH)(store, records)
            seconds = time.perf_counter() - t
            self.add(backend, "re-load, nothing changed", len(records), seconds, backend.rewritten(store, before))
            before = backend.versions(store)
            t = time.perf_counter()
            in_batches("upsert", 1000)(store, records)
            seconds = time.perf_counter() - t
            self.add(backend, "re-upsert (1,000), nothing changed", len(records), seconds,
                     backend.rewritten(store, before))  # fmt: skip
            before = backend.versions(store)
            changed = [{**r, "title": f"{r['title']} (updated)", "fetched_at": "2026-11-29T05:00:00+00:00"}
                       for r in records[:CHANGED]]  # fmt: skip
            store.upsert(changed)
            got = backend.rewritten(store, before)
            self.checks.append(f"{backend.name}: {CHANGED} changed records rewrote {got} rows")
            assert got == CHANGED, self.checks[-1]
        with backend.database() as url:
            self.add(backend, "scrapy load (command)", len(records), scrapy_load(url, self.feed))
            with open_database(url) as store:
                assert store.count() == len(records)
        with backend.database() as url:
            self.add(backend, "scrapy load of 1 record (start-up)", 1, scrapy_load(url, self.one))


# --- output ---------------------------------------------------------------------------------------


def render(header: list[str], rows: list[list[str]], markdown: bool, text_columns: int = 2) -> str:
    if markdown:
        rule = [":--" if i < text_columns else "--:" for i in range(len(header))]
        return "\n".join("| " + " | ".join(row) + " |" for row in [header, rule, *rows])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) if i < text_columns else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
        for row in [header, *rows]
    )


def table(run: Run, markdown: bool) -> str:
    header = ["backend", "case", "rows", "median s", "rows/s", "x naive", "spread", "rewritten"]
    rows = []
    for case in run.cases.values():
        base = run.cases[(case.backend, "naive: a commit per row")]
        startup = case.name.startswith("scrapy load of 1")
        rows.append([
            case.backend, case.name, f"{case.rows:,}", f"{case.median:.2f}",
            "" if startup else f"{case.rate:,.0f}", "" if startup else f"{case.rate / base.rate:.1f}",
            f"{100 * case.spread:.0f}%", ", ".join(str(n) for n in case.rewritten),
        ])  # fmt: skip
    return render(header, rows, markdown)


def targets(run: Run) -> list[str]:
    def rate(backend: str, name: str) -> float:
        return run.cases[(backend, name)].rate

    out = []
    if ("SQLite", "naive: a commit per row") in run.cases:
        best = max(rate("SQLite", n) for n in ("upsert, batches of 1,000", "load, batches of 5,000"))
        out.append(f"SQLite >= 40,000 rows/s in batches: upsert (1,000) {rate('SQLite', 'upsert, batches of 1,000'):,.0f}, "
                   f"load {rate('SQLite', 'load, batches of 5,000'):,.0f}: {'met' if best >= 40_000 else 'MISSED'}")  # fmt: skip
    if ("PostgreSQL", "naive: a commit per row") in run.cases:
        cmd = run.cases[("PostgreSQL", "scrapy load (command)")]
        startup = run.cases[("PostgreSQL", "scrapy load of 1 record (start-up)")].median
        net = cmd.rows / (cmd.median - startup)
        out.append(f"PostgreSQL >= 30,000 rows/s with scrapy load: Store.load {rate('PostgreSQL', 'load, batches of 5,000'):,.0f}, "
                   f"the command {cmd.rate:,.0f} ({net:,.0f} without its {startup:.1f} s start-up): "
                   f"{'met' if net >= 30_000 else 'MISSED'}")  # fmt: skip
        ratios = [rate("PostgreSQL", n) / rate("PostgreSQL", "naive: a commit per row")
                  for n in ("upsert, batches of 500", "upsert, batches of 1,000")]  # fmt: skip
        out.append(f"PostgreSQL crawl batches >= 10x naive: {ratios[0]:.1f}x (500), {ratios[1]:.1f}x (1,000): "
                   f"{'met' if min(ratios) >= 10 else 'MISSED'}")  # fmt: skip
    return out


def context(args: argparse.Namespace, records: list[dict[str, Any]], pg: PostgreSQL | None, load: tuple[float, ...]) -> list[str]:  # fmt: skip
    import psycopg

    texts = sorted(len(r["text"]) for r in records)
    feed_bytes = sum(len(json.dumps(r, ensure_ascii=False).encode()) + 1 for r in records)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    lines = [
        f"Records: {len(records):,} ({args.naive_rows:,} for the naive cases), from {len(sample_reviews())} sample "
        f"review pages; text {texts[0]:,}-{texts[-1]:,} characters (median {texts[len(texts) // 2]:,}); "
        f"feed {feed_bytes / len(records):,.0f} bytes per record; rounds: {args.rounds}.",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, psycopg {psycopg.__version__} ({psycopg.pq.__impl__}, libpq "
        f"{psycopg.pq.version()}); load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.",
    ]
    if pg is not None:
        lines.append(f"PostgreSQL: {redact(pg.url)} on the same machine; {pg.settings()}.")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000, help="records for the batch and load cases")
    parser.add_argument("--naive-rows", type=int, default=3_000, help="records for the naive cases")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=PG_URL, help="a PostgreSQL database (a schema of the run's own is made)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for RESULTS.md)")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    progress(f"generating {args.rows:,} records ...")
    records = generate(max(args.rows, args.naive_rows))
    with tempfile.TemporaryDirectory(prefix="reviewcrawl-bench-") as tmp:
        feed = write_feed(records[: args.rows], Path(tmp) / "reviews.jsonl")
        one = write_feed(records[:1], Path(tmp) / "one.jsonl")
        backends: list[Backend] = []
        pg: PostgreSQL | None = None
        names = args.backends.split(",")
        if "sqlite" in names:
            (Path(tmp) / "db").mkdir()
            backends.append(SQLite(Path(tmp) / "db"))
        if "postgresql" in names:
            pg = PostgreSQL(args.postgres)
            backends.append(pg)
        run = Run(records[: args.rows], args.naive_rows, feed, one)
        try:
            for n in range(args.rounds):
                for backend in backends if n % 2 == 0 else backends[::-1]:
                    for attempt in range(3):
                        progress(f"round {n + 1}, {backend.name}")
                        saved = copy.deepcopy(run.cases), list(run.checks)
                        try:
                            run.round(backend)
                            break
                        except OperationalError as exc:  # another job on the machine cut the connection
                            if attempt == 2:
                                raise
                            run.cases, run.checks = saved
                            run.retried.append(f"{backend.name} round {n + 1}: {exc}".strip())
                            progress(f"  round {n + 1} of {backend.name} again: {exc}")
            about = context(args, records[: args.rows], pg, load)
        finally:
            for backend in backends:
                backend.close()
            shutil.rmtree(Path(tmp) / "db", ignore_errors=True)
        heading = "#### " if args.markdown else ""
        print("\n".join(about))
        print()
        print(table(run, args.markdown))
        print()
        print(f"{heading}Targets" + ("\n" if args.markdown else ""))
        checks = [*dict.fromkeys(run.checks), *(f"round done again: {r}" for r in run.retried)]
        for line in targets(run) + checks:
            print(f"- {line}" if args.markdown else line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
