"""Bytes -> one parsed document. Every extractor reads this one parse."""

from __future__ import annotations

import codecs
from urllib.parse import SplitResult, urljoin, urlsplit

from lxml import etree
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    resolve_encoding,
)

__all__ = ["absolute_url", "charset_problem", "decode_html", "join_url", "parse_html", "split_url"]

# A plain etree parser, not lxml.html's: lxml.html picks each element's Python class through a
# Python callback, which costs more than the parse itself once every element is visited.
# collect_ids=False: libxml2 keeps no table of id attributes (nothing here looks elements up by
# id through it; the tree is the same), ~8% of the parse.
HTML_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True, encoding="utf-8", collect_ids=False)
EMPTY_PAGE = b"<html><body></body></html>"


def _sniff(body: bytes) -> str:
    """No BOM, header or meta charset: UTF-8 if it decodes, else the web's default, cp1252."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_html(body: bytes | str, content_type: str | None = None) -> str:
    """BOM, then the HTTP header, then <meta charset>, then detection (w3lib's order)."""
    if isinstance(body, str):
        return body
    try:
        _, text = html_to_unicode(content_type, body, auto_detect_fun=_sniff)
    except (UnicodeError, LookupError):  # charset=undefined (a codec that always raises), charset=base64
        text = body.decode(_sniff(body), errors="replace")
    return text


# Single-byte charsets a page may declare while its bytes are UTF-8 (a template copied from an
# older site, a server's default header): valid UTF-8 with non-ASCII bytes is all but never
# genuine text in these, where every byte is a character and "Ã©" would have to be meant.
_SINGLE_BYTE_WESTERN = {"cp1252", "iso8859-1", "iso8859-15", "latin-1", "latin_1"}


def _utf8_bytes(body: bytes | str, content_type: str | None) -> bytes:
    """The page as UTF-8 bytes for lxml. Pages in UTF-8 (most of the web) pass through as they
    are: decoding and re-encoding them costs a third of the parse. So do pages that declare a
    Western single-byte charset but whose non-ASCII bytes all form valid UTF-8."""
    if isinstance(body, bytes) and b"\x00" not in body:
        if body.startswith(codecs.BOM_UTF8):
            encoding: str | None = "utf-8"
        else:
            encoding = http_content_type_encoding(content_type) if content_type else None
            encoding = encoding or html_body_declared_encoding(body)
        declared = resolve_encoding(encoding) if encoding else None
        if declared in _SINGLE_BYTE_WESTERN and not body.isascii():
            declared = "utf-8"  # tried below: kept only if it decodes
        if encoding is None or declared == "utf-8":
            if body.startswith(codecs.BOM_UTF8):
                body = body[3:]
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                return body
    return decode_html(body, content_type).replace("\x00", "").encode("utf-8")


def charset_problem(body: bytes | str, content_type: str | None = None) -> tuple[str, str] | None:
    """What is wrong with a page's charset, as (kind, detail), or None. Text with non-ASCII bytes
    only: an ASCII page reads the same in any of them. ``bad_charset``: the bytes contradict the
    declared charset (declared UTF-8 but not UTF-8: characters are lost; declared a Western
    single-byte charset but valid UTF-8: read as UTF-8, see _utf8_bytes). ``no_charset``: no BOM,
    header or <meta>: the charset was guessed.

    >>> charset_problem("café".encode(), "text/html; charset=ISO-8859-1")
    ('bad_charset', 'declared ISO-8859-1, but the bytes are UTF-8 (read as UTF-8)')
    >>> charset_problem("café".encode("cp1252"), "text/html; charset=utf-8")
    ('bad_charset', 'declared utf-8, but the bytes are not UTF-8 (undecodable bytes replaced)')
    >>> charset_problem("café".encode(), "text/html")
    ('no_charset', 'no charset declared (guessed utf-8)')
    >>> charset_problem(b"plain ascii", "text/html") is None
    True
    """
    if not isinstance(body, bytes) or body.isascii() or body.startswith((codecs.BOM_UTF8, b"\xff\xfe", b"\xfe\xff")):
        return None
    declared = (http_content_type_encoding(content_type) if content_type else None) or html_body_declared_encoding(body)
    try:
        body.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    if not declared:
        return "no_charset", f"no charset declared (guessed {'utf-8' if utf8 else 'cp1252'})"
    named = _declared_name(declared, content_type)
    encoding = resolve_encoding(declared)
    if encoding == "utf-8" and not utf8:
        return "bad_charset", f"declared {named}, but the bytes are not UTF-8 (undecodable bytes replaced)"
    if encoding in _SINGLE_BYTE_WESTERN and utf8:
        return "bad_charset", f"declared {named}, but the bytes are UTF-8 (read as UTF-8)"
    return None


def _declared_name(normalized: str, content_type: str | None) -> str:
    """The charset as the header wrote it (w3lib gives it normalised: 'iso8859-1')."""
    at = content_type.lower().find("charset=") if content_type else -1
    if content_type and at >= 0:
        return content_type[at + 8 :].split(";")[0].strip().strip("\"'") or normalized
    return normalized


def parse_html(body: bytes | str, content_type: str | None = None) -> etree._Element:
    """Parse a page; broken or empty HTML gives an (almost) empty tree, never an exception."""
    data = _utf8_bytes(body, content_type)
    root = None
    if data.strip():
        try:
            root = etree.fromstring(data, parser=HTML_PARSER)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            root = None
    if root is None:
        root = etree.fromstring(EMPTY_PAGE, parser=HTML_PARSER)
    return root


_NO_URL = SplitResult("", "", "", "", "")


def split_url(url: str) -> SplitResult:
    """urlsplit, or an empty split for a URL it rejects: a page's href "http://[::1" or
    "http://[:::1]/" (an unclosed or invalid IPv6 host) raises ValueError there."""
    try:
        return urlsplit(url)
    except ValueError:
        return _NO_URL


def join_url(base: str, href: str) -> str:
    """urljoin, or "" where it raises (see split_url)."""
    try:
        return urljoin(base, href)
    except ValueError:
        return ""


def absolute_url(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if href.startswith(("javascript:", "mailto:", "#", "data:")):
        return None
    url = join_url(base, href)
    return url if url.startswith(("http://", "https://")) else None
