"""Near-copies on the seed texts: copies, excerpts and edits link; distinct reviews never do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviewcrawl.dedup import NearDuplicateIndex, fingerprint, normalize_text

CONTENT = Path(__file__).resolve().parent.parent / "reviewcrawl" / "demo" / "content"
SEEDS = {
    "000": (CONTENT / "seed-000-ballerina-jekyll.md").read_text(encoding="utf-8").split("---", 2)[2],
    "001": (CONTENT / "seed-001-ballerina-seo.txt").read_text(encoding="utf-8"),
    "002": (CONTENT / "seed-002-ballerina-wordpress.txt").read_text(encoding="utf-8"),
}


def seeded() -> NearDuplicateIndex:
    index = NearDuplicateIndex()
    for key, text in SEEDS.items():
        assert index.add(key, text) is None, f"seed {key} linked to another seed"
    return index


def edit_words(text: str, share: float) -> str:
    words = text.split()
    step = int(1 / share)
    return " ".join(w + "x" if i % step == 0 else w for i, w in enumerate(words))


COPIES = {
    "exact": lambda t: t,
    "whitespace-quotes-case": lambda t: " ".join(t.replace("’", "'").replace("“", '"').upper().split()),
    "boilerplate-added": lambda t: (
        "Advertisement\nSubscribe to our newsletter\n" + t + "\nShare on X · Share on Facebook"
    ),
    "5%-words-edited": lambda t: edit_words(t, 0.05),
    "10%-words-edited": lambda t: edit_words(t, 0.10),
    "paragraphs-reordered": lambda t: "\n\n".join(reversed(re.split(r"\n\s*\n|\n", t.strip()))),
    "excerpt-50%": lambda t: " ".join(t.split()[: len(t.split()) // 2]),
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
@pytest.mark.parametrize("kind", sorted(COPIES))
def test_copy_links_to_its_original(seed: str, kind: str) -> None:
    index = seeded()
    match = index.add(f"copy-{seed}", COPIES[kind](SEEDS[seed]))
    assert match is not None and match.key == seed


def test_short_texts_need_to_be_nearly_identical() -> None:
    index = NearDuplicateIndex()
    index.add("a", "Great movie, loved it. The action was great and the acting was great too.")
    assert index.add("b", "Great movie, hated it. The action was dull and the acting was great too.") is None


def test_exact_copy_found_by_fingerprint() -> None:
    assert fingerprint("It’s  GREAT") == fingerprint("it's great")
    assert normalize_text("It’s — GREAT!") == "it s great"


def test_unsupported_storage_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="storage"):
        NearDuplicateIndex("ftp://nowhere")
