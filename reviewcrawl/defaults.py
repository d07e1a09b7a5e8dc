"""reviewcrawl's own settings and their defaults, in one place. Override any with -s NAME=VALUE."""

from __future__ import annotations

import os

#: where feeds (feeds/) and the database (reviewcrawl.sqlite3) go
REVIEWCRAWL_DATA_DIR = "data"
#: the database (sqlite:///PATH or postgresql://USER@HOST/DB); empty means
#: <REVIEWCRAWL_DATA_DIR>/reviewcrawl.sqlite3. Read from the environment variable of the same name
#: when set, so a password stays out of the command line (ps) and the crontab
REVIEWCRAWL_DATABASE_URL = os.environ.get("REVIEWCRAWL_DATABASE_URL", "")
#: records per database transaction
REVIEWCRAWL_DB_BATCH_SIZE = 500
#: extra folders of site profiles (*.toml), searched after the bundled ones
REVIEWCRAWL_SITE_DIRS: list[str] = []
#: "mark": export near-copies with duplicate_of set; "drop": do not export them
REVIEWCRAWL_DUPLICATES = "mark"
#: near-copy index: "state" (a table of the data directory's state database: copies found in
#: later runs link to this run's originals), "memory" (this run only), "sqlite:///PATH", or
#: "redis://HOST:PORT/DB" (shared by workers on several machines)
REVIEWCRAWL_DEDUP_STORAGE = "state"
#: "gzip": write the feeds as .jsonl.gz (Scrapy's GzipPlugin); "" for plain .jsonl
REVIEWCRAWL_FEED_COMPRESSION = ""
#: write the run's report (one self-contained HTML file, reviewcrawl/report/) beside its feed,
#: ``report-<run_id>.html``, when the run publishes its feeds; on for `scrapy demo`
REVIEWCRAWL_REPORT = False
#: a run fails (exit code 1) when spider and pipeline exceptions exceed this share of the pages fetched
REVIEWCRAWL_MAX_ERROR_RATE = 0.05
#: where `scrapy crawl` keeps its lock files (one per spider and site selection); empty means
#: <REVIEWCRAWL_DATA_DIR>/locks
REVIEWCRAWL_LOCK_DIR = ""
#: an endless calendar or pagination (pages that differ only in a number) is cut after this many
#: pages in a row that link to nothing new (reviewcrawl/traps.py; 0 turns the guard off)
REVIEWCRAWL_TRAP_PATIENCE = 5
#: seconds a 429/503's Retry-After may ask to wait before the retry; longer: not retried this run
REVIEWCRAWL_RETRY_AFTER_MAX = 60.0
#: the garbage collector during a crawl (reviewcrawl/gctuning.py): start-up's objects frozen
#: out of its collections, and its thresholds (empty: CPython's own, 700, 10, 10)
REVIEWCRAWL_GC_FREEZE = True
REVIEWCRAWL_GC_THRESHOLD = [5000, 10, 10]
#: set by `scrapy crawl` before the run, not by hand: warnings for the run's summary (a lock taken
#: over, killed runs found and redone; reviewcrawl/recovery.py)
REVIEWCRAWL_RUN_WARNINGS: list[str] = []

# Distributed mode (reviewcrawl/distributed/; the README's "Many workers on many machines"):
#: "redis://HOST:PORT/DB": workers on several machines share one crawl through this Redis; empty: one machine
REVIEWCRAWL_REDIS_URL = ""
#: the first part of every Redis key of the crawl (and of its near-copy index)
REVIEWCRAWL_REDIS_PREFIX = "reviewcrawl"
#: this worker's name, unique among the workers of one crawl; empty means the host name
REVIEWCRAWL_WORKER_ID = ""
#: the generation to join (e.g. the date); empty: the crawl's unfinished one, else a new one
REVIEWCRAWL_GENERATION = ""
#: seconds a generation's keys live after the last heartbeat of a worker in it
REVIEWCRAWL_GENERATION_TTL = 7 * 24 * 3600
#: seconds without a heartbeat after which a worker is taken for dead and its requests are queued again
REVIEWCRAWL_WORKER_TIMEOUT = 120.0
#: seconds a worker waits for an unreachable Redis before it stops (exit code 4, its feeds not published)
REVIEWCRAWL_REDIS_TIMEOUT = 60.0
#: the seen-set: "set" (scrapy-redis's set of fingerprints, ~88 bytes per URL) or "bloom"
#: (reviewcrawl/distributed/bloom.py: ~1.8 bytes per URL of capacity; a false positive skips a page)
REVIEWCRAWL_SEEN = "set"
REVIEWCRAWL_BLOOM_CAPACITY = 5_000_000
REVIEWCRAWL_BLOOM_ERROR_RATE = 0.001
#: set by `scrapy crawl`, not by hand: this worker's killed runs, run id -> published (reviewcrawl/recovery.py)
REVIEWCRAWL_KILLED_RUNS: dict[str, bool] = {}
