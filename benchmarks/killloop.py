"""kill -9 loop: SIGKILL `scrapy crawl reviews` over the sample sites again and again against one
data directory, then one run to the end; print the figures (kills, phases hit, reviews recovered,
reviews published twice, time). The harness and its checks are tests/killloop.py (the test suite
runs it with 10 kills: tests/test_killsafe.py).

    python benchmarks/killloop.py                  # 30 kills, seed 20261122
    python benchmarks/killloop.py --kills 50 --seed 7
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import serve_sites  # noqa: E402
from tests.killloop import PHASES, kill_loop, time_a_run  # noqa: E402

REVIEWS = 14


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--verbose", action="store_true", help="a line per attempt")
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, serve_sites() as proxy:
        timing = time_a_run(Path(tmp) / "timed", proxy)
        report = kill_loop(Path(tmp) / "killed", proxy, timing, kills=args.kills, seed=args.seed,
                           progress=print if args.verbose else None)  # fmt: skip
    latest = report.latest()
    exported = report.exported()
    killed = [k for k in report.kills if k.killed]
    print(
        f"timed run: phases start at {', '.join(f'{p} {timing.starts[p]:.2f}s' for p in PHASES)}; ends {timing.end:.2f}s"
    )
    print(f"kills: {len(killed)} in {len(report.kills)} attempts (seed {args.seed}; "
          f"{report.finished_early} runs ended before their planned kill)")  # fmt: skip
    print("phases hit: " + ", ".join(f"{p} {report.hits.get(p, 0)}" for p in PHASES))
    print(f"published feeds: {len(report.feeds)} ({sum(1 for f in report.feeds.values() if f)} with records)")
    print(f"reviews in the published feeds: {len(latest)} of {REVIEWS} "
          f"({sum(1 for r in latest.values() if r['duplicate_of'])} near-copies marked)")  # fmt: skip
    print(f"reviews published in more than one feed: {sum(1 for n in exported.values() if n > 1)}")
    print(f"final run exit code: {report.final_code}")
    print(f"checks failed: {len(report.problems)}")
    for problem in report.problems:
        print(f"  {problem}")
    print(f"time: {report.seconds:.1f} s for the loop and the final run ({time.monotonic() - started:.1f} s in all)")
    ok = not report.problems and len(latest) == REVIEWS and all(n == 1 for n in exported.values())
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
