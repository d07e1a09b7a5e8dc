"""What a run report shows, read from the database and counted: no HTML, no charts.

Reads go through the Store's report queries (reviewcrawl/storage/base.py), the same on SQLite and
PostgreSQL; everything else is counting in Python, over the rows of one selection (a run, the runs
since a date, or all), so that both backends give the same report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from reviewcrawl.storage import Store

__all__ = ["FIELDS", "Cluster", "Copy", "ReportData", "SiteFill", "UnknownRun", "gather", "parse_since"]

#: the fields whose fill rate a report shows: (label, the record's field in ``sources``)
FIELDS = (("title", "title"), ("author", "author"), ("date", "date_published"), ("rating", "rating"),
          ("text", "text"))  # fmt: skip
#: reviews listed one by one in a report (the latest first seen); its counts and charts cover them all
MAX_LISTED = 500
#: example URLs kept per fault kind, across runs (a run summary keeps up to 5 a kind)
MAX_URLS = 5


class UnknownRun(LookupError):
    """The database has no run of that id."""


def parse_since(text: str) -> str:
    """A date or date-time (ISO 8601; UTC when it has no offset) as the UTC text the database's
    times are compared with; ValueError when it is neither.

    >>> parse_since("2026-11-22"), parse_since("2026-11-22T07:00+02:00")
    ('2026-11-22T00:00:00+00:00', '2026-11-22T05:00:00+00:00')
    """
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+HH:MM])") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass
class SiteFill:
    """One site's fill rates: how many of its reviews have each field, and from which signal."""

    reviews: int = 0
    filled: Counter[str] = field(default_factory=Counter)
    #: field label -> signal (jsonld, microdata, meta, profile, text, url; "?" when not said) -> reviews
    sources: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def rate(self, label: str) -> float:
        return self.filled[label] / self.reviews if self.reviews else 0.0


@dataclass(frozen=True)
class Copy:
    url: str
    site: str
    title: str | None
    similarity: float | None
    containment: float | None
    exact: bool
    dropped: bool


@dataclass
class Cluster:
    """An original and the near-copies linked to it."""

    url: str
    site: str
    title: str | None
    copies: list[Copy] = field(default_factory=list)


@dataclass
class ReportData:
    #: what the report covers, in words
    selection: str
    run_id: str | None
    since: str | None
    reviews: int = 0
    near_copies: int = 0
    #: site -> (originals, near-copies)
    per_site: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: day first seen (UTC) -> site -> reviews
    per_day: dict[str, Counter[str]] = field(default_factory=dict)
    #: site -> normalized ratings (0..1)
    ratings: dict[str, list[float]] = field(default_factory=dict)
    fill: dict[str, SiteFill] = field(default_factory=dict)
    clusters: list[Cluster] = field(default_factory=list)
    #: (copying site, original's site) -> near-copies
    copy_pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: kind (http, download, validation...) -> status, class or reason -> count
    errors: dict[str, Counter[str]] = field(default_factory=dict)
    #: fault kind -> (count, example URLs)
    faults: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    #: run rows in the order they started, with ``duration`` (seconds or None)
    runs: list[dict[str, Any]] = field(default_factory=list)
    #: the latest reviews first seen (Store.report_reviews, at most MAX_LISTED), for the list at the end
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sites(self) -> list[str]:
        return sorted(self.per_site)


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _sources(text: str | None) -> dict[str, str]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _duration(run: dict[str, Any]) -> float | None:
    try:
        start = dt.datetime.fromisoformat(run["started_at"])
        end = dt.datetime.fromisoformat(run["finished_at"])
    except (TypeError, ValueError):  # a run still running, or killed: no end
        return None
    return max((end - start).total_seconds(), 0.0)


def _count_reviews(data: ReportData, groups: list[tuple[Any, ...]]) -> None:
    """Fold Store.report_review_groups' counts into the report's tables."""
    per_site: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    ratings: dict[str, list[float]] = defaultdict(list)
    fill: dict[str, SiteFill] = defaultdict(SiteFill)
    for site, day, copy, sources_text, title, author, date, text, rating, n in groups:
        per_site[site][int(copy)] += n
        per_day[str(day)][site] += n
        if rating is not None:
            ratings[site] += [float(rating)] * n
        sources = _sources(sources_text)
        site_fill = fill[site]
        site_fill.reviews += n
        for (label, name), filled in zip(FIELDS, (title, author, date, rating is not None, text), strict=True):
            if filled:
                site_fill.filled[label] += n
                site_fill.sources[label][str(sources.get(name) or "?")] += n
    data.reviews = sum(sum(n) for n in per_site.values())
    data.near_copies = sum(copies for _, copies in per_site.values())
    data.per_site = {site: (n[0], n[1]) for site, n in sorted(per_site.items())}
    data.per_day = dict(sorted(per_day.items()))
    data.ratings = {site: sorted(rs) for site, rs in sorted(ratings.items())}
    data.fill = dict(sorted(fill.items()))


def _count_duplicates(data: ReportData, links: list[dict[str, Any]]) -> None:
    clusters: dict[str, Cluster] = {}
    for link in links:
        original = link["original_url"]
        cluster = clusters.get(original)
        if cluster is None:
            cluster = clusters[original] = Cluster(
                original, link["original_site"] or _host(original), link["original_title"]
            )
        copy = Copy(url=link["copy_url"], site=link["copy_site"] or _host(link["copy_url"]), title=link["copy_title"],
                    similarity=link["similarity"], containment=link["containment"], exact=bool(link["exact"]),
                    dropped=bool(link["dropped"]))  # fmt: skip
        cluster.copies.append(copy)
        data.copy_pairs[(copy.site, cluster.site)] += 1
    data.clusters = sorted(clusters.values(), key=lambda c: (-len(c.copies), c.site, c.url))


def _count_errors(data: ReportData, runs: list[dict[str, Any]]) -> None:
    errors: dict[str, Counter[str]] = defaultdict(Counter)
    faults: dict[str, tuple[int, list[str]]] = {}
    for run in runs:
        summary = run["summary"] if isinstance(run["summary"], dict) else {}
        for kind, details in (summary.get("errors_by_kind") or {}).items():
            for detail, n in (details or {}).items():
                errors[kind][detail] += int(n)
        for kind, fault in (summary.get("faults") or {}).items():
            count, urls = faults.get(kind, (0, []))
            more = [u for u in fault.get("urls") or [] if u not in urls]
            faults[kind] = (count + int(fault.get("count") or 0), (urls + more)[:MAX_URLS])
    data.errors = {kind: details for kind, details in sorted(errors.items()) if details}
    data.faults = dict(sorted(faults.items()))


def gather(store: Store, *, run_id: str | None = None, since: str | None = None) -> ReportData:
    """Everything a report shows, for one run (``run_id``: the reviews it exported, the
    near-copies it found, its errors, and the runs up to it for context), the runs since a time
    (``since``, from parse_since: the reviews seen and near-copies found since then, those runs),
    or everything. UnknownRun when the database has no run ``run_id``."""
    until = None
    if run_id is not None:
        until = store.run_started_at(run_id)
        if until is None:
            raise UnknownRun(f"no run {run_id!r} in the database")
        selection = f"run {run_id}"
    elif since is not None:
        selection = f"runs since {since}"
    else:
        selection = "every run in the database"
    data = ReportData(selection=selection, run_id=run_id, since=since)
    _count_reviews(data, store.report_review_groups(run_id=run_id, since=since))
    data.rows = store.report_reviews(run_id=run_id, since=since, limit=MAX_LISTED)
    _count_duplicates(data, store.report_duplicates(run_id=run_id, since=since))
    data.runs = [{**run, "duration": _duration(run)} for run in store.report_runs(until=until, since=since)]
    _count_errors(data, [r for r in data.runs if run_id is None or r["run_id"] == run_id])
    return data
