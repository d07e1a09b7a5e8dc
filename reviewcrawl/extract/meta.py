"""<head> signals: meta tags (OpenGraph, article:*, Dublin Core, twitter:*), links, <title>, lang.

Also microdata (itemscope/itemprop) read into the same node shape as JSON-LD, so one cascade
reads both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from reviewcrawl.extract.scan import PageScan

__all__ = ["HeadMeta", "microdata_nodes", "read_head"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class HeadMeta:
    """meta content by lower-cased name/property/itemprop, in document order."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    title: str | None = None
    lang: str | None = None

    def get(self, *keys: str) -> tuple[str, str] | None:
        """The first non-empty value among ``keys``, with the key that had it."""
        for k in keys:
            for v in self.meta.get(k, ()):
                if v:
                    return k, v
        return None


def read_head(root: etree._Element, page: PageScan) -> HeadMeta:
    head = HeadMeta()
    for el in page.metas:
        content = el.get("content")
        if content is None:
            content = el.get("value")
        if content is None:
            continue
        content = " ".join(content.split())
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                head.meta.setdefault(key.strip().lower(), []).append(content)
    for el in page.links:
        href = el.get("href")
        if href:
            for rel in el.get("rel", "").lower().split():
                head.links.setdefault(rel, []).append(href.strip())
    if page.titles:
        head.title = " ".join("".join(page.titles[0].itertext()).split()) or None
    lang = root.get("lang") or root.get(XML_LANG)
    head.lang = lang.strip() or None if lang else None
    return head


def _prop_value(el: etree._Element) -> Any:
    if el.get("itemscope") is not None:
        return _item(el)
    tag = el.tag if isinstance(el.tag, str) else ""
    for attr in ("content", "datetime"):
        if el.get(attr) is not None:
            return el.get(attr)
    if tag in ("a", "link", "area"):
        return el.get("href") if tag == "link" else " ".join("".join(el.itertext()).split()) or el.get("href")
    if tag in ("img", "audio", "video", "source", "embed", "iframe"):
        return el.get("src") or el.get("alt")
    if tag == "meta":
        return el.get("content")
    if tag in ("data", "meter"):
        return el.get("value")
    return " ".join("".join(el.itertext()).split())


def _item(scope: etree._Element) -> dict[str, Any]:
    itemtype = (scope.get("itemtype") or "").split()
    node: dict[str, Any] = {"@type": itemtype if len(itemtype) > 1 else (itemtype[0] if itemtype else "Thing")}
    stack = list(scope)
    while stack:
        el = stack.pop(0)
        if not isinstance(el.tag, str):
            continue
        props = el.get("itemprop")
        if props:
            value = _prop_value(el)
            for p in props.split():
                if p in node:
                    existing = node[p]
                    node[p] = (existing if isinstance(existing, list) else [existing]) + [value]
                else:
                    node[p] = value
        if el.get("itemscope") is None:
            stack[0:0] = list(el)
    return node


def microdata_nodes(page: PageScan) -> list[dict[str, Any]]:
    """Top-level microdata items (not themselves a property of another item)."""
    return [_item(el) for el in page.item_roots]
