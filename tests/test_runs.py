"""The run's verdict from its stats: one row per situation a cron run meets."""

from __future__ import annotations

from typing import Any

import pytest

from reviewcrawl.runs import ExitCode, SiteExpectation, decide

A, B = SiteExpectation("a", 3), SiteExpectation("b", 0)
SITE_A_OK = {"response_received_count": 100, "reviewcrawl/sites/a/start_ok": 2, "reviewcrawl/sites/a/reviews": 3}
BOTH_OK = {**SITE_A_OK, "reviewcrawl/sites/b/start_ok": 1}

VERDICTS: list[tuple[str, dict[str, Any], list[SiteExpectation], str | None, ExitCode, list[str]]] = [
    ("all well", BOTH_OK, [A, B], "finished", ExitCode.OK, []),
    ("one site of two unreachable", SITE_A_OK, [A, B], "finished", ExitCode.FAILED,
     ["site b: every start URL failed"]),
    ("reviews only dropped as near-copies still count", {**SITE_A_OK, "reviewcrawl/sites/a/reviews": 0,
     "reviewcrawl/sites/a/near_copies_dropped": 3}, [A], "finished", ExitCode.OK, []),
    ("no reviews, none expected", {**BOTH_OK, "reviewcrawl/sites/a/reviews": 0}, [B], "finished", ExitCode.OK, []),
    ("fewer than expected is a warning", {**SITE_A_OK, "reviewcrawl/sites/a/reviews": 1}, [A], "finished",
     ExitCode.OK, []),
    ("spider errors at the threshold", {**SITE_A_OK, "spider_exceptions/count": 5, "spider_exceptions/KeyError": 5},
     [A], "finished", ExitCode.OK, []),
    ("spider errors above the threshold", {**SITE_A_OK, "spider_exceptions/KeyError": 6}, [A], "finished",
     ExitCode.FAILED, ["spider and pipeline errors: 6.0% of pages, above REVIEWCRAWL_MAX_ERROR_RATE 5.0%"]),
    ("HTTP and download errors are the sites' own", {**SITE_A_OK, "httperror/response_ignored_status_count/500": 50,
     "downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError": 50}, [A], "finished", ExitCode.OK, []),
    ("a CLOSESPIDER limit: sites not checked", {}, [A], "closespider_pagecount", ExitCode.OK, []),
    ("closed by the error count", SITE_A_OK, [A], "closespider_errorcount", ExitCode.FAILED,
     ["the spider closed with reason 'closespider_errorcount'"]),
    ("interrupted: sites not checked", {}, [A], "shutdown", ExitCode.INTERRUPTED,
     ["interrupted (shutdown) before the crawl finished"]),
    ("a storage error outranks everything", {"reviewcrawl/errors/storage/OSError": 1}, [A], "shutdown",
     ExitCode.STORAGE, ["storage errors: OSError (1)"]),
    ("the near-copy index failed", {**SITE_A_OK, "reviewcrawl/errors/near_copy_index": 2}, [A], "finished",
     ExitCode.STORAGE, ["storage errors: near_copy_index (2)"]),
    ("a feed that could not be stored", {**SITE_A_OK, "feedexport/failed_count/AtomicFileFeedStorage": 1}, [A],
     "finished", ExitCode.STORAGE, ["storage errors: feed:AtomicFileFeedStorage (1)"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "stats", "sites", "reason", "code", "reasons"), VERDICTS, ids=[v[0] for v in VERDICTS]
)
def test_verdict(
    case: str,
    stats: dict[str, Any],
    sites: list[SiteExpectation],
    reason: str | None,
    code: ExitCode,
    reasons: list[str],
) -> None:
    verdict = decide(stats, sites, finish_reason=reason, max_error_rate=0.05)
    assert (verdict.code, verdict.reasons) == (code, reasons)


def test_fewer_reviews_than_expected_is_warned() -> None:
    verdict = decide(
        {**SITE_A_OK, "reviewcrawl/sites/a/reviews": 1}, [A], finish_reason="finished", max_error_rate=0.05
    )
    assert verdict.warnings == ["site a: 1 reviews, its profile expects 3"]
