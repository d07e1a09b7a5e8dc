"""The ValidatePipeline's two checks of the JSON Schema agree: the compiled one (fastjsonschema,
every record) may refuse a record jsonschema passes (jsonschema then decides), never the reverse.

Records are the sample sites' real extractions, broken one field at a time the ways a bug in an
extractor or a site's markup would break them; then random values under hypothesis.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import fastjsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scrapy.utils.test import get_crawler

from reviewcrawl.extract import extract_review
from reviewcrawl.items import REVIEW_FIELDS, Rejected, Review, scrub
from reviewcrawl.pipelines import ValidatePipeline

from .conftest import NOW, demo_page

PAGES = [
    "http://prestonmoline.example/2025/06/07/ballerina.html",
    "http://reelverdict.example/ballerina-2025-review/",
    "http://headphonesthoughts.example/archives/1187/",
]
PIPELINE = ValidatePipeline.from_crawler(get_crawler(settings_dict={}))


def real_record(url: str) -> dict[str, Any]:
    fields = extract_review(demo_page(url), url, now=NOW).as_record()
    return {**{name: None for name in REVIEW_FIELDS}, **scrub(fields), "url": url, "site": "sample",
            "fetched_at": NOW.isoformat(), "run_id": "20261122T120000Z-abcd"}  # fmt: skip


RECORDS = [real_record(url) for url in PAGES]

# (path, value): each makes a record invalid
BROKEN: list[tuple[tuple[str, ...], Any]] = [
    (("url",), "ftp://x.example/r"), (("url",), None), (("url",), "/relative/path"), (("url",), "http://" + "a" * 4100),
    (("canonical_url",), ""), (("site",), ""), (("site",), None), (("site",), 7),
    (("title",), ""), (("title",), "t" * 1001), (("title",), ["Ballerina"]), (("title",), 3),
    (("author",), ""), (("author",), "a" * 501), (("author",), {"name": "Jane"}),
    (("date_published",), "07/06/2025"), (("date_published",), "2025-06-07T20:00"), (("date_published",), 20250607),
    (("date_published",), "2025-6-7"), (("date_modified",), "yesterday"),
    (("rating",), "4/5"), (("rating",), {}), (("rating", "value"), "4"), (("rating", "value"), None),
    (("rating", "value"), True), (("rating", "best"), 0), (("rating", "best"), -5), (("rating", "normalized"), 1.2),
    (("rating", "normalized"), -0.1), (("rating", "raw"), 4), (("rating", "extra"), 1),
    (("aggregate_rating",), []), (("aggregate_rating",), {"value": 4, "best": 5, "worst": 1, "raw": "4"}),
    (("item_reviewed",), "Ballerina"), (("item_reviewed",), {"name": "B", "type": None}),
    (("item_reviewed", "year"), 999), (("item_reviewed", "year"), 2025.5), (("item_reviewed", "year"), "2025"),
    (("language",), "english"), (("language",), "e"), (("text",), b"bytes"), (("fingerprint",), 12),
    (("duplicate_of",), "not a url"), (("duplicate_of",), ""), (("sources",), {"title": "guess"}),
    (("sources",), ["jsonld"]), (("sources", "date_published"), None), (("fetched_at",), "30 Nov 2026"),
    (("fetched_at",), None), (("run_id",), ""), (("run_id",), None), (("unknown_field",), 1),
]  # fmt: skip


def broken(record: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(record)
    where = out
    for key in path[:-1]:
        if where.get(key) is None:
            where[key] = {"value": 4, "best": 5, "worst": 0, "normalized": 0.8, "raw": "4/5"} if key.endswith(
                "rating") else {"name": "Ballerina", "type": "Movie", "year": 2025}  # fmt: skip
        where = where[key]
    where[path[-1]] = value
    return out


def quick_passes(record: dict[str, Any]) -> bool:
    try:
        PIPELINE.quick_check(record)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def test_the_real_records_pass_both_checks() -> None:
    for record in RECORDS:
        assert quick_passes(record) and not list(PIPELINE.validator.iter_errors(record)), record["url"]


@pytest.mark.parametrize(("path", "value"), BROKEN, ids=lambda x: repr(x)[:30])
def test_a_broken_field_fails_both_checks(path: tuple[str, ...], value: Any) -> None:
    for record in RECORDS:
        bad = broken(record, path, value)
        assert list(PIPELINE.validator.iter_errors(bad)), f"jsonschema passes {path}={value!r}"
        assert not quick_passes(bad), f"the compiled check passes {path}={value!r}"


def test_missing_fields_fail_both_checks() -> None:
    for name in REVIEW_FIELDS:
        bad = {k: v for k, v in RECORDS[0].items() if k != name}
        assert list(PIPELINE.validator.iter_errors(bad)) and not quick_passes(bad), name


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10_000) | st.floats(-10, 10, allow_nan=False)
    | st.sampled_from(["", "x", "2025-06-07", "http://x.example/r", "jsonld", "en-GB", "4/5"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["value", "best", "worst", "normalized", "raw", "count", "name", "type", "year", "title"]),
        inner, max_size=6),
    max_leaves=8,
)  # fmt: skip


@given(st.sampled_from(REVIEW_FIELDS), JSONISH, st.sampled_from(RECORDS))
def test_the_compiled_check_is_never_more_lenient(name: str, value: Any, record: dict[str, Any]) -> None:
    changed = {**record, name: value}
    if quick_passes(changed):
        assert not list(PIPELINE.validator.iter_errors(changed)), f"{name}={value!r}"


def test_the_pipeline_rejects_with_jsonschemas_reason_and_keeps_the_record() -> None:
    record = {k: v for k, v in RECORDS[1].items()}
    record["date_published"] = "07/06/2025"
    out = PIPELINE.process_item(Review(**record))
    assert isinstance(out, Rejected) and out.kind == "schema"
    assert out.reason.startswith("date_published: '07/06/2025' does not match")
    assert out.record == record


def test_the_pipeline_passes_a_real_record_through_unchanged() -> None:
    item = Review(**RECORDS[2])
    assert PIPELINE.process_item(item) is item and dt.datetime.fromisoformat(item.fetched_at or "")
