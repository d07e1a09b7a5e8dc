"""<head> signals: meta tags (OpenGraph, article:*, Dublin Core, twitter:*), links, <title>, lang.

Also microdata (itemscope/itemprop) and RDFa Lite (typeof/property) read into the same node
shape as JSON-LD, so one cascade reads all three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from reviewcrawl.extract.scan import PageScan

__all__ = ["HeadMeta", "microdata_nodes", "rdfa_nodes", "read_head"]

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


def _prop_value(el: etree._Element, owned: dict[etree._Element, list[etree._Element]] | None = None) -> Any:
    if el.get("itemscope") is not None:
        return _item(el, owned)
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


def _item(scope: etree._Element, owned: dict[etree._Element, list[etree._Element]] | None = None) -> dict[str, Any]:
    """The item's properties: the itemprop elements below it that no other itemscope encloses.

    ``owned`` (from _owned_props) lists them per item; without it, the item's subtree is walked."""
    itemtype = (scope.get("itemtype") or "").split()
    node: dict[str, Any] = {"@type": itemtype if len(itemtype) > 1 else (itemtype[0] if itemtype else "Thing")}
    if owned is not None:
        for el in owned.get(scope, ()):
            value = _prop_value(el, owned)
            for p in el.get("itemprop").split():
                if p in node:
                    existing = node[p]
                    node[p] = (existing if isinstance(existing, list) else [existing]) + [value]
                else:
                    node[p] = value
        return node
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


def _owned_props(page: PageScan) -> dict[etree._Element, list[etree._Element]] | None:
    """The page's itemprop elements by the nearest itemscope above them, in document order;
    None where a <script> carries microdata (the scan does not read scripts' attributes)."""
    if page.scripts_with_items:
        return None
    owned: dict[etree._Element, list[etree._Element]] = {}
    for el in page.itemprops:
        if not el.get("itemprop"):
            continue  # itemprop="" names no property
        for a in el.iterancestors():
            if a.get("itemscope") is not None:
                owned.setdefault(a, []).append(el)
                break
    return owned


def microdata_nodes(page: PageScan) -> list[dict[str, Any]]:
    """Top-level microdata items (not themselves a property of another item)."""
    owned = _owned_props(page)
    return [_item(el, owned) for el in page.item_roots]


def _rdfa_terms(value: str) -> list[str]:
    """ "schema:reviewRating" and "https://schema.org/Review" -> the schema.org term."""
    return [t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in value.split() if t]


def _rdfa_value(el: etree._Element) -> Any:
    if el.get("typeof") is not None:
        return _rdfa_item(el)
    for attr in ("content", "datetime"):
        if el.get(attr) is not None:
            return el.get(attr)
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("img", "audio", "video", "source"):
        return el.get("src") or el.get("alt")
    if tag in ("link",):
        return el.get("href")
    return " ".join("".join(el.itertext()).split()) or el.get("href") or el.get("resource")


def _rdfa_item(root: etree._Element) -> dict[str, Any]:
    types = _rdfa_terms(root.get("typeof") or "")
    node: dict[str, Any] = {"@type": types if len(types) > 1 else (types[0] if types else "Thing")}
    stack = list(root)
    while stack:
        el = stack.pop(0)
        if not isinstance(el.tag, str):
            continue
        props = el.get("property")
        if props:
            value = _rdfa_value(el)
            for p in _rdfa_terms(props):
                if p in node:
                    existing = node[p]
                    node[p] = (existing if isinstance(existing, list) else [existing]) + [value]
                else:
                    node[p] = value
        if el.get("typeof") is None:
            stack[0:0] = list(el)
    return node


def rdfa_nodes(page: PageScan) -> list[dict[str, Any]]:
    """Top-level RDFa Lite items of schema.org (not themselves a property of another item)."""
    out = []
    for el in page.rdfa_roots:
        if el.get("property"):
            continue  # a nested item: read as its parent's property
        vocab = el.get("vocab") or next((a.get("vocab") for a in el.iterancestors() if a.get("vocab")), "")
        if "schema.org" in vocab or "schema:" in (el.get("typeof") or "") or "schema.org" in (el.get("typeof") or ""):
            out.append(_rdfa_item(el))
    return out
