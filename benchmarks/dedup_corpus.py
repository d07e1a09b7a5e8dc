"""A generated corpus of review texts with ground-truth near-copies and hard negatives.

Words follow a Zipf law over a vocabulary ranked like English review prose (the seed reviews'
own words first, by frequency, then made-up words), so that common bigrams and trigrams ("of
the film") are shared by unrelated reviews as in real text. Reviews of one film share the
film's title and cast and a pool of stock phrases ("one of the best films of the year") that
every reviewer uses: distinct reviews of the same film are the hard negatives.

Copies of an original, each with the kind of change it went through:
- in the target (``≤ 10% of words edited or ≥ 40% of the original kept``): exact, unicode
  (curly quotes, no-break spaces, case, line breaks), boilerplate (another site's header and
  footer), ads (ad and link lines between paragraphs), reorder (paragraphs shuffled), edit1,
  edit5, edit10 (share of words substituted, deleted or inserted), excerpt (40-90% of the
  words, from the start or from a paragraph on), and mixes: edit5+boilerplate,
  excerpt+boilerplate, reorder+edit5;
- beyond it (reported, not a target): excerpt+edit5, excerpt20 (20-40% of the words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEEDS = Path(__file__).resolve().parent.parent / "reviewcrawl" / "demo" / "content"
TARGET_KINDS = (
    "exact", "unicode", "boilerplate", "ads", "reorder", "edit1", "edit5", "edit10", "excerpt",
    "edit5+boilerplate", "excerpt+boilerplate", "reorder+edit5",
)  # fmt: skip
BEYOND_KINDS = ("excerpt+edit5", "excerpt20")
_SYLLABLES = "ka lo mi ne ru sa te vo bi da fe gu ha ji ko lu ma ni po qu ri so tu va we xi yo za".split()


@dataclass
class Doc:
    key: str
    text: str
    cluster: int  # the original's number: a copy shares its original's cluster
    kind: str  # "original", "short" (a short original) or a copy kind


def _seed_words() -> list[str]:
    words: dict[str, int] = {}
    for path in sorted(SEEDS.glob("seed-*")):
        for w in re.findall(r"[a-z']+", path.read_text(encoding="utf-8").lower()):
            words[w] = words.get(w, 0) + 1
    return sorted(words, key=lambda w: -words[w])


class Generator:
    def __init__(self, seed: int = 7, vocabulary: int = 40_000) -> None:
        self.rng = np.random.default_rng(seed)
        real = _seed_words()
        made = set()
        while len(made) < vocabulary - len(real):
            made.add("".join(self.rng.choice(_SYLLABLES, size=self.rng.integers(2, 5))))
        self.vocab = np.array(real + sorted(made - set(real)))
        ranks = np.arange(1, self.vocab.size + 1)
        p = 1.0 / ranks**1.05
        self.p = p / p.sum()
        self.cdf = np.cumsum(self.p)
        self.stock = [self._words(self.rng.integers(4, 9)) for _ in range(400)]  # phrases every reviewer uses
        self.boilerplate = [
            [self._words(self.rng.integers(5, 15)) for _ in range(self.rng.integers(3, 8))] for _ in range(50)
        ]

    def _words(self, n: int) -> str:
        ids = np.searchsorted(self.cdf, self.rng.random(int(n)))
        return " ".join(self.vocab[np.minimum(ids, self.vocab.size - 1)])

    def _name(self) -> str:
        return " ".join(
            "".join(self.rng.choice(_SYLLABLES, size=self.rng.integers(2, 4))).capitalize()
            for _ in range(self.rng.integers(1, 3))
        )

    def film(self) -> list[str]:
        return [self._name() for _ in range(5)]  # title and cast

    def review(self, film: list[str], words: int) -> str:
        paragraphs, total = [], 0
        while total < words:
            sentences = []
            for _ in range(self.rng.integers(2, 6)):
                r = self.rng.random()
                if r < 0.15:
                    sentence = self.stock[self.rng.integers(len(self.stock))]
                elif r < 0.35:
                    n = self.rng.integers(4, 12)
                    cut = self.rng.integers(1, n)
                    sentence = f"{self._words(cut)} {film[self.rng.integers(len(film))]} {self._words(n - cut)}"
                else:
                    sentence = self._words(self.rng.integers(6, 26))
                sentences.append(sentence.capitalize() + ".")
                total += sentence.count(" ") + 1
                if total >= words:
                    break
            paragraphs.append(" ".join(sentences))
        return "\n\n".join(paragraphs)

    def short_review(self, film: list[str]) -> str:
        parts = [self.stock[self.rng.integers(len(self.stock))] for _ in range(self.rng.integers(1, 3))]
        parts.insert(int(self.rng.integers(len(parts) + 1)), f"{film[0]} {self._words(self.rng.integers(3, 12))}")
        return ". ".join(p.capitalize() for p in parts) + "."

    # -- copies -------------------------------------------------------------------------------
    def _edit(self, text: str, share: float) -> str:
        words = text.split(" ")
        out = []
        for w in words:
            r = self.rng.random()
            if r >= share:
                out.append(w)
            elif r < share * 0.6:
                out.append(self._words(1))
            elif r < share * 0.8:
                continue
            else:
                out.extend((w, self._words(1)))
        return " ".join(out)

    def _excerpt(self, text: str, low: float, high: float) -> str:
        words = text.split(" ")
        n = max(1, int(len(words) * self.rng.uniform(low, high)))
        start = 0 if self.rng.random() < 0.6 else int(self.rng.integers(0, len(words) - n + 1))
        return " ".join(words[start : start + n])

    def _boilerplate(self, text: str) -> str:
        site = self.boilerplate[self.rng.integers(len(self.boilerplate))]
        head = int(self.rng.integers(1, len(site)))
        return "\n".join(site[:head]) + "\n\n" + text + "\n\n" + "\n".join(site[head:])

    def _ads(self, text: str) -> str:
        paragraphs = text.split("\n\n")
        for _ in range(self.rng.integers(1, 5)):
            line = self.rng.choice(
                ["Advertisement", f"Read more: {self._words(6)} https://example.org/{self._words(1)}"]
            )
            paragraphs.insert(int(self.rng.integers(0, len(paragraphs) + 1)), str(line))
        return "\n\n".join(paragraphs)

    def _unicode(self, text: str) -> str:
        text = text.replace(". ", ".\u00a0 ").replace("the ", "the  ")
        text = re.sub(r"\b(\w+)'(\w+)", "\\1\u2019\\2", text)
        return text.upper() if self.rng.random() < 0.3 else text.replace("\n\n", "\n")

    def _reorder(self, text: str) -> str:
        paragraphs = text.split("\n\n")
        if len(paragraphs) > 1:
            self.rng.shuffle(paragraphs)
        return "\n\n".join(paragraphs)

    def copy(self, text: str, kind: str) -> str:
        steps = {
            "exact": lambda t: t,
            "unicode": self._unicode,
            "boilerplate": self._boilerplate,
            "ads": self._ads,
            "reorder": self._reorder,
            "edit1": lambda t: self._edit(t, 0.01),
            "edit5": lambda t: self._edit(t, 0.05),
            "edit10": lambda t: self._edit(t, 0.10),
            "excerpt": lambda t: self._excerpt(t, 0.4, 0.9),
            "excerpt20": lambda t: self._excerpt(t, 0.2, 0.4),
        }
        for step in kind.split("+"):
            text = steps[step](text)
        return text

    def corpus(self, originals: int, *, copy_share: float = 0.3, short_share: float = 0.05,
               min_words: int = 50, max_words: int = 2000, median_words: int = 450) -> list[Doc]:  # fmt: skip
        """``originals`` distinct reviews (about 8 per film) and copies of ``copy_share`` of them;
        each copy comes after its original, at a random later point of the stream."""
        docs: list[tuple[float, Doc]] = []
        films = [self.film() for _ in range(max(1, originals // 8))]
        kinds = TARGET_KINDS + BEYOND_KINDS
        for i in range(originals):
            film = films[int(self.rng.integers(len(films)))]
            if self.rng.random() < short_share:
                text, kind = self.short_review(film), "short"
            else:
                n = int(np.clip(self.rng.lognormal(np.log(median_words), 0.7), min_words, max_words))
                text, kind = self.review(film, n), "original"
            at = self.rng.random()
            docs.append((at, Doc(f"https://site{i % 97}.example/review/{i}", text, i, kind)))
            if kind == "original" and self.rng.random() < copy_share:
                for c in range(int(self.rng.integers(1, 4))):
                    copy_kind = str(kinds[int(self.rng.integers(len(kinds)))])
                    later = at + (1 - at) * self.rng.random()
                    key = f"https://copies{(i + c) % 31}.example/{i}-{c}"
                    docs.append((later, Doc(key, self.copy(text, copy_kind), i, copy_kind)))
        docs.sort(key=lambda d: d[0])
        return [d for _, d in docs]
