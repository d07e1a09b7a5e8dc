"""kill -9 at pseudo-random moments: `scrapy crawl reviews` over the sample sites, killed again and
again against one data directory, then run once to the end; what the feeds and the database look
like after every kill. Used by tests/test_killsafe.py (10 kills) and benchmarks/killloop.py (more).

The moments: a first run, timed, gives when each phase starts (after the line that marks it:
the spider opened, the first item scraped, the spider closing) and how long it lasts; each kill
then picks a phase in turn (start, fetching, exporting, close, published) and a seeded delay within that
phase's length after its marker line appears in the run being killed. Runs after a kill are not
like the timed one (some of their work is incremental), so the phase a kill really hit is read
from what the run had logged when it was killed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reviewcrawl.spiders.reviews import new_run_id

ROOT = Path(__file__).resolve().parent.parent
PHASES = ("start", "fetching", "exporting", "close", "published")
#: the line that starts each phase (Scrapy's own log lines, at LOG_LEVEL=DEBUG): "close" is the
#: spider closing (pipelines flush the database, the pages are recorded, the feeds are synced and
#: renamed), "published" follows the feed's rename (the summary, the runs row, the lock's release)
MARKERS = {"fetching": "Spider opened", "exporting": "Scraped from", "close": "Closing spider (",
           "published": "Stored jsonlines feed"}  # fmt: skip
#: the project's pipelines, and one whose close takes 0.3 s after the database's (tests/faults.py):
#: the close, before the feeds are renamed, otherwise lasts a few milliseconds
PIPELINES = {
    "tests.faults.SlowClose": 50,
    "reviewcrawl.pipelines.ExtractPipeline": 100,
    "reviewcrawl.pipelines.ValidatePipeline": 200,
    "reviewcrawl.pipelines.NearDuplicatePipeline": 300,
    "reviewcrawl.pipelines.DatabasePipeline": 400,
}
#: slow enough that each phase lasts long enough to be hit (the sample sites take about 1.5 s this way)
SLOW = ["-s", "DOWNLOAD_DELAY=0.02", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        "-s", "LOG_LEVEL=DEBUG", "-s", f"ITEM_PIPELINES={json.dumps(PIPELINES)}"]  # fmt: skip
STATUSES = {"running", "killed", "ok", "failed", "storage_error", "interrupted"}
WAIT_LIMIT = 60  # seconds one run may take before the harness gives up on it


class Run:
    """`scrapy crawl reviews` in the background; the time each stderr line arrived."""

    def __init__(self, data_dir: Path, proxy: str, *args: str) -> None:
        self.run_id = new_run_id(dt.datetime.now(dt.UTC))
        args = ("-a", f"run_id={self.run_id}", *args)
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
        env["http_proxy"] = proxy
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "reviews", "-s", f"REVIEWCRAWL_DATA_DIR={data_dir}", *SLOW, *args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.seen: dict[str, float] = {}  # marker -> seconds after the start
        self.changed = threading.Condition()
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            now = time.monotonic() - self.t0
            with self.changed:
                self.lines.append(line)
                for phase, marker in MARKERS.items():
                    if phase not in self.seen and marker in line:
                        self.seen[phase] = now
                self.changed.notify_all()
        with self.changed:
            self.seen["exit"] = time.monotonic() - self.t0
            self.changed.notify_all()

    def wait_for(self, phase: str) -> bool:
        """Until the phase's marker line (True), or the run's end without it (False)."""
        if phase == "start":
            return True
        with self.changed:
            self.changed.wait_for(lambda: phase in self.seen or "exit" in self.seen, timeout=WAIT_LIMIT)
            return phase in self.seen

    def kill_after(self, delay: float) -> bool:
        """SIGKILL `delay` seconds from now; False when the run ended before."""
        threading.Event().wait(delay)
        if self.proc.poll() is not None:
            return False
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=WAIT_LIMIT)
        self.reader.join(timeout=WAIT_LIMIT)
        return True

    def wait(self) -> int:
        code = self.proc.wait(timeout=WAIT_LIMIT)
        self.reader.join(timeout=WAIT_LIMIT)
        return code

    @property
    def log(self) -> str:
        with self.changed:
            return "".join(self.lines)

    def phase_reached(self) -> str:
        with self.changed:
            reached = [p for p in PHASES[1:] if p in self.seen]
        return reached[-1] if reached else "start"


@dataclass
class Timing:
    """Seconds after the start at which each phase began in the timed run, and its end."""

    starts: dict[str, float]
    end: float

    def length(self, phase: str) -> float:
        order = [*PHASES, "end"]
        nxt = order[order.index(phase) + 1]
        return max((self.end if nxt == "end" else self.starts[nxt]) - self.starts[phase], 0.01)


@dataclass
class Kill:
    planned: str  # the phase aimed at
    delay: float
    hit: str = ""  # the phase the run had reached when killed
    killed: bool = False
    run_id: str = ""


@dataclass
class Report:
    timing: Timing
    kills: list[Kill] = field(default_factory=list)
    finished_early: int = 0  # planned kills that came after the run had ended
    final_code: int | None = None
    feeds: dict[str, list[dict]] = field(default_factory=dict)  # published review feeds
    problems: list[str] = field(default_factory=list)  # every check that failed, after which kill
    seconds: float = 0.0

    @property
    def hits(self) -> Counter[str]:
        return Counter(k.hit for k in self.kills if k.killed)

    def exported(self) -> Counter[str]:
        """How many published feeds carry each canonical_url."""
        return Counter(r["canonical_url"] for records in self.feeds.values() for r in records)

    def latest(self) -> dict[str, dict]:
        """The last published record of each review (feeds in run order)."""
        return {r["canonical_url"]: r for name in sorted(self.feeds) for r in self.feeds[name]}


def time_a_run(data_dir: Path, proxy: str) -> Timing:
    """One run to the end in a data directory of its own: when its phases begin."""
    run = Run(data_dir, proxy)
    code = run.wait()
    assert code == 0 and all(p in run.seen for p in MARKERS), f"the timed run failed ({code}): {run.log[-3000:]}"
    return Timing({"start": 0.0, **{p: run.seen[p] for p in MARKERS}}, run.seen["exit"])


class Checker:
    """What must hold after every kill: published feeds whole and never changed, the database
    sound, no leftovers piling up."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.digests: dict[str, str] = {}

    def check(self, killed_run: str | None) -> list[str]:
        problems = self._feeds() + self._database(killed_run)
        parts = sorted(p.name for p in (self.data_dir / "feeds").glob(".*.part")) if self.feeds_dir.is_dir() else []
        stray = [p for p in parts if not killed_run or killed_run not in p]
        if stray:
            problems.append(f".part files of runs before the last one left behind: {stray}")
        return problems

    @property
    def feeds_dir(self) -> Path:
        return self.data_dir / "feeds"

    def published(self) -> dict[str, list[dict]]:
        if not self.feeds_dir.is_dir():
            return {}
        return {p.name: _jsonl(p) for p in sorted(self.feeds_dir.glob("reviews-*.jsonl"))}

    def _feeds(self) -> list[str]:
        problems = []
        if not self.feeds_dir.is_dir():
            return problems
        for path in sorted(self.feeds_dir.iterdir()):
            if path.name.startswith("."):
                continue
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if self.digests.setdefault(path.name, digest) != digest:
                problems.append(f"{path.name} changed after it was published")
            if path.suffix == ".jsonl":
                if data and not data.endswith(b"\n"):
                    problems.append(f"{path.name} does not end with a newline: cut short")
                try:
                    records = _jsonl(path)
                except ValueError as exc:
                    problems.append(f"{path.name} is not JSON Lines: {exc}")
                    continue
                if path.name.startswith("reviews-") and not all(r.get("canonical_url") for r in records):
                    problems.append(f"{path.name} has records without a canonical_url")
            elif path.suffix == ".json":
                try:
                    json.loads(data)
                except ValueError as exc:
                    problems.append(f"{path.name} is not JSON: {exc}")
        return problems

    def _database(self, killed_run: str | None) -> list[str]:
        db = self.data_dir / "reviewcrawl.sqlite3"
        if not db.exists():
            return []
        problems = []
        with sqlite3.connect(db) as conn:
            (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
            if integrity != "ok":
                problems.append(f"integrity_check: {integrity}")
            for column in ("copy_url", "original_url"):
                missing = conn.execute(
                    f"SELECT count(*) FROM duplicates WHERE {column} NOT IN (SELECT canonical_url FROM reviews)"
                ).fetchone()[0]
                if missing:
                    problems.append(f"{missing} duplicates rows whose {column} is no stored review")
            dangling = conn.execute(
                "SELECT count(*) FROM reviews WHERE duplicate_of IS NOT NULL "
                "AND duplicate_of NOT IN (SELECT canonical_url FROM reviews)"
            ).fetchone()[0]
            if dangling:
                problems.append(f"{dangling} reviews whose duplicate_of is no stored review")
            rows = conn.execute("SELECT run_id, status, finished_at, published FROM runs").fetchall()
        for run_id, status, finished_at, published in rows:
            if status not in STATUSES:
                problems.append(f"run {run_id}: unknown status {status!r}")
            if status == "running" and run_id != killed_run:
                problems.append(f"run {run_id} still marked running after a later run")
            if status not in ("running", "killed") and not finished_at:
                problems.append(f"run {run_id} ({status}) has no finished_at")
            if published and not any(self.feeds_dir.glob(f"reviews-{run_id}.jsonl")):
                problems.append(f"run {run_id} is marked published without its feed")
        return problems


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def kill_loop(
    data_dir: Path, proxy: str, timing: Timing, *, kills: int, seed: int, max_attempts: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:  # fmt: skip
    """`kills` SIGKILLs in a row against data_dir (at most max_attempts runs: a kill planned late
    may come after its run ended), checking after each; then one run to the end."""
    rng = random.Random(seed)
    report = Report(timing)
    checker = Checker(data_dir)
    started = time.monotonic()
    attempts = 0
    while sum(k.killed for k in report.kills) < kills and attempts < (max_attempts or 3 * kills):
        phase = PHASES[attempts % len(PHASES)]
        attempts += 1
        kill = Kill(phase, round(rng.uniform(0.0, timing.length(phase)), 3))
        run = Run(data_dir, proxy)
        reached = run.wait_for(phase)
        kill.killed = reached and run.kill_after(kill.delay)
        if not kill.killed:
            run.wait()
            report.finished_early += 1
        kill.run_id = run.run_id
        kill.hit = run.phase_reached()
        if kill.killed and kill.hit == "close" and (data_dir / "feeds" / f"reviews-{kill.run_id}.jsonl").exists():
            kill.hit = "published"  # renamed, its log line not read yet
        report.kills.append(kill)
        for problem in checker.check(kill.run_id if kill.killed else None):
            report.problems.append(f"after attempt {attempts} ({kill.planned}, {kill.delay}s): {problem}")
        if progress:
            progress(f"attempt {attempts}: {kill.planned} +{kill.delay}s -> {'killed' if kill.killed else 'finished'} "
                     f"in {kill.hit} ({kill.run_id})")  # fmt: skip
    final = Run(data_dir, proxy)
    report.final_code = final.wait()
    if report.final_code != 0:
        report.problems.append(f"the final run exited {report.final_code}: {final.log[-2000:]}")
    report.problems += [f"after the final run: {p}" for p in checker.check(None)]
    report.feeds = checker.published()
    report.seconds = round(time.monotonic() - started, 1)
    return report
