"""The faults a site's pages can have, counted by kind with example URLs, for the run summary.

A fault is a page the site served badly: it timed out, reset the connection, answered 5xx or
429, redirected in a loop, was too big or a decompression bomb, was binary served as HTML, had a
wrong or missing charset or invalid JSON-LD; a link not followed because it leads into a trap
(reviewcrawl.traps) or because robots.txt forbids it is listed the same way. None of them fails
the run (a site where some pages fault but reviews are found is a successful run); each is
logged once with its URL and listed in the run summary's ``faults`` section:
``{kind: {"count": N, "urls": [up to MAX_URLS examples]}}``.

Counts come from Scrapy's own stats where Scrapy counts the final outcome (HTTP statuses
ignored: ``httperror/response_ignored_status_count/<status>``; robots.txt:
``robotstxt/forbidden``); the others are counted here, once per URL, after retries
(``reviewcrawl/faults/<kind>``: Scrapy's ``downloader/exception_type_count/`` counts every
attempt, and the summary's ``errors_by_kind.download`` keeps those). Example URLs are kept in
the stats under ``reviewcrawl/fault_urls/<kind>``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as twisted_errors
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

__all__ = ["MAX_URLS", "classify", "faults_by_kind", "http_kind", "looks_binary", "record_fault"]

logger = logging.getLogger(__name__)

#: example URLs kept per kind (the count is exact; the list is for a human to look at)
MAX_URLS = 10
COUNT_KEY = "reviewcrawl/faults/"
URLS_KEY = "reviewcrawl/fault_urls/"

#: file signatures of binary formats a server may send as text/html
BINARY_MAGIC = (
    b"\x89PNG", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04", b"%PDF-", b"\x1f\x8b", b"BZh",
    b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"RIFF", b"\x00\x00\x01\x00", b"OggS", b"ID3", b"\x7fELF",
)  # fmt: skip


#: kinds that are the crawler's own choice, not the site's fault: logged at INFO
NOTICES = frozenset({"robots_disallowed"})


def record_fault(stats: Any, kind: str, url: str, detail: str = "", *, count: bool = True, log: bool = True) -> None:
    """One fault of a page: counted (unless Scrapy counts this kind itself), its URL kept as an
    example, and one log line with the URL (unless Scrapy already logged it)."""
    if count:
        stats.inc_value(COUNT_KEY + kind)
    urls = stats.get_value(URLS_KEY + kind)
    if urls is None:
        urls = []
        stats.set_value(URLS_KEY + kind, urls)
    if len(urls) < MAX_URLS and url not in urls:
        urls.append(url)
    if log:
        level = logging.INFO if kind in NOTICES else logging.WARNING
        logger.log(level, "Fault %s: %s%s", kind, url, f" ({detail})" if detail else "")


def http_kind(status: int) -> str:
    if status == 429:
        return "http_429"
    return "http_5xx" if status >= 500 else "http_4xx" if status >= 400 else "http_other"


def classify(exc: BaseException, timeout: float | None = None) -> tuple[str | None, str, bool]:
    """A download failure's (kind, detail, already logged by Scrapy). Kind None: a decision, not
    a fault (an off-site request, a request a middleware chose to drop). ``timeout``: the
    request's download_timeout, for the detail of a timeout."""
    text = str(exc)
    if isinstance(exc, IgnoreRequest):
        if text == "Forbidden by robots.txt":
            return "robots_disallowed", "", False
        if text == "max redirections reached":
            return "redirect_loop", "more redirects than REDIRECT_MAX_TIMES", False
        if "during decompression" in text or type(exc.__cause__).__name__ == "_DecompressionMaxSizeExceeded":
            return "decompression_bomb", "", True  # HttpCompressionMiddleware logged it, with the sizes
        return None, "", False
    if isinstance(exc, DownloadCancelledError):
        return "too_large", "", True  # the download handler logged the size and DOWNLOAD_MAXSIZE
    if isinstance(exc, (DownloadTimeoutError, twisted_errors.TimeoutError)):
        return "timeout", f"no answer within {timeout:g} s (DOWNLOAD_TIMEOUT)" if timeout else text, False
    if isinstance(exc, (CannotResolveHostError, twisted_errors.DNSLookupError)):
        return "dns_error", text, False
    if isinstance(exc, (DownloadConnectionRefusedError, twisted_errors.ConnectionRefusedError)):
        return "connection_refused", text, False
    if isinstance(exc, ResponseDataLossError):
        return "connection_lost", "the connection was lost before the end of the body", False
    if isinstance(exc, (ResponseFailed, ResponseNeverReceived, DownloadFailedError, twisted_errors.ConnectionLost,
                        twisted_errors.ConnectionDone, twisted_errors.ConnectError)):  # fmt: skip
        return "connection_lost", type(exc).__name__, False
    return "download_error", f"{type(exc).__name__}: {text}".rstrip(": "), False


def looks_binary(body: bytes) -> bool:
    """An image, archive or executable, whatever its Content-Type says: a known file signature,
    or NUL bytes in the first kilobyte (not UTF-16 text, which starts with its BOM)."""
    head = body[:1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return head.startswith(BINARY_MAGIC) or b"\x00" in head


def _under(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}


def faults_by_kind(stats: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The run summary's ``faults``: each kind with its count and example URLs, sorted by kind.

    >>> faults_by_kind({"httperror/response_ignored_status_count/503": 2, "robotstxt/forbidden": 1,
    ...                 "reviewcrawl/faults/timeout": 1, "reviewcrawl/fault_urls/timeout": ["http://a/t"],
    ...                 "reviewcrawl/fault_urls/http_5xx": ["http://a/x", "http://a/y"]})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'http_5xx': {'count': 2, 'urls': ['http://a/x', 'http://a/y']},
     'robots_disallowed': {'count': 1, 'urls': []}, 'timeout': {'count': 1, 'urls': ['http://a/t']}}
    """
    counts: dict[str, int] = {}
    for status, n in _under(stats, "httperror/response_ignored_status_count/").items():
        kind = http_kind(int(status)) if status.isdigit() else "http_other"
        counts[kind] = counts.get(kind, 0) + n
    if stats.get("robotstxt/forbidden"):
        counts["robots_disallowed"] = int(stats["robotstxt/forbidden"])
    for kind, n in _under(stats, COUNT_KEY).items():
        counts[kind] = counts.get(kind, 0) + n
    return {
        kind: {"count": n, "urls": list(stats.get(URLS_KEY + kind) or [])[:MAX_URLS]}
        for kind, n in sorted(counts.items())
        if n
    }
