"""Bytes -> one parsed document. Every extractor reads this one parse."""

from __future__ import annotations

from urllib.parse import urljoin

from lxml import etree, html
from w3lib.encoding import html_to_unicode

__all__ = ["absolute_url", "decode_html", "parse_html"]

HTML_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True, recover=True, encoding="utf-8")


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
    _, text = html_to_unicode(content_type, body, auto_detect_fun=_sniff)
    return text


def parse_html(body: bytes | str, content_type: str | None = None) -> etree._Element:
    """Parse a page; broken or empty HTML gives an (almost) empty tree, never an exception."""
    text = decode_html(body, content_type).replace("\x00", "")
    if not text.strip():
        return html.fromstring("<html><body></body></html>")
    try:
        root = html.document_fromstring(text.encode("utf-8"), parser=HTML_PARSER)
    except (etree.ParserError, ValueError):
        return html.fromstring("<html><body></body></html>")
    return root


def absolute_url(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if href.startswith(("javascript:", "mailto:", "#", "data:")):
        return None
    url = urljoin(base, href)
    return url if url.startswith(("http://", "https://")) else None
