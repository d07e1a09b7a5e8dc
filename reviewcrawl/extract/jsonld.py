"""schema.org JSON-LD: lenient loading and a flat list of typed nodes.

Real pages ship JSON-LD that ``json.loads`` rejects: comments, trailing commas, raw newlines
inside strings, HTML entities, several objects pasted one after another. We repair what is
common and give up quietly on the rest.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

__all__ = ["first_text", "jsonld_nodes", "load_jsonld", "types_of"]

COMMENT_RE = re.compile(r"(?<![:\"'\\])//[^\n\"]*$|/\*.*?\*/", re.MULTILINE | re.DOTALL)
TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")
CDATA_RE = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _escape_newlines_in_strings(text: str) -> str:
    out, in_str, esc = [], False, False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            elif ch in "\n\r\t":
                out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
                continue
        elif ch == '"':
            in_str = True
        out.append(ch)
    return "".join(out)


def load_jsonld(text: str) -> Any:
    """Parse one <script> body; None when it cannot be repaired."""
    text = text.strip()
    if "CDATA[" in text or "]]>" in text:  # the only text CDATA_RE can find: no search of the rest
        text = CDATA_RE.sub("", text).strip()
    text = text.rstrip(";")
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    fixed = CONTROL_RE.sub(" ", text)
    fixed = _escape_newlines_in_strings(fixed)
    fixed = TRAILING_COMMA_RE.sub(r"\1", COMMENT_RE.sub("", fixed))
    for candidate in (fixed, htmllib.unescape(fixed)):
        try:
            return json.loads(candidate, strict=False)
        except ValueError:
            pass
    # several objects back to back: "{...}{...}" or "{...}\n{...}"
    try:
        decoder, pos, items = json.JSONDecoder(strict=False), 0, []
        while pos < len(fixed):
            while pos < len(fixed) and fixed[pos] in " \n\r\t,":
                pos += 1
            if pos >= len(fixed):
                break
            obj, pos = decoder.raw_decode(fixed, pos)
            items.append(obj)
        return items or None
    except ValueError:
        return None


_TYPES_CACHE: dict[str, frozenset[str]] = {}


def types_of(node: dict[str, Any]) -> frozenset[str]:
    """The node's schema.org type names ("https://schema.org/Review" -> "Review")."""
    t = node.get("@type")
    if isinstance(t, str):  # the usual case, asked many times per node: remembered per string
        found = _TYPES_CACHE.get(t)
        if found is None:
            if len(_TYPES_CACHE) > 10_000:
                _TYPES_CACHE.clear()
            found = _TYPES_CACHE[t] = frozenset((t.rsplit("/", 1)[-1].rsplit(":", 1)[-1],))
        return found
    types = t if isinstance(t, list) else [t]
    out = set()
    for x in types:
        if isinstance(x, str):
            out.add(x.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    return frozenset(out)


def _walk(
    obj: Any, parent: dict[str, Any] | None, key: str | None, depth: int
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, str | None]]:
    if depth > 12:
        return
    if isinstance(obj, list):
        for x in obj:
            yield from _walk(x, parent, key, depth + 1)
    elif isinstance(obj, dict):
        if "@graph" in obj:
            yield from _walk(obj["@graph"], None, None, depth + 1)
        if "@type" in obj:
            yield obj, parent, key
        for k, v in obj.items():
            if k != "@graph" and isinstance(v, (dict, list)):
                yield from _walk(v, obj if "@type" in obj else parent, k, depth + 1)


#: properties of a Review node read for the record, and the JSON types they may have
REVIEW_PROPERTY_TYPES: dict[str, tuple[type, ...]] = {
    "author": (str, dict, list), "datePublished": (str,), "dateModified": (str,), "headline": (str,),
    "name": (str,), "reviewBody": (str,), "reviewRating": (dict, str, int, float), "itemReviewed": (dict, str, list),
}  # fmt: skip


def _wrong_types(node: dict[str, Any]) -> list[str]:
    """A Review node's properties whose values have a type no reader of schema.org expects."""
    out = []
    for name, allowed in REVIEW_PROPERTY_TYPES.items():
        value = node.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, allowed)):
            out.append(f"{name} is a {type(value).__name__}")
    return out


def jsonld_nodes(
    scripts: list[etree._Element], problems: list[str] | None = None
) -> list[tuple[dict[str, Any], dict[str, Any] | None, str | None]]:
    """(node, parent node, key under the parent) for every typed node of these <script> elements.
    Given a list, ``problems`` gets what was invalid: a block that is no JSON even after repair,
    a Review node's property of the wrong type (those values are left unread)."""
    nodes = []
    for script in scripts:
        text = script.text or ""
        data = load_jsonld(text)
        if data is not None:
            found = list(_walk(data, None, None, 0))
            nodes.extend(found)
            if problems is not None:
                for node, _, _ in found:
                    if "Review" in types_of(node):
                        problems.extend(f"Review {p}" for p in _wrong_types(node))
        elif problems is not None and text.strip():
            problems.append("a JSON-LD block that is not JSON")
    return nodes


def first_text(value: Any) -> str | None:
    """A property's text: strings as they are, {"name": ...} objects by name, lists by first."""
    if isinstance(value, list):
        for v in value:
            t = first_text(v)
            if t:
                return t
        return None
    if isinstance(value, dict):
        for k in ("name", "@value", "text", "headline"):
            if isinstance(value.get(k), (str, int, float)):
                return str(value[k]).strip() or None
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return htmllib.unescape(value).strip() or None
    return None
