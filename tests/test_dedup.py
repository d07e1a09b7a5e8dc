"""Near-copies on the seed texts, the same suite for every storage of the index (memory, SQLite,
the real Redis on 127.0.0.1:6379): copies, excerpts and edits link; distinct reviews never do."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewcrawl.dedup import NearDuplicateIndex, fingerprint, normalize_text, signature

CONTENT = Path(__file__).resolve().parent.parent / "reviewcrawl" / "demo" / "content"
SEEDS = {
    "000": (CONTENT / "seed-000-ballerina-jekyll.md").read_text(encoding="utf-8").split("---", 2)[2],
    "001": (CONTENT / "seed-001-ballerina-seo.txt").read_text(encoding="utf-8"),
    "002": (CONTENT / "seed-002-ballerina-wordpress.txt").read_text(encoding="utf-8"),
}


@pytest.fixture(params=["memory", "sqlite", "redis"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    if request.param == "memory":
        return None
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.sqlite3'}"
    return str(request.getfixturevalue("redis_url"))


def seeded(storage: str | None) -> NearDuplicateIndex:
    index = NearDuplicateIndex(storage)
    for key, text in SEEDS.items():
        assert index.add(key, text) is None, f"seed {key} linked to another seed"
    return index


def edit_words(text: str, share: float) -> str:
    words = text.split()
    step = int(1 / share)
    return " ".join(w + "x" if i % step == 0 else w for i, w in enumerate(words))


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n|\n", text.strip()) if p.strip()]


COPIES: dict[str, Callable[[str], str]] = {
    "exact": lambda t: t,
    "whitespace-quotes-case": lambda t: " ".join(t.replace("’", "'").replace("“", '"').upper().split()),
    "boilerplate-added": lambda t: (
        "Advertisement\nSubscribe to our newsletter\n" + t + "\nShare on X · Share on Facebook"
    ),
    "1%-words-edited": lambda t: edit_words(t, 0.01),
    "5%-words-edited": lambda t: edit_words(t, 0.05),
    "10%-words-edited": lambda t: edit_words(t, 0.10),
    "paragraphs-reordered": lambda t: "\n\n".join(reversed(paragraphs(t))),
    "links-inserted": lambda t: "\n\n".join(
        p + ("\nRead more: https://example.org/more-reviews" if i % 3 == 0 else "") for i, p in enumerate(paragraphs(t))
    ),
    "excerpt-first-50%": lambda t: " ".join(t.split()[: len(t.split()) // 2]),
    "excerpt-middle-40%": lambda t: " ".join(
        t.split()[len(t.split()) // 4 : len(t.split()) // 4 + len(t.split()) * 2 // 5]
    ),
}


@pytest.mark.parametrize("kind", sorted(COPIES))
def test_copy_links_to_its_original(storage: str | None, kind: str) -> None:
    index = seeded(storage)
    for seed in sorted(SEEDS):
        match = index.add(f"copy-{seed}", COPIES[kind](SEEDS[seed]))
        assert match is not None and match.key == seed, (seed, match)
        assert match.exact == (kind in ("exact", "whitespace-quotes-case"))


def test_a_copy_of_a_copy_names_the_original(storage: str | None) -> None:
    index = seeded(storage)
    assert index.add("copy", edit_words(SEEDS["001"], 0.05)).key == "001"  # type: ignore[union-attr]
    second = index.add("copy-of-copy", COPIES["boilerplate-added"](edit_words(SEEDS["001"], 0.05)))
    assert second is not None and second.key == "001"


def test_adding_a_key_again_gives_the_same_answer(storage: str | None) -> None:
    index = seeded(storage)
    first = index.add("copy", edit_words(SEEDS["002"], 0.05))
    assert first is not None
    assert index.add("copy", edit_words(SEEDS["002"], 0.05)) == first
    assert index.add("000", SEEDS["000"]) is None  # an original seen again is no copy of itself
    assert len(index) == 4


def test_a_text_copied_more_often_than_a_bucket_holds_is_still_found(storage: str | None) -> None:
    index = seeded(storage)
    for i in range(120):  # the postings skip a key filed under more than MAX_BUCKET (100) texts
        assert index.add(f"mirror-{i}", SEEDS["001"]).key == "001"  # type: ignore[union-attr]
    late = index.add("late-copy", edit_words(SEEDS["001"], 0.05))
    assert late is not None and late.key == "001"
    index.close()
    if storage is not None:  # and so it is when the index is opened again
        assert NearDuplicateIndex(storage).add("later", SEEDS["001"]).key == "001"  # type: ignore[union-attr]


def test_a_review_syndicated_more_often_than_a_bucket_holds_links_every_copy(storage: str | None) -> None:
    index = seeded(storage)
    for i in range(130):  # each with its own site's boilerplate: more copies than MAX_BUCKET
        copy = f"Syndicated by partner site number {i} today\n{SEEDS['001']}\nShare this on network {i}"
        match = index.add(f"partner-{i}", copy)
        assert match is not None and match.key == "001", i


def test_a_copy_of_a_copy_is_measured_against_the_original(storage: str | None) -> None:
    index = seeded(storage)
    edited = edit_words(SEEDS["002"], 0.10)
    assert index.add("copy", edited) is not None
    again = index.add("copy-of-copy", edited)  # the same words as "copy", not as "002"
    assert again is not None and again.key == "002" and not again.exact and again.similarity < 0.9
    assert index.add("copy-of-copy", edited) == again


def test_short_texts_need_to_be_nearly_identical(storage: str | None) -> None:
    index = NearDuplicateIndex(storage)
    assert index.add("a", "Great movie, loved it. The action was great and the acting was great too.") is None
    assert index.add("b", "Great movie, hated it. The action was dull and the acting was great too.") is None
    assert index.add("c", "Great movie, loved it.") is None  # an excerpt too short to tell
    assert index.add("c2", "great movie, LOVED it!") is None  # two people can write the same four words
    assert index.add("title-only", "Ballerina (2025)\n") is None
    assert index.add("title-only-elsewhere", "Ballerina (2025)\n") is None
    copy = index.add("d", "GREAT movie, loved it. The action was great and the acting was great too!")
    assert copy is not None and copy.key == "a" and copy.exact


def test_odd_keys_and_texts(storage: str | None) -> None:
    index = seeded(storage)
    assert index.add("http://x.example/\udcff", SEEDS["000"]).key == "000"  # type: ignore[union-attr]
    assert index.add("http://x.example/\udcff", SEEDS["000"]).key == "000"  # type: ignore[union-attr]
    hyphenated = SEEDS["002"].replace("performance", "perfor\u00admance")
    assert index.add("soft-hyphens", hyphenated).exact  # type: ignore[union-attr]


def test_two_writers_of_one_sqlite_index_get_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    first, second = NearDuplicateIndex(url), NearDuplicateIndex(url)
    first.add("a", SEEDS["000"])
    first.flush()
    second.add("b", SEEDS["001"])
    with pytest.raises(RuntimeError, match="another process added to the near-copy index"):
        second.flush()


def test_empty_text_is_filed_but_never_linked(storage: str | None) -> None:
    index = NearDuplicateIndex(storage)
    assert index.add("a", "") is None
    assert index.add("b", "  \n ") is None
    assert index.add("a", "") is None


@pytest.fixture(params=["sqlite", "redis"])
def lasting_storage(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.sqlite3'}"
    return str(request.getfixturevalue("redis_url"))


def test_the_index_outlives_the_process(lasting_storage: str) -> None:
    """A copy found in next week's run links to this week's original."""
    storage = lasting_storage
    seeded(storage).close()
    index = NearDuplicateIndex(storage)
    assert len(index) == 3
    assert index.add("syndicated", COPIES["boilerplate-added"](SEEDS["000"])).key == "000"  # type: ignore[union-attr]
    assert index.add("002", SEEDS["002"]) is None
    index.close()


def test_every_storage_decides_alike(tmp_path: Path, redis_url: str) -> None:
    texts = [(f"{seed}-{kind}", COPIES[kind](SEEDS[seed])) for kind in sorted(COPIES) for seed in sorted(SEEDS)]
    texts += [(f"para-{i}", p) for i, p in enumerate(p for s in SEEDS.values() for p in paragraphs(s))]
    texts += [(f"mirror-{i}", texts[4][1]) for i in range(110)]  # exact copies of a near-copy
    later = [(f"later-{kind}", COPIES[kind](texts[4][1])) for kind in sorted(COPIES)]
    answers = []
    sqlite = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    for storage in (None, sqlite, redis_url):
        with NearDuplicateIndex(storage) as index:
            answers.append([index.add(key, text) for key, text in texts])
            if storage is None:
                answers[-1] += [index.add(key, text) for key, text in later]
        if storage == sqlite:  # reopened: filed as it was when added
            with NearDuplicateIndex(storage) as index:
                answers[-1] += [index.add(key, text) for key, text in later]
        elif storage is not None:
            with NearDuplicateIndex(storage) as index:
                answers[-1] += [index.add(key, text) for key, text in later]
    assert answers[0] == answers[1] == answers[2]


def _add_all(url: str, texts: list[tuple[str, str]], start: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    start.wait(10)
    with NearDuplicateIndex(url) as index:
        for key, text in texts:
            index.add(key, text)


def test_two_workers_adding_copies_at_once_link_them(redis_url: str) -> None:
    words = SEEDS["001"].split()
    originals = [" ".join(words[i : i + 120]) for i in range(0, 1200, 120)]  # 10 distinct texts
    ours = [(f"a{i}", t) for i, t in enumerate(originals)]
    theirs = [(f"b{i}", COPIES["boilerplate-added"](t)) for i, t in enumerate(originals)]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=_add_all, args=(redis_url, texts, start)) for texts in (ours, theirs)]
    for w in workers:
        w.start()
    start.set()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    with NearDuplicateIndex(redis_url) as index:
        assert len(index) == 20
        # each pair is linked one way or the other, whichever worker came first
        for i in range(10):
            a, b = index.add(f"a{i}", ""), index.add(f"b{i}", "")
            assert (a is None) != (b is None), (i, a, b)
            assert (a or b).key in (f"a{i}", f"b{i}")  # type: ignore[union-attr]


def test_unsupported_storage_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="storage"):
        NearDuplicateIndex("ftp://nowhere")


def test_unreachable_redis_is_a_clear_error() -> None:
    with pytest.raises(ConnectionError, match="not reachable"):
        NearDuplicateIndex("redis://:secret@127.0.0.1:1/0")


def test_exact_copy_found_by_fingerprint() -> None:
    assert fingerprint("It’s  GREAT") == fingerprint("it's great")
    assert fingerprint("It’s great") != fingerprint("It’s grate")
    assert normalize_text("It’s — GREAT!") == "it s great"


@pytest.mark.parametrize("text", ["", "Great.", "It’s  GREAT", "Fünf von fünf Sternen " * 40, "映画は素晴らしい。" * 9])
def test_the_fingerprint_of_a_signature_is_the_texts(text: str) -> None:
    """The pipeline takes the fingerprint from the signature it computes for the index."""
    from reviewcrawl.dedup import fingerprint_of, signature

    assert fingerprint_of(signature(text).exact) == fingerprint(text)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Ballerina — a “dazzling” spin-off", "ballerina a dazzling spin off", True),
        ("Ève Macarro\u00a0stars", "ève macarro stars", True),
        ("Fünf von fünf Sternen", "funf von funf sternen", False),  # accents are letters, not noise
        ("映画は素晴らしい", "映画は素晴らしい。", True),
    ],
)
def test_words_as_the_index_reads_them(a: str, b: str, same: bool) -> None:
    assert (signature(a).exact == signature(b).exact) is same


@pytest.mark.parametrize("buffer_docs", [1, 3, 64])
def test_postings_answer_like_a_dict_of_lists(buffer_docs: int) -> None:
    """Runs, merges, directories and the buffer against the obvious reference; keys drawn from a
    small range so that keys repeat, a few of them more often than the cap."""
    import numpy as np

    from reviewcrawl.dedup.postings import Postings

    rng = np.random.default_rng(3)
    postings, reference = Postings(buffer_docs=buffer_docs, max_bucket=64), {}
    popular = np.array([7, 4_000_000_000], dtype=np.uint32)
    for doc in range(600):
        keys = np.concatenate([rng.integers(0, 5000, 20).astype(np.uint32), popular])
        if doc % 50 == 0:
            want = sorted(d for k in keys.tolist() if len(reference.get(k, [])) <= 64 for d in reference.get(k, []))
            assert sorted(postings.lookup(keys).tolist()) == want, doc
        postings.add(keys, doc)
        for k in set(keys.tolist()):
            reference.setdefault(k, []).append(doc)
    bulk = Postings(max_bucket=64)
    bulk.add_many(np.array([5, 9, 5, 2**32 - 1], dtype=np.uint32), np.array([0, 1, 2, 3], dtype=np.uint32))
    assert sorted(bulk.lookup(np.array([5, 2**32 - 1, 8], dtype=np.uint32)).tolist()) == [0, 2, 3]


def test_judge_of_many_answers_as_judge_of_one() -> None:
    """The vectorised rule (memory, SQLite) and the scalar one (mirrored in Redis's Lua) agree."""
    import numpy as np

    from reviewcrawl.dedup import Thresholds, judge
    from reviewcrawl.dedup.index import judge_all

    t = Thresholds()
    sizes = np.array([0, 1, 12, 29, 30, 39, 40, 41, 75, 120, 133, 400, 2000, 9000], dtype=np.uint32)
    for size in (0, 5, 29, 30, 40, 60, 133, 400, 2000):
        for agree in range(0, 129):
            ok, j, c = judge_all(np.full(sizes.size, agree), size, sizes, t)
            want = [judge(agree, size, int(m), t) for m in sizes]
            assert [(bool(a), float(b), float(d)) for a, b, d in zip(ok, j, c)] == want, (size, agree)


@pytest.mark.parametrize(
    "max_bucket, buffer_docs, key_range", [(1, 1, 40), (3, 2, 300), (5, 7, 2**32 - 1), (100, 3, 5000)]
)
def test_postings_with_stop_marks_answer_like_a_dict_of_lists(
    max_bucket: int, buffer_docs: int, key_range: int
) -> None:
    """Keys over the cap are reduced to a stop mark as runs merge (in a bulk load too), and the
    answers stay those of the reference: a key over the cap is left out, whatever run holds it."""
    import numpy as np

    from reviewcrawl.dedup.postings import Postings

    rng = np.random.default_rng(max_bucket)
    postings, reference = Postings(buffer_docs=buffer_docs, max_bucket=max_bucket), {}
    loaded = rng.integers(0, key_range, (50, 10), dtype=np.uint64).astype(np.uint32)
    postings.add_many(loaded, np.repeat(np.arange(50, dtype=np.uint32), 10).reshape(50, 10))
    for doc in range(50):
        for k in set(loaded[doc].tolist()):
            reference.setdefault(k, []).append(doc)
    for doc in range(50, 700):
        keys = np.concatenate([rng.integers(0, key_range, 12, dtype=np.uint64).astype(np.uint32), [7, 4_000_000_000]])
        keys = keys.astype(np.uint32)
        if doc % 9 == 0:
            want = [d for k in keys.tolist() if len(reference.get(k, [])) <= max_bucket for d in reference.get(k, [])]
            assert sorted(postings.lookup(keys).tolist()) == sorted(want), doc
        postings.add(keys, doc)
        for k in set(keys.tolist()):
            reference.setdefault(k, []).append(doc)


def test_a_key_over_the_cap_is_kept_once() -> None:
    """A key filed under more documents than the cap keeps a single entry once runs are merged:
    a phrase every text shares costs no memory per text, and lookups skip it."""
    import numpy as np

    from reviewcrawl.dedup.postings import STOP, Postings, _halves

    postings = Postings(buffer_docs=4, max_bucket=10)
    for doc in range(400):
        postings.add(np.array([5, 1000 + doc], dtype=np.uint32), doc)
    postings.flush()
    keys, docs = _halves(postings._pairs.data[: postings._pairs.size])
    assert keys.tolist().count(5) < 10 and STOP in docs[keys == 5].tolist()
    assert postings.lookup(np.array([5, 1007], dtype=np.uint32)).tolist() == [7]


def test_verification_turns_away_only_what_judge_would() -> None:
    """Candidates agreeing in fewer bins than least_agree are dropped before judge: judge must
    say no to every one of them, whatever the sizes."""
    from reviewcrawl.dedup import Thresholds, judge
    from reviewcrawl.dedup.index import least_agree

    sizes = [*range(0, 200), 300, 400, 1000, 2000, 9000]
    for t in (Thresholds(), Thresholds(containment=0.5, excerpt_share=0.1), Thresholds(resemblance=0.1)):
        least = least_agree(t)
        assert least > 0
        passing = [a for a in range(least) for s in sizes for m in (1, 30, 40, 133, 400, 2000) if judge(a, s, m, t)[0]]
        assert passing == [], (t, least)
