"""Near-copy benchmark: quality, speed, memory and scaling of reviewcrawl.dedup.NearDuplicateIndex.

    python benchmarks/dedup.py                   # quality on >= 100,000 texts, speed, bytes
    python benchmarks/dedup.py --scale           # cost per text at 10k, 100k and 1M texts
    python benchmarks/dedup.py --reopen 1000000  # opening a SQLite index of a million texts
    python benchmarks/dedup.py --originals 5000  # a quick run

Speeds are CPU seconds of this process (time.process_time), one core, so that other work on the
machine does not slow them; Redis is timed by the wall clock (its round trips are the cost).

Quality is judged against the generated ground truth (benchmarks/dedup_corpus.py):
- doc level: a text the index links is right when the original it names is of the text's own
  cluster; precision = right links / links, recall = right links / copies (in the target kinds);
- pair level: every (copy, original) pair the truth has, against every pair the links imply.
Baselines in the same run, on the same texts: reviewcrawl's first index (benchmarks/dedup_baseline.py:
word 2-shingles, 128 hashed permutations, 42 bands of 3; on the first --baseline-texts texts, it is
slow), and exact-text hashing alone.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_baseline import FirstIndex
from dedup_corpus import TARGET_KINDS, Doc, Generator

from reviewcrawl.dedup import NearDuplicateIndex, fingerprint


def quality(docs: list[Doc], links: dict[str, str | None]) -> dict[str, object]:
    cluster = {d.key: d.cluster for d in docs}
    first_of: dict[int, str] = {}
    right = wrong = 0
    found_by_kind: Counter[str] = Counter()
    total_by_kind: Counter[str] = Counter()
    wrong_by_kind: Counter[str] = Counter()
    for d in docs:
        first = first_of.setdefault(d.cluster, d.key)
        linked = links.get(d.key)
        if first != d.key:
            total_by_kind[d.kind] += 1
        if linked is None:
            continue
        if cluster[linked] == d.cluster and first != d.key:
            right += 1
            found_by_kind[d.kind] += 1
        else:
            wrong += 1
            wrong_by_kind[d.kind] += 1
    target = sum(total_by_kind[k] for k in TARGET_KINDS)
    found_target = sum(found_by_kind[k] for k in TARGET_KINDS)
    # pairs: every two members of a cluster, as the truth says and as the links imply
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(d.cluster for d in docs).values())
    groups: dict[str, list[int]] = defaultdict(list)
    for d in docs:
        root = links.get(d.key) or d.key
        groups[root].append(d.cluster)
    predicted = sum(len(g) * (len(g) - 1) // 2 for g in groups.values())
    correct = sum(n * (n - 1) // 2 for g in groups.values() for n in Counter(g).values())
    return {
        "links": right + wrong,
        "doc_precision": right / max(1, right + wrong),
        "doc_recall_target": found_target / max(1, target),
        "target_copies": target,
        "pair_precision": correct / max(1, predicted),
        "pair_recall": correct / max(1, true_pairs),
        "recall_by_kind": {k: (found_by_kind[k] / total_by_kind[k], total_by_kind[k]) for k in sorted(total_by_kind)},
        "wrong_by_kind": dict(wrong_by_kind),
    }


def run_index(docs: list[Doc], storage: str | None = None) -> tuple[dict[str, str | None], float, NearDuplicateIndex]:
    index = NearDuplicateIndex(storage)
    links: dict[str, str | None] = {}
    started = time.process_time()
    for d in docs:
        m = index.add(d.key, d.text)
        links[d.key] = m.key if m else None
    index.flush()
    return links, time.process_time() - started, index


def run_first(docs: list[Doc]) -> tuple[dict[str, str | None], float]:
    index = FirstIndex()
    links: dict[str, str | None] = {}
    started = time.process_time()
    for d in docs:
        m = index.add(d.key, d.text)
        links[d.key] = m.key if m else None
    return links, time.process_time() - started


def run_exact(docs: list[Doc]) -> dict[str, str | None]:
    seen: dict[str, str] = {}
    links: dict[str, str | None] = {}
    for d in docs:
        f = fingerprint(d.text)
        links[d.key] = seen.get(f)
        seen.setdefault(f, d.key)
    return links


def print_quality(name: str, q: dict[str, object], seconds: float | None, n: int) -> None:
    speed = f"  {n / seconds:,.0f} texts/s" if seconds else ""
    print(
        f"{name:34} doc P {q['doc_precision']:.4f}  doc R(target) {q['doc_recall_target']:.4f}  "
        f"pair P {q['pair_precision']:.4f}  pair R {q['pair_recall']:.4f}  links {q['links']:,}{speed}"
    )


def main_quality(originals: int, baseline_texts: int) -> None:
    t0 = time.process_time()
    docs = Generator(seed=7).corpus(originals)
    kinds = Counter(d.kind for d in docs)
    words = sorted(len(d.text.split()) for d in docs)
    print(f"corpus: {len(docs):,} texts ({originals:,} originals), generated in {time.process_time() - t0:.0f} s; "
          f"words per text: median {words[len(words) // 2]}, 5% {words[len(words) // 20]}, 95% {words[-len(words) // 20]}")  # fmt: skip
    print("texts by kind:", ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
    links, seconds, index = run_index(docs)
    q = quality(docs, links)
    print_quality("reviewcrawl (memory)", q, seconds, len(docs))
    print("  recall by kind:", ", ".join(f"{k} {r:.3f} ({n:,})" for k, (r, n) in q["recall_by_kind"].items()))  # type: ignore[attr-defined]
    print("  wrong links by kind:", q["wrong_by_kind"] or "none")
    print(f"  bytes per text in memory (index arrays and keys): {index.nbytes / len(index):,.0f}")
    print_quality("exact text hash only", quality(docs, run_exact(docs)), None, len(docs))
    head = docs[:baseline_texts]
    first_links, first_seconds = run_first(head)
    now_links, now_seconds, _ = run_index(head)
    print(f"on the first {len(head):,} texts, against reviewcrawl's first index (same run):")
    print_quality("  reviewcrawl", quality(head, now_links), now_seconds, len(head))
    print_quality("  first index (2-shingles, 42x3)", quality(head, first_links), first_seconds, len(head))
    print(f"  speed ratio: {first_seconds / now_seconds:.1f}x")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "state.sqlite3"
        links2, seconds2, index2 = run_index(docs, f"sqlite:///{db}")
        index2.close()
        assert links2 == links, "the SQLite index must decide as the memory index does"
        size = db.stat().st_size + sum(p.stat().st_size for p in Path(tmp).glob("state.sqlite3-*"))
        print(
            f"reviewcrawl (SQLite): {len(docs) / seconds2:,.0f} texts/s, {size / len(docs):,.0f} bytes per text on disk"
        )
        t = time.perf_counter()
        reopened = NearDuplicateIndex(f"sqlite:///{db}")
        print(f"  reopening the SQLite index of {len(reopened):,} texts: {time.perf_counter() - t:.2f} s (wall clock)")
        reopened.close()


def speed_500(n: int = 10_000) -> None:
    """texts/s for 500-word reviews (timed alone), then bytes per text (tracemalloc, a second run)."""
    gen = Generator(seed=11)
    films = [gen.film() for _ in range(50)]
    texts = [gen.review(films[i % 50], 500) for i in range(n)]
    keys = [f"https://www.site{i % 40}.example/reviews/{i:07d}-a-film-title-in-the-url/" for i in range(n)]
    index = NearDuplicateIndex()
    t = time.process_time()
    for key, text in zip(keys, texts):
        index.add(key, text)
    seconds = time.process_time() - t
    del index
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = NearDuplicateIndex()
    for key, text in zip(keys, texts):
        index.add(key, text)
    index._backend.postings.flush()  # type: ignore[attr-defined]
    gc.collect()
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    print(f"500-word reviews: {n / seconds:,.0f} texts/s (add = query + insert, one core); "
          f"{used / n:,.0f} bytes per text in memory (tracemalloc, keys of ~75 characters included)")  # fmt: skip


def redis_run(docs: list[Doc], url: str) -> None:
    """The Redis index on the same texts: texts/s (one round trip each) and server memory per text."""
    import redis

    client = redis.Redis.from_url(url)
    prefix = f"reviewcrawl-bench:{os.getpid()}"
    try:
        client.ping()
    except redis.RedisError as exc:
        print(f"reviewcrawl (Redis): skipped, {url} not reachable ({exc})")
        return
    before = int(client.info("memory")["used_memory"])
    index = NearDuplicateIndex(f"{url}?prefix={prefix}")
    t = time.perf_counter()
    for d in docs:
        index.add(d.key, d.text)
    seconds = time.perf_counter() - t
    used = int(client.info("memory")["used_memory"]) - before
    print(
        f"reviewcrawl (Redis, {url}): {len(docs) / seconds:,.0f} texts/s (wall clock), {used / len(docs):,.0f} bytes per text in Redis"
    )
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    index.close()


def main_scale(sizes: list[int], words: int) -> None:
    """Cost per text as the index grows: CPU time of the 2,000 texts added after each size."""
    gen = Generator(seed=13)
    films = [gen.film() for _ in range(500)]
    index = NearDuplicateIndex()
    added = 0
    t0 = time.process_time()
    for size in sizes:
        while added < size:  # distinct texts of Zipf-distributed words
            index.add(f"https://fill.example/{added}", gen._words(words))
            added += 1
        probe = [gen.review(films[i % 500], words) for i in range(2000)]
        t = time.process_time()
        for i, text in enumerate(probe):
            index.add(f"https://probe.example/{size}/{i}", text)
        per = (time.process_time() - t) / len(probe)
        added += len(probe)
        print(f"  at {size:>9,} texts: {per * 1e6:7.1f} µs per text ({words}-word reviews, CPU time); "
              f"{index.nbytes / len(index):,.0f} bytes per text; {time.process_time() - t0:,.0f} s so far")  # fmt: skip
        sys.stdout.flush()


def main_reopen(n: int, words: int) -> None:
    """Opening a SQLite index of n texts: what a cron run pays before its first page."""
    gen = Generator(seed=17)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "state.sqlite3"
        index = NearDuplicateIndex(f"sqlite:///{db}")
        t = time.process_time()
        for i in range(n):
            index.add(f"https://www.site{i % 40}.example/reviews/{i:07d}-a-film-title-in-the-url/", gen._words(words))
        index.close()
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        print(f"  filed {n:,} texts of {words} words into SQLite in {time.process_time() - t:,.0f} CPU s; "
              f"{size / n:,.0f} bytes per text on disk")  # fmt: skip
        t = time.perf_counter()
        reopened = NearDuplicateIndex(f"sqlite:///{db}")
        print(
            f"  reopening it: {time.perf_counter() - t:.1f} s (wall clock); {reopened.nbytes / n:,.0f} bytes per text in memory"
        )
        reopened.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--originals", type=int, default=80_000)
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--reopen", type=int, default=0, metavar="N", help="time opening a SQLite index of N texts")
    parser.add_argument("--scale-words", type=int, default=120)
    parser.add_argument("--max", type=int, default=1_000_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--baseline-texts", type=int, default=20_000)
    parser.add_argument("--redis-originals", type=int, default=10_000)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, sqlite {sqlite3.sqlite_version}")
    if args.reopen:
        main_reopen(args.reopen, 50)
        return
    if args.scale:
        main_scale([s for s in (10_000, 100_000, 1_000_000) if s <= args.max], args.scale_words)
        return
    speed_500()
    main_quality(args.originals, args.baseline_texts)
    redis_run(Generator(seed=5).corpus(args.redis_originals), args.redis)


if __name__ == "__main__":
    main()
