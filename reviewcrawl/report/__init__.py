"""The run report: one self-contained HTML file an analyst opens instead of reading logs.

Built from the database (reviews, duplicates, runs): reviews per site and per day, the
distribution of normalized ratings per site, field fill rates per site with the signal that
filled them, near-copy clusters (which sites copy which), errors by kind with example URLs, and
the runs over time. ``data`` reads and counts, ``charts`` draws (matplotlib, inline SVG),
``page`` writes the HTML. Made by ``scrapy report`` and, with ``REVIEWCRAWL_REPORT = True``, by
every run beside its feed (reviewcrawl/extensions.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from reviewcrawl.feeds import part_path
from reviewcrawl.report.data import ReportData, UnknownRun, gather, parse_since
from reviewcrawl.storage import Store

__all__ = ["ReportData", "UnknownRun", "build_report", "parse_since", "write_report"]


def build_report(store: Store, *, run_id: str | None = None, since: str | None = None, database: str = "") -> str:
    """The report's HTML for one run, the runs since a time (parse_since), or everything;
    UnknownRun for a run the database does not have. ``database``: the URL the page names (without
    its password: redact), by default the store's own description."""
    from reviewcrawl.report.charts import render_charts  # matplotlib: imported when a report is made
    from reviewcrawl.report.page import render_page

    data = gather(store, run_id=run_id, since=since)
    return render_page(data, render_charts(data), database=database or store.where)


def write_report(path: Path, html: str) -> None:
    """Write the report under a temporary name and rename it into place: a reader never sees
    half a page, and a failed write leaves no file behind."""
    part = part_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        part.write_text(html, encoding="utf-8")
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
