"""Scrapy settings of the reviewcrawl project. reviewcrawl's own settings: reviewcrawl/defaults.py."""

from __future__ import annotations

from reviewcrawl.defaults import *  # noqa: F403  (REVIEWCRAWL_* defaults, overridable with -s)
from reviewcrawl.items import REVIEW_FIELDS

BOT_NAME = "reviewcrawl"
SPIDER_MODULES = ["reviewcrawl.spiders"]
NEWSPIDER_MODULE = "reviewcrawl.spiders"
COMMANDS_MODULE = "reviewcrawl.commands"

# Polite by default: a crawler that names itself, obeys robots.txt and slows down for slow sites.
USER_AGENT = "reviewcrawl/0.1 (+https://github.com/reviewcrawl/reviewcrawl; review research crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# A failed page is one line in the log, the fault's (reviewcrawl/faults.py: the spider's errback,
# or Scrapy's own line for HTTP statuses and sizes), not a second "Gave up retrying" line.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
REDIRECT_MAX_TIMES = 5

# Limits of an unattended run (what stops a fault or a trap, see the README's "Running from cron"):
# - a page larger than this is cut while it downloads, and a compressed one while it is
#   decompressed (a gzip bomb): the largest review pages seen are ~1 MB of HTML, 10 MB is room
#   for ten times that, and one response at a time never costs more than this in memory;
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# - any chain of links longer than this is not followed (a trap's last resort; sitemaps and feeds
#   reach a site's deep pages in 2 or 3 steps);
DEPTH_LIMIT = 12
# - a run of pages that differ only in a number (an endless calendar or pagination) is cut after
#   REVIEWCRAWL_TRAP_PATIENCE pages in a row that lead to nothing new (reviewcrawl/traps.py), and a
#   429/503 asking to wait longer than REVIEWCRAWL_RETRY_AFTER_MAX is not retried (both in defaults.py);
# - the whole run, a backstop only (the limits above stop faults and traps long before): a
#   nightly run must end before the next night's run of the same selection is due, which the lock
#   would otherwise turn away, so 20 hours; 500,000 responses is several times the largest site
#   a run is meant for (50,000 reviews with their listings), so only a runaway reaches it; and
#   1,000 spider exceptions mean the code is broken for this site (they are bugs, not the site's
#   faults, which are not counted here): stop then, and fail (exit code 1), rather than crawl on
#   for hours. A run stopped by the time or page limit exits 0 with a warning in its summary.
CLOSESPIDER_TIMEOUT = 20 * 3600
CLOSESPIDER_PAGECOUNT = 500_000
CLOSESPIDER_ERRORCOUNT = 1000
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Incremental crawls: conditional requests from the state database's pages table (-a full=1 turns
# them off); see reviewcrawl/incremental.py
DOWNLOADER_MIDDLEWARES = {
    "reviewcrawl.incremental.ConditionalRequestMiddleware": 560,
    # just outside RetryMiddleware (550): waits what Retry-After asks before a retry
    "reviewcrawl.retryafter.RetryAfterMiddleware": 555,
}
# Endless calendars and paginations: reviewcrawl/traps.py
SPIDER_MIDDLEWARES = {"reviewcrawl.traps.TrapGuard": 950}

ITEM_PIPELINES = {
    "reviewcrawl.pipelines.ExtractPipeline": 100,
    "reviewcrawl.pipelines.ValidatePipeline": 200,
    "reviewcrawl.pipelines.NearDuplicatePipeline": 300,
    "reviewcrawl.pipelines.DatabasePipeline": 400,
}

# The run's summary (run-<run_id>.json beside the feed, and the state database's runs table),
# its verdict and exit code: see reviewcrawl/extensions.py and the README's "Running from cron".
EXTENSIONS = {"reviewcrawl.extensions.RunRecorder": 500, "reviewcrawl.gctuning.GcTuning": 0}
# REVIEWCRAWL_FEED_COMPRESSION = "gzip" turns the .jsonl feeds into .jsonl.gz (reviewcrawl/feeds.py)
ADDONS = {"reviewcrawl.feeds.FeedCompression": 0, "reviewcrawl.distributed.DistributedMode": 0}
# Distributed mode (REVIEWCRAWL_REDIS_URL; reviewcrawl/distributed/): a worker closes when the
# crawl's generation has stayed drained this many seconds (scrapy-redis's setting; 0: never)
MAX_IDLE_TIME_BEFORE_CLOSE = 5

# Export is configuration: Scrapy's feed exports, one JSON Lines file per run, fields in the
# Review's declaration order; records that failed validation go to an errors feed beside it.
# Feeds are written under a temporary name and renamed when the run closes (atomic).
FEED_STORAGES = {"": "reviewcrawl.feeds.AtomicFileFeedStorage", "file": "reviewcrawl.feeds.AtomicFileFeedStorage"}
FEED_EXPORT_ENCODING = "utf-8"
FEED_URI_PARAMS = "reviewcrawl.feeds.uri_params"
FEEDS = {
    "%(data_dir)s/feeds/reviews-%(run_id)s.jsonl": {
        "format": "jsonlines",
        "item_classes": ["reviewcrawl.items.Review"],
        "fields": list(REVIEW_FIELDS),
        "store_empty": True,
    },
    "%(data_dir)s/feeds/errors-%(run_id)s.jsonl": {
        "format": "jsonlines",
        "item_classes": ["reviewcrawl.items.Rejected"],
        "store_empty": False,
    },
}

LOG_LEVEL = "INFO"
REMOTE_CONTROL_ENABLED = False  # like the telnet console: no open port in an unattended cron job
