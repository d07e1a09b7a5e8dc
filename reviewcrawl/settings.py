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
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
DEPTH_LIMIT = 12
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Incremental crawls: conditional requests from the state database's pages table (-a full=1 turns
# them off); see reviewcrawl/incremental.py
DOWNLOADER_MIDDLEWARES = {"reviewcrawl.incremental.ConditionalRequestMiddleware": 560}

ITEM_PIPELINES = {
    "reviewcrawl.pipelines.ExtractPipeline": 100,
    "reviewcrawl.pipelines.ValidatePipeline": 200,
    "reviewcrawl.pipelines.NearDuplicatePipeline": 300,
    "reviewcrawl.pipelines.DatabasePipeline": 400,
}

# The run's summary (run-<run_id>.json beside the feed, and the state database's runs table),
# its verdict and exit code: see reviewcrawl/extensions.py and the README's "Running from cron".
EXTENSIONS = {"reviewcrawl.extensions.RunRecorder": 500}
# REVIEWCRAWL_FEED_COMPRESSION = "gzip" turns the .jsonl feeds into .jsonl.gz (reviewcrawl/feeds.py)
ADDONS = {"reviewcrawl.feeds.FeedCompression": 0}

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
