"""A review site that fails in every way a site can, for the crawl to survive: issue 5's
fault-injecting server.

    python -m tests.faultserver [--port 0] [--secret-file PATH]

prints ``serving on http://127.0.0.1:PORT`` and serves until it is sent SIGTERM. One Twisted
resource per fault, beside ten good review pages (the sample sites' own markup, see GOOD) linked
from the home page, a robots.txt and a sitemap index:

==========================  ===============================================================
/fault/timeout/             never answers (the crawl's DOWNLOAD_TIMEOUT cuts it)
/fault/500/, /fault/503/    always a server error
/fault/reset/               headers and part of the body, then the connection is reset
/fault/429/                 429 with ``Retry-After: 3600`` (longer than the crawl will wait)
/reviews/patience/          429 with ``Retry-After: 1`` until a second has passed since the
                            last 429, then a good review: a crawler that retries at once
                            never gets it
/fault/loop/a/ <-> b/       a redirect loop; /fault/redirect/N/ redirects to N+1, forever
/fault/huge/                50 MB of HTML streamed (chunked, no length: cut while reading);
/fault/huge-declared/       the same with its Content-Length (cut from the headers)
/fault/gzip-bomb/           ~1 MB of gzip that inflates to 1 GB of HTML (Content-Encoding)
/fault/png/, /fault/zip/    binary bytes served as ``text/html``
/reviews/nobody/            UTF-8 bytes declared ISO-8859-1 (a good review)
/reviews/ballerina/         no charset anywhere (a good review)
/reviews/shift-jis/         Shift_JIS bytes declared UTF-8 (a good review)
/reviews/sinners/           broken HTML: end tags dropped, the page cut short (a good review)
/reviews/mickey-17/         JSON-LD with a syntax error, and one with wrong types (a good review)
/calendar/2026/11/          an endless calendar: every month links the one before and after
/list/?page=N               an endless pagination: every page links page N+1; page 2 alone
                            lists a review (/reviews/deep/) that nothing else links
/private/...                disallowed by robots.txt, linked from the home page
/sitemap-*.xml              XML entities: internal ones, a billion-laughs nest and an external
                            entity naming --secret-file (must never be read); the sitemap
                            alone lists /reviews/sitemap-only/
==========================  ===============================================================

``/__stats__`` (linked from nowhere) answers with what was asked for: hits per path (with query)
and bytes sent per path, so a test can check what the crawler fetched and what the big pages cost.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from twisted.web import resource, server

SITES = Path(__file__).resolve().parent.parent / "reviewcrawl" / "demo" / "sites"

#: path on this server -> the sample site page it serves (each a distinct review, its own canonical URL)
GOOD = {
    "/reviews/atomic-blonde/": "reelverdict.example/atomic-blonde-2017-review/index.html",
    "/reviews/john-wick-4/": "reelverdict.example/john-wick-chapter-4-2023-review/index.html",
    "/reviews/nobody/": "reelverdict.example/nobody-2021-review/index.html",
    "/reviews/ballerina/": "reelverdict.example/ballerina-2025-review/index.html",
    "/reviews/sinners/": "prestonmoline.example/2025/04/20/sinners.html",
    "/reviews/mickey-17/": "prestonmoline.example/2025/03/09/mickey-17.html",
    "/reviews/deep/": "prestonmoline.example/2025/06/07/ballerina.html",
    "/reviews/shift-jis/": "headphonesthoughts.example/archives/1164/index.html",
    "/reviews/patience/": "headphonesthoughts.example/archives/1187/index.html",
    "/reviews/sitemap-only/": "headphonesthoughts.example/archives/1203/index.html",
}
#: linked from the home page (the others: /reviews/deep/ from /list/?page=2, /reviews/sitemap-only/ from the sitemap)
HOME_REVIEWS = [p for p in GOOD if p not in ("/reviews/deep/", "/reviews/sitemap-only/")]
FAULT_LINKS = [
    "/fault/timeout/", "/fault/500/", "/fault/503/", "/fault/reset/", "/fault/429/", "/fault/loop/a/",
    "/fault/redirect/1/", "/fault/huge/", "/fault/huge-declared/", "/fault/gzip-bomb/", "/fault/png/",
    "/fault/zip/", "/calendar/2026/11/", "/list/?page=1", "/private/", "/private/hidden-review/",
]  # fmt: skip
HUGE = 50 * 1024 * 1024
BOMB = 1024 * 1024 * 1024
CHUNK = 64 * 1024
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8
JAPANESE = "<p>日本語の読者へ：この映画は最高のアクション映画の一つです。</p>"


def _reactor() -> Any:
    """The running reactor, imported late: importing it installs one (not in a test's process)."""
    from twisted.internet import reactor

    return reactor


def _page(path: str) -> bytes:
    """A good review page as the fault site serves it: the sample page, its site-relative links
    pointed back at its own (off-site) host so that they lead nowhere here."""
    source = GOOD[path]
    host = source.split("/", 1)[0]
    return (SITES / source).read_bytes().replace(b'href="/', f'href="http://{host}/'.encode())


def _broken(body: bytes) -> bytes:
    """End tags of paragraphs and blocks dropped, and the page cut short after the review."""
    for tag in (b"</p>", b"</div>", b"</li>", b"</span>", b"</article>", b"</body>", b"</html>"):
        body = body.replace(tag, b"")
    cut = body.find(b"<footer")
    return body[: cut + 40] if cut > 0 else body[: len(body) * 3 // 4]


def _bad_jsonld(body: bytes) -> bytes:
    """Its JSON-LD broken beyond repair, and a second block whose values have the wrong types."""
    start = body.find(b'<script type="application/ld+json">')
    assert start >= 0, "the page has no JSON-LD to break"
    end = body.find(b"</script>", start)
    script = body[start:end]
    broken = script.replace(b'"@context"', b'"@context" "', 1).replace(b"}", b"", 1)
    wrong = (
        b'<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Review", '
        b'"author": 42, "datePublished": ["soon"], "reviewRating": "five", "name": {"oops": true}}</script>'
    )
    return body[:start] + broken + body[end:].replace(b"</head>", wrong + b"</head>", 1)


def _shift_jis(body: bytes) -> bytes:
    text = body.decode("utf-8").replace('<meta charset="UTF-8">', "").replace('<meta charset="utf-8">', "")
    text = text.replace("</h1>", "</h1>" + JAPANESE, 1)
    return text.encode("shift_jis", errors="xmlcharrefreplace")


def _no_meta_charset(body: bytes) -> bytes:
    return body.replace(b'<meta charset="UTF-8">', b"").replace(b'<meta charset="utf-8">', b"")


def _gzip_bomb() -> bytes:
    """~1 MB of gzip that inflates to 1 GB of HTML (spaces in a paragraph), built without ever
    holding or compressing 1 GB: after a full flush a deflate stream starts afresh, so every
    1 MB block of spaces compresses to the same ~1 KB, repeated. A valid gzip member (CRC-32 and
    length in its trailer), as a real bomb would be."""
    block, head, tail = b" " * (1024 * 1024), b"<html><body><p>", b"</p></body></html>"
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)
    repeated = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.compress(tail) + deflate.flush()
    crc = zlib.crc32(head)
    for _ in range(BOMB // len(block)):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + BOMB + len(tail)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, no mtime
    trailer = struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)
    return header + start + repeated * (BOMB // len(block)) + end + trailer


class Streamer:
    """Writes `total` bytes of HTML in 64 KB chunks as the client reads them (a pull producer):
    the server holds one chunk, not 50 MB. Counts what was sent; stops when the client goes."""

    def __init__(self, request: server.Request, total: int, sent: dict[str, int], key: str) -> None:
        self.request, self.left, self.sent, self.key = request, total, sent, key
        self.stopped = False
        request.notifyFinish().addErrback(lambda _: self.stopProducing())

    def resumeProducing(self) -> None:
        if self.stopped:
            return
        if self.left <= 0:
            self.stopped = True
            self.request.unregisterProducer()
            self.request.finish()
            return
        n = min(CHUNK, self.left)
        chunk = (b"<p>" + b"x" * (n - 8) + b"</p>\n\n")[:n]
        self.left -= n
        self.sent[self.key] = self.sent.get(self.key, 0) + n
        self.request.write(chunk)

    def pauseProducing(self) -> None:
        pass

    def stopProducing(self) -> None:
        self.stopped = True


class FaultSite(resource.Resource):
    isLeaf = True

    def __init__(self, secret_file: Path | None) -> None:
        super().__init__()
        self.secret_file = secret_file
        self.hits: dict[str, int] = {}
        self.sent: dict[str, int] = {}
        self.last_429: float | None = None
        self.bomb = _gzip_bomb()
        self.pending: list[server.Request] = []  # never answered (the timeout)

    # -- helpers ------------------------------------------------------------------------------

    def _html(self, request: server.Request, body: bytes, content_type: bytes = b"text/html; charset=utf-8") -> bytes:
        request.setHeader(b"content-type", content_type)
        return body

    def _home(self, base: str) -> bytes:
        links = "\n".join(f'<li><a href="{p}">{p}</a></li>' for p in [*HOME_REVIEWS, *FAULT_LINKS])
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Fault Reviews</title></head>"
            f"<body><h1>Fault Reviews</h1><p>Reviews, and pages that fail.</p><ul>{links}</ul></body></html>"
        ).encode()

    def _robots(self, base: str) -> bytes:
        return f"User-agent: *\nDisallow: /private/\nDisallow: /__stats__\n\nSitemap: {base}/sitemap.xml\n".encode()

    def _sitemap(self, name: str, base: str) -> bytes | None:
        head = '<?xml version="1.0" encoding="UTF-8"?>\n'
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        if name == "sitemap.xml":
            maps = "".join(f"<sitemap><loc>{base}/{m}</loc></sitemap>" for m in ("sitemap-pages.xml", "sitemap-xxe.xml", "sitemap-lol.xml"))  # fmt: skip
            return f"{head}<sitemapindex {ns}>{maps}</sitemapindex>".encode()
        if name == "sitemap-pages.xml":  # internal entities, in a sitemap that lists good pages
            doctype = f'<!DOCTYPE urlset [<!ENTITY site "{base}"><!ENTITY month "2025-06">]>\n'
            urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>&month;-07</lastmod></url>" for p in ("/reviews/atomic-blonde/", "/reviews/sitemap-only/"))  # fmt: skip
            return (
                f"{head}{doctype}<urlset {ns}>{urls}<url><loc>&site;/reviews/by-entity/</loc></url></urlset>".encode()
            )
        if name == "sitemap-xxe.xml":  # an external entity: a file of the server's machine
            target = self.secret_file.resolve().as_uri() if self.secret_file else "file:///etc/hostname"
            doctype = f'<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "{target}">]>\n'
            urls = f"<url><loc>{base}/xxe/&xxe;</loc></url><url><loc>&xxe;</loc></url><url><loc>{base}/reviews/john-wick-4/</loc></url>"  # fmt: skip
            return f"{head}{doctype}<urlset {ns}>{urls}</urlset>".encode()
        if name == "sitemap-lol.xml":  # billion laughs: 10^9 "lol"s if expanded
            ents = ['<!ENTITY lol0 "lol">'] + [
                f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
            ]
            doctype = "<!DOCTYPE urlset [" + "".join(ents) + "]>\n"
            return f"{head}{doctype}<urlset {ns}><url><loc>{base}/lol/&lol9;</loc></url></urlset>".encode()
        return None

    # -- dispatch -----------------------------------------------------------------------------

    def render_GET(self, request: server.Request) -> Any:
        uri = request.uri.decode("latin-1")
        parts = urlsplit(uri)
        path = parts.path
        key = path + (f"?{parts.query}" if parts.query else "")
        self.hits[key] = self.hits.get(key, 0) + 1
        host = (request.getHeader(b"host") or b"127.0.0.1").decode("latin-1")
        base = f"http://{host}"

        if path == "/__stats__":
            return self._html(request, json.dumps({"hits": self.hits, "sent": self.sent}).encode(), b"application/json")
        if path == "/":
            return self._html(request, self._home(base))
        if path == "/robots.txt":
            return self._html(request, self._robots(base), b"text/plain; charset=utf-8")
        if path.startswith("/sitemap") and path.endswith(".xml"):
            body = self._sitemap(path[1:], base)
            if body is not None:
                return self._html(request, body, b"application/xml")
        if path in GOOD:
            return self._good(request, path)
        if path.startswith("/fault/"):
            return self._fault(request, path, key)
        if path.startswith("/calendar/"):
            return self._calendar(request, path)
        if path == "/list/":
            return self._list(request, parts.query)
        if path.startswith("/private/"):  # never fetched by a crawler that obeys robots.txt
            return self._html(request, b"<html><body><a href='/private/more/'>more</a>private</body></html>")
        request.setResponseCode(404)
        return self._html(request, b"<html><body><h1>Not Found</h1></body></html>")

    def _good(self, request: server.Request, path: str) -> bytes:
        body = _page(path)
        if path == "/reviews/patience/":
            now = time.monotonic()
            if self.last_429 is None or now < self.last_429 + 1.0 - 0.05:
                self.last_429 = now
                request.setResponseCode(429)
                request.setHeader(b"retry-after", b"1")
                return self._html(request, b"<html><body>Too many requests, come back in a second</body></html>")
        if path == "/reviews/nobody/":
            return self._html(request, _no_meta_charset(body), b"text/html; charset=ISO-8859-1")
        if path == "/reviews/ballerina/":
            return self._html(request, _no_meta_charset(body), b"text/html")
        if path == "/reviews/shift-jis/":
            return self._html(request, _shift_jis(body), b"text/html; charset=utf-8")
        if path == "/reviews/sinners/":
            return self._html(request, _broken(body))
        if path == "/reviews/mickey-17/":
            return self._html(request, _bad_jsonld(body))
        return self._html(request, body)

    def _fault(self, request: server.Request, path: str, key: str) -> Any:
        if path == "/fault/timeout/":
            self.pending.append(request)
            return server.NOT_DONE_YET
        if path in ("/fault/500/", "/fault/503/"):
            request.setResponseCode(int(path[7:10]))
            return self._html(request, b"<html><body>Server error</body></html>")
        if path == "/fault/429/":
            request.setResponseCode(429)
            request.setHeader(b"retry-after", b"3600")
            return self._html(request, b"<html><body>Come back in an hour</body></html>")
        if path == "/fault/reset/":
            request.setHeader(b"content-type", b"text/html; charset=utf-8")
            request.setHeader(b"content-length", b"100000")
            request.write(b"<html><body><h1>Half a page</h1>" + b"<p>words</p>" * 200)
            _reactor().callLater(0.05, request.channel.transport.abortConnection)
            return server.NOT_DONE_YET
        if path.startswith("/fault/loop/"):
            request.setResponseCode(302)
            request.setHeader(b"location", b"/fault/loop/b/" if path == "/fault/loop/a/" else b"/fault/loop/a/")
            return b""
        if path.startswith("/fault/redirect/"):
            n = int(path.split("/")[3] or 0)
            request.setResponseCode(302)
            request.setHeader(b"location", f"/fault/redirect/{n + 1}/".encode())
            return b""
        if path in ("/fault/huge/", "/fault/huge-declared/"):
            request.setHeader(b"content-type", b"text/html; charset=utf-8")
            if path == "/fault/huge-declared/":
                request.setHeader(b"content-length", str(HUGE).encode())
            request.registerProducer(Streamer(request, HUGE, self.sent, key), False)
            return server.NOT_DONE_YET
        if path == "/fault/gzip-bomb/":
            request.setHeader(b"content-encoding", b"gzip")
            self.sent[key] = self.sent.get(key, 0) + len(self.bomb)
            return self._html(request, self.bomb)
        if path == "/fault/png/":
            return self._html(request, PNG * 20)
        if path == "/fault/zip/":
            return self._html(request, ZIP)
        request.setResponseCode(404)
        return self._html(request, b"<html><body>no such fault</body></html>")

    def _calendar(self, request: server.Request, path: str) -> bytes:
        try:
            year, month = (int(x) for x in path.strip("/").split("/")[1:3])
        except ValueError:
            request.setResponseCode(404)
            return self._html(request, b"<html><body>no such month</body></html>")
        prev = (year, month - 1) if month > 1 else (year - 1, 12)
        nxt = (year, month + 1) if month < 12 else (year + 1, 1)
        body = (
            f"<html><head><title>Events {year}-{month:02d}</title></head><body><h1>{year}-{month:02d}</h1>"
            f"<p>No events this month.</p><a href='/calendar/{prev[0]}/{prev[1]:02d}/'>previous</a> "
            f"<a href='/calendar/{nxt[0]}/{nxt[1]:02d}/'>next</a> <a href='/'>home</a></body></html>"
        )
        return self._html(request, body.encode())

    def _list(self, request: server.Request, query: str) -> bytes:
        try:
            page = int(parse_qs(query).get("page", ["1"])[0])
        except ValueError:
            page = 1
        items = "".join(f"<li><a href='{p}'>{p}</a></li>" for p in HOME_REVIEWS[:3])
        if page == 2:
            items += "<li><a href='/reviews/deep/'>a review only this page lists</a></li>"
        body = (
            f"<html><head><title>All reviews, page {page}</title></head><body><h1>All reviews</h1><ul>{items}</ul>"
            f"<a href='/list/?page={page + 1}'>older</a> <a href='/'>home</a></body></html>"
        )
        return self._html(request, body.encode())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free port (default)")
    parser.add_argument("--secret-file", type=Path, help="the file the sitemap's external entity names")
    args = parser.parse_args(argv)
    site = server.Site(FaultSite(args.secret_file))
    site.noisy = False
    port = _reactor().listenTCP(args.port, site, interface="127.0.0.1")
    print(f"serving on http://127.0.0.1:{port.getHost().port}", flush=True)
    _reactor().run()


if __name__ == "__main__":
    sys.exit(main())
