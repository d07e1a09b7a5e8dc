"""The report as one HTML file: inline CSS, inline SVG charts, a few lines of inline script to
sort tables, nothing fetched when it is opened (a Content-Security-Policy says so, and would
block anything else: a script smuggled into a title would not run even if escaping failed).

Every string from the database (titles, authors, URLs, site names: all of them come from the
web) goes through ``escape``; only http(s) URLs become links.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import statistics
from collections.abc import Iterable, Sequence
from html import escape as _escape
from typing import Any

from reviewcrawl.report.charts import MAX_DOTS
from reviewcrawl.report.data import FIELDS, ReportData

__all__ = ["render_page"]

#: runs listed in the runs table (the latest); the chart shows them all
MAX_RUNS = 100
#: near-copy clusters listed (the largest); the site-to-site counts cover them all
MAX_CLUSTERS = 200

CSS = """
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --band: #f6f8fa; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
header h1 { font-size: 22px; margin: 8px 0 2px; }
header p { margin: 2px 0; color: var(--muted); }
nav { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line); padding: 6px 0;
      margin-bottom: 8px; z-index: 1; }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-top: 4px; border-top: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card b { display: block; font-size: 22px; }
.card span { color: var(--muted); }
figure.chart { margin: 8px 0 12px; }
figure.chart svg { display: block; width: 100%; height: auto; max-width: 1000px; }
figcaption, .note { color: var(--muted); font-size: 13px; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--band); white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.d { white-space: nowrap; }
table.sortable th { cursor: pointer; }
table.sortable th[data-dir="asc"]::after { content: " \\25B2"; }
table.sortable th[data-dir="desc"]::after { content: " \\25BC"; }
tr.selected td { background: #fff8c5; }
tbody.cluster tr:first-child td { border-top: 2px solid var(--line); }
.src { color: var(--muted); font-size: 12px; }
a { color: var(--accent); overflow-wrap: anywhere; }
@media print {
  nav { display: none; }
  main { max-width: none; padding: 0; }
  body { font-size: 11px; }
  h2 { break-after: avoid; }
  figure.chart, tr, .card, header { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  figure.chart svg { max-width: 100%; }
}
@page { margin: 14mm; }
"""

#: click a column heading to sort by it (again: the other way); numbers by their data-sort value
SCRIPT = """
for (const table of document.querySelectorAll("table.sortable")) {
  table.querySelectorAll("thead th").forEach((th, col) => {
    th.tabIndex = 0;
    const sort = () => {
      const dir = th.dataset.dir === "asc" ? "desc" : "asc";
      table.querySelectorAll("thead th").forEach((h) => delete h.dataset.dir);
      th.dataset.dir = dir;
      const key = (row) => { const c = row.cells[col]; return c ? (c.dataset.sort ?? c.textContent.trim()) : ""; };
      const rows = Array.from(table.tBodies[0].rows);
      rows.sort((a, b) => {
        const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        const c = x === "" || y === "" ? (x === "") - (y === "") : !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
        return dir === "asc" ? c : -c;
      });
      for (const row of rows) table.tBodies[0].appendChild(row);
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter") sort(); });
  });
}
"""


def escape(value: Any) -> str:
    """Any value as HTML text (quotes too: it may go into an attribute); None as nothing."""
    return "" if value is None else _escape(str(value), quote=True)


def link(url: str | None, text: Any = None) -> str:
    """An http(s) URL as a link (the text escaped); any other scheme (javascript:, data:) as text."""
    if not url:
        return escape(text)
    label = escape(url if text is None else text)
    if not url.lower().startswith(("http://", "https://")):
        return label
    return f'<a href="{escape(url)}" rel="noopener noreferrer nofollow">{label}</a>'


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def num(value: Any, digits: int = 0) -> str:
    """A numeric cell: the number shown, its exact value to sort by."""
    if value is None:
        return '<td class="n" data-sort=""></td>'
    shown = f"{value:,.{digits}f}" if isinstance(value, int | float) else escape(value)
    return f'<td class="n" data-sort="{escape(value)}">{shown}</td>'


def table(headings: Sequence[str], rows: Iterable[str], *, numeric: Iterable[int] = (), sortable: bool = True,
          cls: str = "") -> str:  # fmt: skip
    """A table from pre-rendered <tr> rows; ``numeric``: the columns aligned right."""
    right = set(numeric)
    head = "".join(
        f'<th{" class=n" if i in right else ""} scope="col">{escape(h)}</th>' for i, h in enumerate(headings)
    )
    classes = " ".join(c for c in ("sortable" if sortable else "", cls) if c)
    return (f'<div class="table"><table class="{classes}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")  # fmt: skip


def figure(charts: dict[str, str], name: str, caption: str, empty: str) -> str:
    """A chart with its caption, or the sentence that says why there is none."""
    if name not in charts:
        return f'<p class="note" data-no-chart="{escape(name)}">{escape(empty)}</p>'
    return f'<figure class="chart" data-chart="{escape(name)}">{charts[name]}<figcaption>{escape(caption)}</figcaption></figure>'


def _overview(data: ReportData) -> str:
    runs = [r for r in data.runs if data.run_id is None or r["run_id"] == data.run_id]
    errors = sum(sum(d.values()) for d in data.errors.values())
    cards = [("reviews", data.reviews), ("near-copies", data.near_copies), ("sites", len(data.per_site)),
             ("runs", len(runs)), ("errors", errors)]  # fmt: skip
    html = "".join(f'<div class="card"><b>{n:,}</b><span>{escape(label)}</span></div>' for label, n in cards)
    note = "" if data.reviews else '<p class="note">No reviews in this selection.</p>'
    return f'<div class="cards">{html}</div>{note}'


def _reviews(data: ReportData, charts: dict[str, str]) -> str:
    rows = []
    for site, (originals, copies) in data.per_site.items():
        rs = data.ratings.get(site, [])
        mean = round(statistics.fmean(rs), 3) if rs else None
        rows.append(f"<tr><td>{escape(site)}</td>{num(originals + copies)}{num(originals)}{num(copies)}"
                    f"{num(mean, 2)}</tr>")  # fmt: skip
    parts = [
        '<h2 id="reviews">Reviews per site and per day</h2>',
        figure(charts, "reviews-per-site", "Reviews per site: originals and near-copies of other sites' reviews.",
               "No reviews in this selection."),
    ]  # fmt: skip
    if rows:
        parts.append(table(["site", "reviews", "originals", "near-copies", "mean rating"], rows, numeric=(1, 2, 3, 4)))
    parts.append(figure(charts, "reviews-per-day", "Reviews by the day they were first seen (UTC), by site.",
                        "No reviews, so no days to show."))  # fmt: skip
    return "".join(parts)


def _ratings(data: ReportData, charts: dict[str, str]) -> str:
    rows = []
    for site, rs in data.ratings.items():
        quartiles = statistics.quantiles(rs, n=4) if len(rs) > 1 else [rs[0]] * 3
        rows.append(f"<tr><td>{escape(site)}</td>{num(len(rs))}{num(min(rs), 2)}{num(quartiles[0], 2)}"
                    f"{num(statistics.median(rs), 2)}{num(quartiles[2], 2)}{num(max(rs), 2)}</tr>")  # fmt: skip
    return "".join([
        '<h2 id="ratings">Normalized ratings per site</h2>',
        figure(charts, "ratings", "The reviewer's own rating, normalized to 0–1 ((value − worst) / (best − worst)): "
               "a box from the first to the third quartile, the median in orange, each review a dot (for sites with "
               f"up to {MAX_DOTS} rated reviews).",
               "No review in this selection has a rating."),
        table(["site", "rated", "min", "Q1", "median", "Q3", "max"], rows, numeric=range(1, 7)) if rows else "",
    ])  # fmt: skip


def _fill(data: ReportData, charts: dict[str, str]) -> str:
    rows = []
    for site, fill in data.fill.items():
        cells = []
        for label, _ in FIELDS:
            by = ", ".join(f"{escape(src)} {pct(n, fill.reviews)}" for src, n in fill.sources[label].most_common())
            cells.append(f'<td class="n" data-sort="{fill.rate(label):.4f}">{pct(fill.filled[label], fill.reviews)}'
                         f'{f"<br><span class=src>{by}</span>" if by else ""}</td>')  # fmt: skip
        rows.append(f"<tr><td>{escape(site)}</td>{num(fill.reviews)}{''.join(cells)}</tr>")
    return "".join([
        '<h2 id="fill">Field fill rates per site, and the signal that filled them</h2>',
        figure(charts, "fill-rates", "Share of each site's reviews with the field, coloured by where it came from "
               "(the record's sources: JSON-LD, microdata, meta tags, the site profile, the page text, the URL); grey: empty.",
               "No reviews, so no fill rates."),
        table(["site", "reviews", *(label for label, _ in FIELDS)], rows, numeric=range(1, 2 + len(FIELDS)))
        if rows else "",
    ])  # fmt: skip


def _copies(data: ReportData, charts: dict[str, str]) -> str:
    pairs = [f"<tr><td>{escape(copier)}</td><td>{escape(original)}</td>{num(n)}</tr>"
             for (copier, original), n in sorted(data.copy_pairs.items(), key=lambda p: (-p[1], p[0]))]  # fmt: skip
    bodies = []
    for cluster in data.clusters[:MAX_CLUSTERS]:
        head = (f'<tr><td rowspan="{len(cluster.copies) + 1}">{escape(cluster.site)}</td>'
                f'<td colspan="5"><b>original:</b> {link(cluster.url, cluster.title or cluster.url)}</td></tr>')  # fmt: skip
        copies = "".join(
            f"<tr><td>{escape(c.site)}</td><td>{link(c.url, c.title or c.url)}</td>{num(c.similarity, 2)}"
            f"{num(c.containment, 2)}<td>{'exact' if c.exact else ''}{' dropped' if c.dropped else ''}</td></tr>"
            for c in cluster.copies
        )
        bodies.append(f'<tbody class="cluster">{head}{copies}</tbody>')
    clusters = ""
    if bodies:
        clusters = ('<h3>Clusters: each original and its near-copies</h3><div class="table"><table><thead><tr>'
                    '<th scope="col">original\'s site</th><th scope="col">copy\'s site</th><th scope="col">review</th>'
                    '<th class="n" scope="col">similarity</th><th class="n" scope="col">containment</th>'
                    f'<th scope="col"></th></tr></thead>{"".join(bodies)}</table></div>')  # fmt: skip
        if len(data.clusters) > MAX_CLUSTERS:
            clusters += f'<p class="note">The {MAX_CLUSTERS} largest of {len(data.clusters):,} clusters.</p>'
    return "".join([
        '<h2 id="copies">Near-copies: which sites copy which</h2>',
        figure(charts, "near-copies", "Near-copies by the site that published the copy and the site of the original.",
               "No near-copies in this selection."),
        table(["copying site", "original's site", "near-copies"], pairs, numeric=(2,)) if pairs else "",
        clusters,
        '<p class="note">Similarity: the estimated resemblance of the two texts; containment: the share of the '
        "shorter text found in the longer (an excerpt scores high here).</p>" if bodies else "",
    ])  # fmt: skip


def _errors(data: ReportData, charts: dict[str, str]) -> str:
    rows = [f"<tr><td>{escape(kind)}</td><td>{escape(detail)}</td>{num(n)}</tr>"
            for kind, details in data.errors.items() for detail, n in sorted(details.items())]  # fmt: skip
    faults = [f"<tr><td>{escape(kind)}</td>{num(count)}<td>{'<br>'.join(link(u) for u in urls)}</td></tr>"
              for kind, (count, urls) in data.faults.items()]  # fmt: skip
    return "".join([
        '<h2 id="errors">Errors by kind</h2>',
        figure(charts, "errors", "Errors of the selected runs by kind: HTTP statuses, download failures, rejected "
               "records, spider, pipeline and storage errors.", "No errors in the selected runs."),
        table(["kind", "status, class or reason", "count"], rows, numeric=(2,)) if rows else "",
        "<h3>Faults of the sites, with example URLs</h3>" if faults else "",
        table(["fault", "count", "example URLs"], faults, numeric=(1,)) if faults else "",
    ])  # fmt: skip


def _runs(data: ReportData, charts: dict[str, str]) -> str:
    rows = []
    for run in data.runs[-MAX_RUNS:][::-1]:
        selected = ' class="selected"' if run["run_id"] == data.run_id else ""
        rows.append(
            f"<tr{selected}><td>{escape(run['run_id'])}</td><td class=d>{escape(run['started_at'])}</td>"
            f"<td>{escape(run['status'])}{'' if run['published'] else ' (not published)'}</td>{num(run['pages'])}"
            f"{num(run['reviews'])}{num(run['near_copies'])}{num(run['errors'])}{num(run['duration'], 0)}</tr>"
        )
    more = len(data.runs) - MAX_RUNS
    return "".join([
        '<h2 id="runs">Runs over time</h2>',
        figure(charts, "runs", "Pages fetched, reviews exported and errors per run, and how long each run took"
               + (" (the dashed line: this report's run)." if data.run_id else "."), "No runs recorded."),
        table(["run", "started (UTC)", "status", "pages", "reviews", "near-copies", "errors", "duration (s)"], rows,
              numeric=range(3, 8)) if rows else "",
        f'<p class="note">The latest {MAX_RUNS} of {len(data.runs)} runs.</p>' if more > 0 else "",
    ])  # fmt: skip


def _review_list(data: ReportData) -> str:
    rows = [
        f"<tr><td>{escape(r['site'])}</td><td>{link(r['url'], r['title'] or '(no title)')}</td>"
        f"<td>{escape(r['author'])}</td><td class=d>{escape((r['date_published'] or '')[:10])}</td>"
        f"{num(r['rating_normalized'], 2)}<td>{link(r['duplicate_of'])}</td></tr>"
        for r in data.rows
    ]
    more = data.reviews > len(data.rows)
    note = f'<p class="note">The {len(data.rows):,} first seen last, of {data.reviews:,}.</p>' if more else ""
    return "".join([
        '<h2 id="list">The reviews</h2>',
        table(["site", "title", "author", "published", "rating", "near-copy of"], rows, numeric=(4,)) + note
        if rows else '<p class="note">No reviews in this selection.</p>',
    ])  # fmt: skip


def render_page(data: ReportData, charts: dict[str, str], *, database: str, generated_at: str | None = None) -> str:
    """The whole report. ``database``: where it was read (no password)."""
    generated_at = generated_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:"
    nav = "".join(f'<a href="#{anchor}">{label}</a>' for anchor, label in (
        ("reviews", "Reviews"), ("ratings", "Ratings"), ("fill", "Fill rates"), ("copies", "Near-copies"),
        ("errors", "Errors"), ("runs", "Runs"), ("list", "Review list")))  # fmt: skip
    body = "".join([
        _overview(data), _reviews(data, charts), _ratings(data, charts), _fill(data, charts), _copies(data, charts),
        _errors(data, charts), _runs(data, charts), _review_list(data),
    ])  # fmt: skip
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reviewcrawl report: {escape(data.selection)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header><h1>reviewcrawl report: {escape(data.selection)}</h1>
<p>From {escape(database)}, made {escape(generated_at)}.</p></header>
<nav>{nav}</nav>
{body}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
