#!/usr/bin/env python3
"""Accuracy and speed of reviewcrawl's extractor beside trafilatura and htmldate, on real pages.

Run from the project root, after `.venv/bin/pip install -r benchmarks/requirements.txt`:

    .venv/bin/python benchmarks/extraction.py                 # text tables
    .venv/bin/python benchmarks/extraction.py --markdown      # the tables of benchmarks/RESULTS.md
    .venv/bin/python benchmarks/extraction.py --rounds 5 --json /tmp/extraction.json

The pages are the shared real-pages set (`truth.jsonl`, `pages/`, `score.py`; default
../shared/realpages beside the project). Its `score.py` does the judging: this script imports it
and hands it each extractor's answers, so a verdict here is the verdict `score.py` would give.

Extractors, all in one process on the same pages already in memory:
- lxml-parse:  `lxml.html.document_fromstring` alone, the baseline the others are compared to;
- reviewcrawl: `reviewcrawl.extract.extract_review(body, url)`;
- trafilatura: `trafilatura.extract_metadata` (title, author, date);
- htmldate:    `htmldate.find_date(original_date=True)` (date).

One untimed pass collects each extractor's answers (and warms caches); then each round times every
extractor over all pages, the order rotated from round to round. Speed is reported as the best and
the median round, and as a ratio to the lxml parse of the same round kind (best to best).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import hashlib
import importlib
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = ROOT.parent / "shared" / "realpages" / "truth.jsonl"
DEFAULT_URL = "http://example.com/"  # what score.py passes for a page without a URL
TABLE_FIELDS = ("title", "author", "date")
BASELINE = "lxml-parse"
#: what each extractor claims to find; fields outside it are not scored
COVERS: dict[str, tuple[str, ...]] = {
    BASELINE: (),
    "reviewcrawl": ("title", "author", "date", "rating", "aggregate_rating"),
    "trafilatura": ("title", "author", "date"),
    "htmldate": ("date",),
}
ALL_EXTRACTORS = tuple(COVERS)
PACKAGES = ("lxml", "trafilatura", "htmldate")

Run = Callable[[bytes, str], dict[str, Any]]


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    body: bytes

    @property
    def key(self) -> tuple[str, bytes]:
        return page_key(self.body, self.url)


@dataclass(frozen=True)
class Setup:
    truth: Path
    pages: int
    rounds: int
    code: Path  # the checkout reviewcrawl is imported from


@dataclass
class Result:
    name: str
    seconds: list[float] = field(default_factory=list)
    tally: dict[str, Counter[str]] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)


def page_key(body: bytes, url: str) -> tuple[str, bytes]:
    return url, hashlib.blake2b(body, digest_size=16).digest()


# --- inputs -------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--pages",
        type=Path,
        default=DEFAULT_PAGES,
        help="the page set: its truth.jsonl or the folder holding it (default: ../shared/realpages/truth.jsonl)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per extractor (default: 3)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON to PATH")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown (for RESULTS.md)")
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        metavar="DIR",
        help="import reviewcrawl from this checkout, e.g. a clone at another commit (default: this project)",
    )
    parser.add_argument(
        "--extractors",
        default=",".join(ALL_EXTRACTORS),
        help=f"comma-separated subset of {','.join(ALL_EXTRACTORS)} (the lxml baseline always runs)",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    args.extractors = pick_extractors(parser, args.extractors)
    return args


def pick_extractors(parser: argparse.ArgumentParser, spec: str) -> list[str]:
    names = [name.strip() for name in spec.split(",") if name.strip()]
    unknown = sorted(set(names) - set(ALL_EXTRACTORS))
    if unknown:
        parser.error(f"unknown extractor(s): {', '.join(unknown)}; choose from {', '.join(ALL_EXTRACTORS)}")
    return [BASELINE] + [name for name in ALL_EXTRACTORS if name in names and name != BASELINE]


def resolve_truth(path: Path) -> Path:
    truth = path / "truth.jsonl" if path.is_dir() else path
    if not truth.is_file():
        sys.exit(
            f"extraction.py: no page set at {path}.\n"
            "This benchmark needs the shared real-pages set (truth.jsonl, pages/ and score.py in one folder),\n"
            "by default at ../shared/realpages beside the project. Pass --pages DIR_OR_TRUTH_FILE to point at it."
        )
    if not (truth.parent / "score.py").is_file():
        sys.exit(f"extraction.py: {truth.parent} has no score.py, which judges the answers; is it the real-pages set?")
    return truth.resolve()


def import_score(truth: Path) -> ModuleType:
    sys.path.insert(0, str(truth.parent))
    return importlib.import_module("score")


def load_corpus(score: ModuleType, truth: Path) -> tuple[list[dict[str, Any]], list[Page]]:
    records = score.load_pages(truth)
    pages = [Page(r["id"], r.get("url") or DEFAULT_URL, score.read_body(truth, r)) for r in records]
    return records, pages


# --- extractors ---------------------------------------------------------------------------------


def lxml_parse() -> Run:
    from lxml import html

    def run(body: bytes, url: str) -> dict[str, Any]:
        html.document_fromstring(body)
        return {}

    return run


def make_extractor(score: ModuleType, name: str, code: Path) -> Run:
    """score.py's own adapter for each extractor, so that both tools ask the same question."""
    if name == BASELINE:
        return lxml_parse()
    try:
        if name == "reviewcrawl":
            sys.path.insert(0, str(code.resolve()))
            importlib.import_module("reviewcrawl.extract")  # from that checkout, whatever the working directory
        return score.EXTRACTORS[name]()
    except ImportError as exc:
        hint = (
            "" if name == "reviewcrawl" else " Install the peers: .venv/bin/pip install -r benchmarks/requirements.txt."
        )
        sys.exit(f"extraction.py: cannot import {name}: {exc}.{hint} (Or leave it out with --extractors.)")


# --- running ------------------------------------------------------------------------------------


def collect(run: Run, pages: Sequence[Page]) -> dict[tuple[str, bytes], dict[str, Any] | Exception]:
    """One untimed pass: each page's answer, or the exception it raised."""
    answers: dict[tuple[str, bytes], dict[str, Any] | Exception] = {}
    for page in pages:
        try:
            answers[page.key] = run(page.body, page.url)
        except Exception as exc:
            answers[page.key] = exc
    return answers


def time_pass(run: Run, pages: Sequence[Page]) -> float:
    gc.collect()
    start = time.perf_counter()
    for page in pages:
        with contextlib.suppress(Exception):
            run(page.body, page.url)
    return time.perf_counter() - start


def rotated(names: Sequence[str], by: int) -> list[str]:
    by %= len(names)
    return [*names[by:], *names[:by]]


def time_rounds(runs: dict[str, Run], pages: Sequence[Page], rounds: int) -> dict[str, list[float]]:
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for round_no in range(rounds):
        order = rotated(list(runs), round_no)
        for name in order:
            seconds[name].append(time_pass(runs[name], pages))
        progress(f"round {round_no + 1}/{rounds}: " + ", ".join(f"{n} {seconds[n][-1]:.2f}s" for n in order))
    return seconds


def replay(answers: dict[tuple[str, bytes], dict[str, Any] | Exception]) -> Run:
    def run(body: bytes, url: str) -> dict[str, Any]:
        answer = answers[page_key(body, url)]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return run


def judge(score: ModuleType, truth: Path, records: list[dict[str, Any]], answers: dict) -> tuple[dict, list[str]]:
    """score.py's verdicts on recorded answers; its crash lines come back as a list."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        scored = score.score(records, truth, replay(answers), None)
    crashes = [line.removeprefix("crash ") for line in err.getvalue().splitlines() if line.startswith("crash ")]
    tally = {f: Counter(c) for f, c in scored["tally"].items() if f != "_crash"}
    return tally, crashes


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- summary ------------------------------------------------------------------------------------


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def ms_per_page(seconds: float, pages: int) -> float:
    return 1000 * seconds / max(pages, 1)


def speed(result: Result, baseline: Result, pages: int) -> dict[str, float]:
    best, median = min(result.seconds), statistics.median(result.seconds)
    base_best, base_median = min(baseline.seconds), statistics.median(baseline.seconds)
    return {
        "best_ms_per_page": ms_per_page(best, pages),
        "median_ms_per_page": ms_per_page(median, pages),
        "pages_per_s": pages / best if best else float("inf"),
        "ratio_best": best / base_best if base_best else float("inf"),
        "ratio_median": median / base_median if base_median else float("inf"),
        "spread": max(result.seconds) / best - 1 if best else 0.0,
    }


ACCURACY_HEADER = ["field", "extractor", "stated", "correct", "wrong", "missed", "absent", "invented"]
SPEED_HEADER = ["extractor", "ms/page best", "ms/page median", "pages/s", "× lxml best", "× lxml median", "spread"]
SPEED_HEADER.append("crashes")


def accuracy_cells(c: Counter[str]) -> list[str]:
    stated, absent = c["correct"] + c["wrong"] + c["missed"], c["quiet"] + c["invented"]
    shares = [pct(c[verdict], stated) for verdict in ("correct", "wrong", "missed")]
    return [str(stated), *shares, str(absent), pct(c["invented"], absent)]


def accuracy_rows(results: dict[str, Result]) -> list[list[str]]:
    """One row per field and extractor, fields first so that the extractors of a field sit together."""
    return [
        [field_name, name, *accuracy_cells(result.tally.get(field_name, Counter()))]
        for field_name in TABLE_FIELDS
        for name, result in results.items()
        if field_name in COVERS[name]
    ]


def speed_cells(s: dict[str, float]) -> list[str]:
    times = [f"{s['best_ms_per_page']:.2f}", f"{s['median_ms_per_page']:.2f}", f"{s['pages_per_s']:.0f}"]
    return [*times, f"{s['ratio_best']:.1f}", f"{s['ratio_median']:.1f}", f"{100 * s['spread']:.0f}%"]


def speed_rows(results: dict[str, Result], pages: int) -> list[list[str]]:
    return [
        [name, *speed_cells(speed(result, results[BASELINE], pages)), str(len(result.crashes))]
        for name, result in results.items()
    ]


def render_text(header: list[str], rows: list[list[str]], text_columns: int) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(w) if i < text_columns else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def render_markdown(header: list[str], rows: list[list[str]], text_columns: int) -> str:
    rule = [":--" if i < text_columns else "--:" for i in range(len(header))]
    return "\n".join("| " + " | ".join(row) + " |" for row in [header, rule, *rows])


LEGEND = (
    "correct, wrong, missed: share of the pages whose truth states the field (stated). "
    "invented: share of the pages whose truth says the field is absent (absent) where the extractor returned "
    "something. Verdicts are score.py's. × lxml: time over the time of `lxml.html.document_fromstring` alone "
    "on the same pages in the same run. spread: slowest round over fastest, minus 1."
)


# --- context ------------------------------------------------------------------------------------


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Model", "cpu model"):
                return value.strip()
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    return {
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "cpu_model": cpu_model(),
    }


def versions() -> dict[str, str]:
    out = {}
    for package in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[package] = metadata.version(package)
    return out


def git_state(code: Path) -> str:
    """The checkout's commit, marked when reviewcrawl/ has uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=code, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "reviewcrawl"], cwd=code, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    if head.returncode:
        return "unknown"
    return head.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def context_lines(setup: Setup) -> list[str]:
    m, v = machine(), versions()
    return [
        f"Pages: {setup.pages} ({setup.truth}); rounds: {setup.rounds}; reviewcrawl at {git_state(setup.code)}; "
        + ", ".join(f"{k} {v[k]}" for k in v)
        + ".",
        f"Machine: {m['machine']}, {m['cpus']} CPUs, {m['cpu_model']}, Python {m['python']}.",
    ]


# --- output -------------------------------------------------------------------------------------


def report(results: dict[str, Result], setup: Setup, markdown: bool) -> str:
    render = render_markdown if markdown else render_text
    accuracy = render(ACCURACY_HEADER, accuracy_rows(results), 2)
    speed_table = render(SPEED_HEADER, speed_rows(results, setup.pages), 1)
    heading = "### " if markdown else ""
    parts = [
        "\n".join(context_lines(setup)),
        f"{heading}Accuracy\n\n{accuracy}",
        f"{heading}Speed\n\n{speed_table}",
        LEGEND,
    ]
    crashes = [f"crash of {name} on {line}" for name, r in results.items() for line in r.crashes]
    if crashes:
        parts.append("\n".join(crashes))
    return "\n\n".join(parts)


def to_json(results: dict[str, Result], setup: Setup) -> dict[str, Any]:
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "truth": str(setup.truth),
        "pages": setup.pages,
        "rounds": setup.rounds,
        "reviewcrawl": {"code": str(setup.code.resolve()), "commit": git_state(setup.code)},
        "versions": versions(),
        "machine": machine(),
        "extractors": {
            name: {
                "fields": list(COVERS[name]),
                "seconds": r.seconds,
                **speed(r, results[BASELINE], setup.pages),
                "tally": {f: dict(c) for f, c in r.tally.items() if f in COVERS[name]},
                "crashes": r.crashes,
            }
            for name, r in results.items()
        },
    }


def run_benchmark(score: ModuleType, args: argparse.Namespace, truth: Path) -> tuple[dict[str, Result], Setup]:
    records, pages = load_corpus(score, truth)
    runs = {name: make_extractor(score, name, args.code) for name in args.extractors}
    results = {name: Result(name) for name in runs}
    for name, run in runs.items():
        progress(f"answers of {name} on {len(pages)} pages ...")
        if COVERS[name]:
            results[name].tally, results[name].crashes = judge(score, truth, records, collect(run, pages))
        else:
            collect(run, pages)  # the baseline answers nothing, but warms up like the others
    for name, seconds in time_rounds(runs, pages, args.rounds).items():
        results[name].seconds = seconds
    return results, Setup(truth, len(pages), args.rounds, args.code)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    truth = resolve_truth(args.pages)
    results, setup = run_benchmark(import_score(truth), args, truth)
    print(report(results, setup, args.markdown))
    if args.json:
        args.json.write_text(json.dumps(to_json(results, setup), indent=2) + "\n")
        progress(f"wrote {args.json}")


if __name__ == "__main__":
    main()
