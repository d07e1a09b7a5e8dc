"""Distributed mode: the same ``scrapy crawl reviews`` on several machines that share a Redis.

``REVIEWCRAWL_REDIS_URL = "redis://HOST:6379/0"`` switches a crawl to it (:class:`DistributedMode`,
an add-on); without it nothing changes. Each worker then

- takes its requests from, and puts the links it finds into, one queue and one seen-set in Redis:
  scrapy-redis's scheduler, queue and dupefilter (reviewcrawl.distributed.scheduler says what is
  changed and why), kept between workers and runs (``SCHEDULER_PERSIST``) for one *generation* of
  the crawl: what one cron night starts (reviewcrawl.distributed.coordination);
- checks near-copies against the Redis near-copy index (reviewcrawl/dedup/redis.py), so a copy
  found by one worker links to an original found by another;
- writes reviews to the shared database (``REVIEWCRAWL_DATABASE_URL``, PostgreSQL: required), and
  its own feed and run summary (its own run id) to its own data directory;
- does no conditional requests: the pages table that holds the validators is per data directory,
  while a page is fetched by whichever worker takes it. A review unchanged since a published run
  is still not exported again (that comparison reads the shared database);
- ends by itself when the generation is drained (exit code 0), and leaves what it took to be
  fetched again by the others if it is killed.

Which generation: ``REVIEWCRAWL_GENERATION`` if set (a name: ``$(date +%F)``), else the crawl's
current one if it is not done, else a new one (numbered). A generation that ends (drained) is done:
the next worker to start begins the next one; one killed half-way is resumed by the next worker.
"""

from __future__ import annotations

import socket
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from reviewcrawl.lock import lock_name
from reviewcrawl.runs import ConfigurationError

__all__ = ["DistributedMode", "crawl_key", "distributed_scheduler", "is_distributed", "worker_id"]

SCHEDULER = "reviewcrawl.distributed.scheduler.DistributedScheduler"


def is_distributed(settings: BaseSettings) -> bool:
    return bool(settings.get("REVIEWCRAWL_REDIS_URL"))


def worker_id(settings: BaseSettings) -> str:
    """REVIEWCRAWL_WORKER_ID, by default the host name: one worker per machine needs no setting."""
    return str(settings.get("REVIEWCRAWL_WORKER_ID") or socket.gethostname())


def crawl_key(settings: BaseSettings, spider: Spider) -> str:
    """The Redis name of a crawl: the prefix, the spider and its site selection (as the lock's).

    >>> from scrapy.settings import Settings
    >>> class S: name, site_arg, url_arg = "reviews", "reelverdict,prestonmoline", None
    >>> crawl_key(Settings({"REVIEWCRAWL_REDIS_PREFIX": "rc"}), S())
    'rc:reviews-prestonmoline+reelverdict'
    """
    name = lock_name(spider.name, site=getattr(spider, "site_arg", None), url=getattr(spider, "url_arg", None))
    return f"{settings.get('REVIEWCRAWL_REDIS_PREFIX') or 'reviewcrawl'}:{name.removesuffix('.lock')}"


def distributed_scheduler(crawler: Crawler | None) -> Any:
    """The running DistributedScheduler of a crawler, or None (not distributed, or not open yet)."""
    from reviewcrawl.distributed.scheduler import DistributedScheduler

    try:
        engine = getattr(crawler, "engine", None)
    except RuntimeError:  # Scrapy 2.19: "Crawler.engine is not set yet" (a component built by hand)
        return None
    scheduler = getattr(engine, "scheduler", None) if engine is not None else None
    if isinstance(scheduler, DistributedScheduler) and scheduler.generation is not None:
        return scheduler
    return None


class DistributedMode:
    """Add-on: with REVIEWCRAWL_REDIS_URL set, scrapy-redis's scheduler and seen-set, the Redis
    near-copy index and the shared database; nothing at all otherwise.

    The settings it sets are at add-on priority: ``-s`` on the command line still wins, except
    SCHEDULER_PERSIST, which is always on (a generation must outlive its workers).
    """

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("REVIEWCRAWL_REDIS_URL")
        if not url:
            return
        if not settings.get("REVIEWCRAWL_DATABASE_URL"):
            raise ConfigurationError(
                "distributed mode (REVIEWCRAWL_REDIS_URL) needs a database all workers share: "
                "set REVIEWCRAWL_DATABASE_URL (postgresql://USER@HOST/DB)"
            )
        seen = settings.get("REVIEWCRAWL_SEEN") or "set"
        if seen not in ("set", "bloom"):
            raise ConfigurationError(f"REVIEWCRAWL_SEEN must be 'set' or 'bloom', not {seen!r}")
        if settings.getfloat("REVIEWCRAWL_WORKER_TIMEOUT") <= 0:
            raise ConfigurationError("REVIEWCRAWL_WORKER_TIMEOUT must be more than 0 seconds")
        settings.set("SCHEDULER", SCHEDULER, priority="addon")
        settings.set("SCHEDULER_PERSIST", True, priority="cmdline")
        settings.set("REDIS_URL", url, priority="addon")
        if (settings.get("REVIEWCRAWL_DEDUP_STORAGE") or "state") == "state":  # the default: the shared index
            prefix = f"{settings.get('REVIEWCRAWL_REDIS_PREFIX') or 'reviewcrawl'}:near-copies"
            index = f"{url}{'&' if '?' in url else '?'}prefix={prefix}"
            settings.set(
                "REVIEWCRAWL_DEDUP_STORAGE",
                index,
                priority=settings.getpriority("REVIEWCRAWL_DEDUP_STORAGE") or "addon",
            )
