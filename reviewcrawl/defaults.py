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
#: set by `scrapy crawl` before the run, not by hand: warnings for the run's summary (a lock taken
#: over, killed runs found and redone; reviewcrawl/recovery.py)
REVIEWCRAWL_RUN_WARNINGS: list[str] = []
