"""GcTuning (reviewcrawl/gctuning.py): the collector frozen and re-tuned for the crawl, given back after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from reviewcrawl.gctuning import GcTuning
from reviewcrawl.runs import ConfigurationError


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_frozen_and_tuned_while_the_spider_runs_and_given_back_after() -> None:
    crawler = get_crawler(settings_dict={"REVIEWCRAWL_GC_THRESHOLD": "5000,7,9"})
    ext = GcTuning.from_crawler(crawler)  # kept: signals hold their receivers weakly
    before = gc.get_threshold()
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    assert gc.get_threshold() == (5000, 7, 9) and gc.get_freeze_count() > 10_000
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0 and not ext.frozen


def test_the_project_default_tunes_both() -> None:
    from reviewcrawl import defaults, settings

    assert "reviewcrawl.gctuning.GcTuning" in settings.EXTENSIONS
    project = {"REVIEWCRAWL_GC_FREEZE": defaults.REVIEWCRAWL_GC_FREEZE,
               "REVIEWCRAWL_GC_THRESHOLD": defaults.REVIEWCRAWL_GC_THRESHOLD}  # fmt: skip
    ext = GcTuning.from_crawler(get_crawler(settings_dict=project))
    assert (ext.freeze, ext.threshold) == (True, (5000, 10, 10))


@pytest.mark.parametrize("value", ["many", "1,2,3,4", "-5"])
def test_a_bad_threshold_is_a_clear_error(value: str) -> None:
    with pytest.raises(ConfigurationError, match="REVIEWCRAWL_GC_THRESHOLD"):
        GcTuning.from_crawler(get_crawler(settings_dict={"REVIEWCRAWL_GC_THRESHOLD": value}))


def test_off_when_neither_is_asked_for() -> None:
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(
            get_crawler(settings_dict={"REVIEWCRAWL_GC_FREEZE": False, "REVIEWCRAWL_GC_THRESHOLD": ""})
        )
