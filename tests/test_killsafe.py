"""kill -9 at pseudo-random moments (tests/killloop.py): ten SIGKILLs in a row against one data
directory, spread over a run's phases, then one run to the end. After every kill the published
feeds are whole and unchanged, the database sound, no leftovers pile up; at the end every review
of the sample sites is in a published feed, and none in two (reviewcrawl/recovery.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import serve_sites
from .killloop import Report, kill_loop, time_a_run

REVIEWS = 14  # the sample sites' reviews
NEAR_COPIES = 4  # of them, reviewroundup's copies of the other sites' reviews
SEED = 20261122


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    with serve_sites() as proxy:
        timing = time_a_run(tmp_path_factory.mktemp("timed"), proxy)
        report = kill_loop(tmp_path_factory.mktemp("killed"), proxy, timing, kills=10, seed=SEED, progress=print)
    print(f"kills {sum(k.killed for k in report.kills)}, phases hit {dict(report.hits)}, "
          f"{report.finished_early} ran to the end first, {report.seconds} s")  # fmt: skip
    yield report


def test_ten_kills_in_a_row(loop: Report) -> None:
    assert sum(k.killed for k in loop.kills) >= 10, loop.kills


def test_every_check_after_every_kill_holds(loop: Report) -> None:
    assert loop.problems == []


def test_kills_landed_before_and_during_the_crawl(loop: Report) -> None:
    """The seeded moments reach the run's first phases whatever the machine's speed (the close is
    short: whether it is hit, and before or after the rename, depends on timing)."""
    assert {"start", "fetching", "exporting"} <= set(loop.hits), loop.hits


def test_nothing_collected_is_lost(loop: Report) -> None:
    latest = loop.latest()
    copies = sum(1 for r in latest.values() if r["duplicate_of"])
    assert (loop.final_code, len(latest), copies) == (0, REVIEWS, NEAR_COPIES)


def test_no_review_is_published_twice(loop: Report) -> None:
    assert [url for url, n in loop.exported().items() if n > 1] == []
