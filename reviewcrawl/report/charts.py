"""The report's charts: matplotlib figures written as SVG, to go inline in the HTML page.

No pyplot (no global figure state, no GUI backend): each chart is a ``Figure`` saved by the SVG
backend with text left as text (``svg.fonttype = none``: the page's fonts draw it, it stays
selectable and small), no math parsing (a ``$`` in a site name is a dollar sign), a fixed hash salt
and no date in the metadata (the same data gives the same bytes). Several SVGs share one HTML
document, so every id in a chart is prefixed with the chart's name (matplotlib numbers its ids the
same way in every figure), and the XML prologue and metadata, which mean nothing inline, are cut.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import matplotlib
import matplotlib.dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reviewcrawl.report.data import FIELDS, ReportData

__all__ = ["CHARTS", "render_charts"]

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "reviewcrawl",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.axisbelow": True,
}
#: the width of every chart, in inches (the page scales them to its column)
WIDTH = 9.0
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")  # fmt: skip
#: a site's ratings drawn one dot each up to this many
MAX_DOTS = 300
#: one colour per extraction signal, the same in every chart
SOURCE_COLOURS = {"jsonld": "#4e79a7", "microdata": "#76b7b2", "meta": "#f28e2b", "profile": "#b07aa1",
                  "text": "#59a14f", "url": "#edc948", "?": "#bab0ac"}  # fmt: skip


def _height(rows: int, per_row: float = 0.32, extra: float = 1.1) -> float:
    return max(1.5, extra + per_row * rows)


def _svg(fig: Figure, name: str) -> str:
    """The figure as an inline <svg>: ids prefixed with the chart's name, sized by the page (its
    viewBox kept, width and height dropped), no prologue, metadata or namespace declarations."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\s(?:xmlns(?::\w+)?|width|height|version)="[^"]*"', "", text.split(">", 1)[0], count=0) + (
        ">" + text.split(">", 1)[1]
    )
    text = text.replace('id="', f'id="{name}-').replace("url(#", f"url(#{name}-").replace('href="#', f'href="#{name}-')
    return text.replace("<svg", f'<svg role="img" aria-label="{name.replace("-", " ")}"', 1).strip()


def reviews_per_site(data: ReportData) -> Figure | None:
    if not data.per_site:
        return None
    sites = data.sites
    fig = Figure(figsize=(WIDTH, _height(len(sites))), layout="constrained")
    ax = fig.add_subplot()
    originals = [data.per_site[s][0] for s in sites]
    copies = [data.per_site[s][1] for s in sites]
    ax.barh(sites, originals, color=PALETTE[0], label="originals")
    ax.barh(sites, copies, left=originals, color=PALETTE[1], label="near-copies")
    for y, (a, b) in enumerate(zip(originals, copies, strict=True)):
        ax.text(a + b, y, f" {a + b}", va="center")
    ax.invert_yaxis()
    ax.set_xlabel("reviews")
    ax.margins(x=0.08)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def reviews_per_day(data: ReportData) -> Figure | None:
    days = {}
    for day in data.per_day:
        with contextlib.suppress(ValueError):  # first_seen is ISO 8601; a row written by hand may not be
            days[day] = dt.date.fromisoformat(day)
    if not days:
        return None
    fig = Figure(figsize=(WIDTH, 2.6), layout="constrained")
    ax = fig.add_subplot()
    when = list(days.values())
    bottom = [0] * len(when)
    for i, site in enumerate(data.sites):
        counts = [data.per_day[d][site] for d in days]
        ax.bar(when, counts, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=site, width=0.8)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    pad = max((max(when) - min(when)) * 0.03, dt.timedelta(days=3))  # a day or two: narrow bars, not a wall
    ax.set_xlim(min(when) - pad, max(when) + pad)
    locator = mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("reviews first seen")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def ratings(data: ReportData) -> Figure | None:
    if not data.ratings:
        return None
    sites = list(data.ratings)
    fig = Figure(figsize=(WIDTH, _height(len(sites), 0.45)), layout="constrained")
    ax = fig.add_subplot()
    values = [data.ratings[s] for s in sites]
    ax.boxplot(values, orientation="horizontal", tick_labels=sites, widths=0.5, showfliers=False,
               medianprops={"color": PALETTE[1]})  # fmt: skip
    for y, vs in enumerate(values, 1):  # every rating as a dot, spread over the row by its rank
        if len(vs) > MAX_DOTS:  # past that the dots are a smudge (and an SVG element each): the box says it
            continue
        spread = [((i * 0.618) % 1 - 0.5) * 0.3 for i in range(len(vs))]
        ax.scatter(vs, [y + s for s in spread], s=14, color=PALETTE[0], alpha=0.7, zorder=3)
    ax.set_xlim(-0.02, 1.02)
    ax.invert_yaxis()
    ax.set_xlabel("normalized rating (0 = worst, 1 = best)")
    return fig


def fill_rates(data: ReportData) -> Figure | None:
    if not data.fill:
        return None
    sites = list(data.fill)
    fig = Figure(figsize=(WIDTH, _height(len(sites), 0.32, 1.5)), layout="constrained")
    axes = fig.subplots(1, len(FIELDS), sharey=True)
    used: dict[str, Any] = {}
    for ax, (label, _) in zip(axes, FIELDS, strict=True):
        left = [0.0] * len(sites)
        for source, colour in SOURCE_COLOURS.items():
            shares = [100 * data.fill[s].sources[label][source] / data.fill[s].reviews for s in sites]
            if any(shares):
                used[source] = ax.barh(sites, shares, left=left, color=colour, height=0.7)
                left = [a + b for a, b in zip(left, shares, strict=True)]
        ax.barh(sites, [100 - v for v in left], left=left, color="#eeeeee", height=0.7)
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 50, 100], ["0", "50", "100%"])
        ax.set_title(label)
        ax.grid(axis="y", visible=False)
    axes[0].invert_yaxis()
    fig.legend(list(used.values()), list(used), loc="outside lower center", ncols=len(used) or 1, frameon=False,
               title="filled from")  # fmt: skip
    return fig


def near_copies(data: ReportData) -> Figure | None:
    if not data.copy_pairs:
        return None
    pairs = sorted(data.copy_pairs.items(), key=lambda p: (-p[1], p[0]))
    labels = [f"{copier} copies {original}" for (copier, original), _ in pairs]
    fig = Figure(figsize=(WIDTH, _height(len(pairs))), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(labels, [n for _, n in pairs], color=PALETTE[1], height=0.6)
    ax.invert_yaxis()
    ax.set_xlabel("near-copies")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def errors(data: ReportData) -> Figure | None:
    rows = sorted(((f"{kind}: {detail}", n) for kind, details in data.errors.items() for detail, n in details.items()),
                  key=lambda r: (-r[1], r[0]))  # fmt: skip
    if not rows:
        return None
    fig = Figure(figsize=(WIDTH, _height(len(rows))), layout="constrained")
    ax = fig.add_subplot()
    ax.barh([r[0] for r in rows], [r[1] for r in rows], color=PALETTE[3], height=0.6)
    ax.invert_yaxis()
    ax.set_xlabel("errors")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def runs(data: ReportData) -> Figure | None:
    history = [r for r in data.runs if r["started_at"]]
    if not history:
        return None
    when = [dt.datetime.fromisoformat(r["started_at"]) for r in history]
    fig = Figure(figsize=(WIDTH, 4.2), layout="constrained")
    counts, duration = fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    for i, name in enumerate(("pages", "reviews", "errors")):
        counts.plot(when, [r[name] for r in history], marker="o", color=PALETTE[(0, 2, 3)[i]], label=name)
    counts.set_ylabel("per run")
    counts.set_ylim(bottom=0)
    counts.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    seconds = [r["duration"] if r["duration"] is not None else float("nan") for r in history]
    duration.plot(when, seconds, marker="o", color=PALETTE[6])
    duration.set_ylabel("duration (s)")
    duration.set_ylim(bottom=0)
    if data.run_id is not None:
        for r, t in zip(history, when, strict=True):
            if r["run_id"] == data.run_id:
                for ax in (counts, duration):
                    ax.axvline(t, color="#999999", linestyle="--", linewidth=1)
    # a few runs close together would sit in the middle of years of axis: an hour around them at least
    pad = max((when[-1] - when[0]) * 0.05, dt.timedelta(hours=1))
    duration.set_xlim(when[0] - pad, when[-1] + pad)
    locator = mdates.AutoDateLocator()
    duration.xaxis.set_major_locator(locator)
    duration.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return fig


#: (name, heading, what it draws), in the page's order
CHARTS: tuple[tuple[str, Callable[[ReportData], Figure | None]], ...] = (
    ("reviews-per-site", reviews_per_site),
    ("reviews-per-day", reviews_per_day),
    ("ratings", ratings),
    ("fill-rates", fill_rates),
    ("near-copies", near_copies),
    ("errors", errors),
    ("runs", runs),
)


def render_charts(data: ReportData) -> dict[str, str]:
    """Each chart the data has something for, by name, as inline SVG; a chart with nothing to
    draw (no reviews, no errors) is left out and the page says so in words."""
    out = {}
    with matplotlib.rc_context(RC):
        for name, draw in CHARTS:
            fig = draw(data)
            if fig is not None:
                out[name] = _svg(fig, name)
    return out
