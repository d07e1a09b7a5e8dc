"""Serve the bundled sample sites on 127.0.0.1, as their own hosts.

The sites keep their real absolute URLs (http://prestonmoline.example/...): the server is an
HTTP proxy for those hosts, so a crawler pointed at it (``http_proxy=http://127.0.0.1:PORT``)
sees each site at its own address, with its own robots.txt, sitemap and canonical URLs, and
canonical URLs stay the same from run to run whatever port the server got. ``.example`` names
never resolve (RFC 2606): without the proxy, nothing leaves the machine.

    python -m reviewcrawl.demo.server [--port 0] [--sites DIR]

prints ``serving on http://127.0.0.1:PORT`` and serves until interrupted.

Each site folder may have ``_redirects`` (Netlify format: ``/from /to 301``) and ``404.html``.
Files are sent with Last-Modified (their mtime) and an ETag (a hash of their content), and
conditional requests (If-None-Match, If-Modified-Since) are answered 304 Not Modified, so
incremental crawls can be shown and tested; ``--sites DIR`` serves a copy to edit.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from twisted.web import http, resource, server, static

__all__ = ["SITES_DIR", "DemoSite", "get_reactor", "listen", "site_hosts"]

SITES_DIR = Path(str(resources.files("reviewcrawl") / "demo" / "sites"))


def get_reactor() -> Any:
    """The running reactor, imported late: importing it installs one, and Scrapy picks its own."""
    from twisted.internet import reactor

    return reactor


def site_hosts(sites_dir: Path = SITES_DIR) -> list[str]:
    return sorted(p.name for p in sites_dir.iterdir() if p.is_dir())


class _NotFound(resource.Resource):
    isLeaf = True

    def __init__(self, page: Path | None) -> None:
        super().__init__()
        self.page = page

    def render(self, request: server.Request) -> bytes:
        request.setResponseCode(404)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return self.page.read_bytes() if self.page and self.page.exists() else b"<h1>Not Found</h1>"


class _Redirect(resource.Resource):
    isLeaf = True

    def __init__(self, location: bytes, code: int) -> None:
        super().__init__()
        self.location, self.code = location, code

    def render(self, request: server.Request) -> bytes:
        request.setResponseCode(self.code)
        request.setHeader(b"location", self.location)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return b'<html><body>Moved to <a href="' + self.location + b'">here</a></body></html>'


class _SiteFiles(static.File):
    """A site folder: index.html / index.xml for directories, files starting with _ hidden."""

    contentTypes: ClassVar[dict[str, str]] = {**static.File.contentTypes, ".xml": "application/xml", ".html": "text/html; charset=utf-8",
                    ".txt": "text/plain; charset=utf-8", ".gz": "application/gzip"}  # fmt: skip

    def __init__(self, path: str, not_found: resource.Resource) -> None:
        super().__init__(path, defaultType="application/octet-stream")
        self.indexNames = ["index.html", "index.xml"]
        self.childNotFound = not_found

    def createSimilarFile(self, path: str) -> _SiteFiles:
        f = _SiteFiles(path, self.childNotFound)
        f.processors = self.processors
        f.indexNames = self.indexNames[:]
        return f

    def getChild(self, path: bytes, request: server.Request) -> resource.Resource:
        if path.startswith(b"_") or path.startswith(b"."):
            return self.childNotFound
        return super().getChild(path, request)

    def render_GET(self, request: server.Request) -> Any:
        """static.File sends Last-Modified and answers If-Modified-Since (to the second); add a
        strong ETag (a hash of the file) and answer If-None-Match, as real sites' servers do."""
        if self.isfile():
            etag = b'"' + hashlib.sha256(self.getContent()).hexdigest()[:16].encode() + b'"'
            if request.setETag(etag) is http.CACHED:  # setETag also sends the header
                return b""
            if request.getHeader(b"if-none-match") is not None:
                # RFC 9110 13.1.3: with If-None-Match, If-Modified-Since is ignored (an edit in the
                # same second as the last fetch keeps the same Last-Modified)
                request.requestHeaders.removeHeader(b"if-modified-since")
        return super().render_GET(request)

    render_HEAD = render_GET


def _read_redirects(site_dir: Path) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    f = site_dir / "_redirects"
    if f.exists():
        for line in f.read_text(encoding="utf-8").splitlines():
            parts = line.split("#", 1)[0].split()
            if len(parts) >= 2:
                out[parts[0]] = (parts[1], int(parts[2]) if len(parts) > 2 else 301)
    return out


class DemoSite(server.Site):
    """Routes each request to the site folder named by its host (absolute URI or Host header)."""

    def __init__(self, sites_dir: Path = SITES_DIR) -> None:
        self.sites: dict[str, tuple[_SiteFiles, dict[str, tuple[str, int]], _NotFound]] = {}
        for host in site_hosts(sites_dir):
            d = sites_dir / host
            not_found = _NotFound(d / "404.html")
            self.sites[host] = (_SiteFiles(str(d), not_found), _read_redirects(d), not_found)
        self.hits: dict[str, int] = {}
        super().__init__(resource.Resource())
        self.noisy = False

    def getResourceFor(self, request: server.Request) -> resource.Resource:
        uri = request.uri.decode("latin-1")
        if uri.startswith(("http://", "https://")):
            parts = urlsplit(uri)
            host, path = (parts.hostname or ""), parts.path or "/"
            request.path = path.encode("latin-1")  # the static files resolve from the path alone
        else:
            host = (request.getHeader(b"host") or b"").decode("latin-1").split(":")[0]
            path = request.path.decode("latin-1")
        self.hits[host + path] = self.hits.get(host + path, 0) + 1
        site = self.sites.get(host)
        if site is None:
            return _NotFound(None)
        files, redirects, _ = site
        target = redirects.get(path)
        if target is None:
            for src, dest in redirects.items():
                if src.endswith("*") and path.startswith(src[:-1]):
                    target = dest
        if target is not None:
            return _Redirect(target[0].encode("latin-1"), target[1])
        request.prepath = []
        request.postpath = path[1:].split("/") if path != "/" else [""]
        request.postpath = [p.encode("latin-1") for p in request.postpath]  # type: ignore[misc]
        return resource.getChildForRequest(files, request)


def listen(port: int = 0, sites_dir: Path = SITES_DIR) -> Any:
    """Start serving on 127.0.0.1 in the running reactor; returns the listening port."""
    return get_reactor().listenTCP(port, DemoSite(sites_dir), interface="127.0.0.1")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free port (default)")
    parser.add_argument("--sites", type=Path, default=SITES_DIR, help="folder of site folders named by host")
    args = parser.parse_args(argv)
    port = listen(args.port, args.sites)
    print(f"serving on http://127.0.0.1:{port.getHost().port}", flush=True)
    for host in site_hosts(args.sites):
        print(f"  http://{host}/", flush=True)
    get_reactor().run()


if __name__ == "__main__":
    sys.exit(main())
