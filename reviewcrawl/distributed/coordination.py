"""The shared state of one distributed crawl generation in Redis, and the few atomic steps on it.

scrapy-redis gives the shared queue (a sorted set of pickled requests, its ``PriorityQueue``) and
the shared seen-set (its ``RFPDupeFilter``). What it leaves open, and this module closes:

- **requests a worker took are not lost when it dies**: scrapy-redis pops a request from the
  queue and that is all: a worker killed with requests in its downloader or its callbacks loses
  them for good (their URLs stay in the seen-set, so no one asks for them again). Here a request
  is *moved*, in one Lua step, from the queue to the taking run's own sorted set
  ``{gen}:taken:{run_id}``, with its score. The set is kept until the run's feeds are published
  (renamed into place): a run killed before that published nothing, so everything it took goes
  back into the queue (``requeue``) when its worker starts again (same worker id: its killed run
  is found by reviewcrawl/recovery.py) or when another worker sees that its heartbeat key
  ``{gen}:alive:{run_id}`` expired. At least once, then: a page of a killed run may be fetched
  twice, but its review reaches a published feed once.
- **when is the crawl over**: scrapy-redis closes a spider that stayed idle
  ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds, which ends a worker while another one is still parsing
  a page whose links would have kept it busy. Here each run says ``busy`` or ``idle`` in the hash
  ``{gen}:workers``: it turns ``busy`` in the same Lua step that hands it a request (or a wave of
  start requests) and ``idle`` only when its own engine is idle (Scrapy's ``spider_idle``). The
  generation is drained when the queue is empty, every wave was seeded and no live run is busy;
  a worker then closes once that has held ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds and every other
  run still listed has shown it is alive since (``_LEAVE``: a run killed while idle holds requests
  it never published, and is only found dead when its heartbeat expires); the last marks the
  generation done.
- **who seeds**: the start requests of wave *k* (reviewcrawl.spiders.reviews: preferred sites
  first, so an original is indexed before its copies) are seeded by the run that wins
  ``HSETNX {gen}:waves k``, wave 0 at start, later waves when the generation is drained of the
  earlier ones. A seeder that dies has its waves released with its requests: seeding again is
  harmless, the seen-set filters what was seeded already.

Keys (``{crawl}`` = prefix:spider-selection, ``{gen}`` = ``{crawl}:gen:{generation}``): see
:class:`Generation`. Every key of a generation gets ``REVIEWCRAWL_GENERATION_TTL`` seconds to
live, renewed by the heartbeat of its live workers: a finished or abandoned generation's queue and
seen-set disappear on their own. The scripts build key names from the prefix, so the keys of one
crawl must live on one Redis server (no Redis Cluster).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import redis

__all__ = ["Drain", "Generation", "current_generation"]

logger = logging.getLogger(__name__)

# KEYS: queue, taken, workers, reaped; ARGV: run id. The first request of the queue (lowest score:
# the highest priority, as scrapy-redis's PriorityQueue pops it), moved to the run's taken set.
# -1 when the run was reaped (released as dead): it takes nothing more, and stays out of workers.
_TAKE = """
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('ZADD', KEYS[2], r[2], r[1])
redis.call('HSET', KEYS[3], ARGV[1], 'busy')
return r[1]
"""

# shared by requeue and drain: a run's taken requests back into the queue, its waves released,
# its entries gone, and the marker {gen}:reaped:{run} set (for ttl seconds, the generation's):
# a run released while still alive (a slow worker, not a dead one) is refused by TAKE, DRAIN,
# HEARTBEAT and CLAIM_WAVE from then on, so that it learns it was reaped instead of registering
# again, and publishes nothing. Returns the number of requests put back.
_RELEASE = """
local function release(gen, rid, ttl)
  local taken = gen .. ':taken:' .. rid
  local queue = gen .. ':requests'
  local n = redis.call('ZCARD', taken)
  if n > 0 then
    redis.call('ZUNIONSTORE', queue, 2, queue, taken, 'AGGREGATE', 'MIN')
  end
  redis.call('DEL', taken, gen .. ':alive:' .. rid)
  redis.call('HDEL', gen .. ':workers', rid)
  redis.call('SET', gen .. ':reaped:' .. rid, 1, 'EX', ttl)
  local waves = redis.call('HGETALL', gen .. ':waves')
  for i = 1, #waves, 2 do
    if waves[i + 1] == rid then redis.call('HDEL', gen .. ':waves', waves[i]) end
  end
  return n
end
"""

# ARGV: gen, run id, ttl
_REQUEUE = _RELEASE + "return release(ARGV[1], ARGV[2], ARGV[3])"

# ARGV: gen, run id, ttl. This run is idle (and alive: its beats count one more); dead runs (no
# heartbeat key) are released. Returns
# {queued, busy runs, waves seeded, requests put back}, or -1 when this run was reaped.
_DRAIN = (
    _RELEASE
    + """
local gen, me = ARGV[1], ARGV[2]
if redis.call('EXISTS', gen .. ':reaped:' .. me) == 1 then return -1 end
redis.call('HSET', gen .. ':workers', me, 'idle')
redis.call('HINCRBY', gen .. ':beats', me, 1)  -- alive: see LEAVE
local states = redis.call('HGETALL', gen .. ':workers')
local busy, back = 0, 0
for i = 1, #states, 2 do
  local rid = states[i]
  if rid ~= me and redis.call('EXISTS', gen .. ':alive:' .. rid) == 0 then
    back = back + release(gen, rid, ARGV[3])
  elseif states[i + 1] == 'busy' then
    busy = busy + 1
  end
end
return {redis.call('ZCARD', gen .. ':requests'), busy, redis.call('HLEN', gen .. ':waves'), back}
"""
)

# KEYS: waves, workers, reaped; ARGV: wave, run id. 1 when this run seeds the wave (and is busy now).
_CLAIM_WAVE = """
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[2], 'busy')
  return 1
end
return 0
"""

# KEYS: the crawl's current generation, its counter; ARGV: crawl. The generation to join: the
# current one, or a new one when there is none or it is done.
_CURRENT = """
local g = redis.call('GET', KEYS[1])
if g and redis.call('EXISTS', ARGV[1] .. ':gen:' .. g .. ':done') == 0 then return g end
g = tostring(redis.call('INCR', KEYS[2]))
redis.call('SET', KEYS[1], g)
return g
"""

# KEYS: alive, workers, reaped, beats; ARGV: run id, worker, ttl ms. 0 when the run was released
# meanwhile. Counts the run's heartbeats (beats: run -> count), the proof that it is alive (LEAVE).
_HEARTBEAT = """
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('HINCRBY', KEYS[4], ARGV[1], 1)
return 1
"""

# ARGV: gen, run id, then run id / heartbeat count pairs: the beats when this run first saw the
# generation drained (a run not among them: 0). This run, idle with the generation drained, wants
# to end. A run killed while idle looks like an idle one until its heartbeat expires: the
# generation must not be marked done while it may hold requests it never published. So: 0 (wait)
# while the generation is not drained, or another listed run (not leaving) has not beaten since
# then (alive: it will ask too; dead: its heartbeat expires and DRAIN puts its requests back); 1
# (leave) when others are still there, each proven alive since; 2 (leave, and mark the generation
# done once this run published: Generation.finish) when this run is the last and the runs that
# left before it have published (a leaving run stays listed, 'leaving', until then: one killed
# while publishing has its requests put back when its heartbeat expires).
_LEAVE = """
local gen, me = ARGV[1], ARGV[2]
if redis.call('EXISTS', gen .. ':reaped:' .. me) == 1 then return 0 end
if redis.call('ZCARD', gen .. ':requests') > 0 then return 0 end
local before = {}
for i = 3, #ARGV, 2 do before[ARGV[i]] = tonumber(ARGV[i + 1]) end
local states = redis.call('HGETALL', gen .. ':workers')
local others, leaving = 0, 0
for i = 1, #states, 2 do
  local rid, state = states[i], states[i + 1]
  if rid ~= me and state == 'leaving' then
    leaving = leaving + 1
  elseif rid ~= me then
    if state == 'busy' then return 0 end
    local beats = tonumber(redis.call('HGET', gen .. ':beats', rid) or 0)
    if beats <= (before[rid] or 0) then return 0 end
    others = others + 1
  end
end
if others == 0 and leaving > 0 then return 0 end
redis.call('HSET', gen .. ':workers', me, 'leaving')
if others > 0 then return 1 end
return 2
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def current_generation(client: redis.Redis, crawl: str) -> str:
    """The generation a worker of ``crawl`` joins when none is given: the unfinished one, or the next."""
    value = client.eval(_CURRENT, 2, f"{crawl}:generation", f"{crawl}:generations", crawl)
    return _text(value) if isinstance(value, (bytes, str)) else str(value)


@dataclasses.dataclass(frozen=True)
class Drain:
    """What one look at the generation found (:meth:`Generation.drain`)."""

    queued: int
    busy: int
    waves: int
    requeued: int
    #: this run was reaped (released as dead by another worker): it must stop and publish nothing
    reaped: bool = False

    def drained(self, waves: int) -> bool:
        """Nothing queued, nothing under way anywhere, every one of ``waves`` seeded."""
        return self.queued == 0 and self.busy == 0 and self.waves >= waves


class Generation:
    """One generation of one crawl, seen by one run (a worker process) taking part in it.

    ``{gen}:requests`` the queue (scrapy-redis PriorityQueue: a sorted set, score -priority),
    ``{gen}:seen`` the seen-set (a set of SHA1 fingerprints, or a Bloom filter's bits),
    ``{gen}:taken:{run}`` what a run took and has not published yet, ``{gen}:workers`` run ->
    busy/idle, ``{gen}:alive:{run}`` the run's heartbeat (worker id and PID; expires),
    ``{gen}:waves`` wave -> the run that seeded it, ``{gen}:canonical`` canonical URL -> the page
    exported under it, ``{gen}:done`` set when the generation was drained, ``{gen}:reaped:{run}``
    set when a run was released (its requests put back): the run is refused from then on.
    """

    def __init__(self, client: redis.Redis, crawl: str, generation: str, run_id: str, *, ttl: int) -> None:
        self.client = client
        self.crawl = crawl
        self.name = generation
        self.key = f"{crawl}:gen:{generation}"
        self.run_id = run_id
        self.ttl = ttl
        self.queue_key = f"{self.key}:requests"
        self.seen_key = f"{self.key}:seen"
        self.seen_count_key = f"{self.seen_key}:count"  # URLs added to a Bloom filter seen-set
        self.taken_key = f"{self.key}:taken:{run_id}"
        self.workers_key = f"{self.key}:workers"
        self.alive_key = f"{self.key}:alive:{run_id}"
        self.waves_key = f"{self.key}:waves"
        self.canonical_key = f"{self.key}:canonical"
        self.done_key = f"{self.key}:done"
        self.reaped_key = f"{self.key}:reaped:{run_id}"
        #: set when Redis refused this run (TAKE, DRAIN, HEARTBEAT): another worker reaped it
        self.reaped = False
        self._take = client.register_script(_TAKE)
        self._requeue = client.register_script(_REQUEUE)
        self._drain = client.register_script(_DRAIN)
        self._claim = client.register_script(_CLAIM_WAVE)
        self._beat = client.register_script(_HEARTBEAT)
        self._leave = client.register_script(_LEAVE)
        self.beats_key = f"{self.key}:beats"

    # -- this run ------------------------------------------------------------------------------

    def join(self, worker: str, timeout_ms: int) -> None:
        """Register this run (idle until it takes something) and its heartbeat."""
        pipe = self.client.pipeline()
        pipe.hset(self.workers_key, self.run_id, "idle")
        pipe.set(self.alive_key, worker, px=timeout_ms)
        pipe.execute()
        self.refresh_ttl()

    def heartbeat(self, worker: str, timeout_ms: int) -> bool:
        """Renew this run's heartbeat and the generation's time to live. False when another worker
        took this run for dead and put its requests back (its heartbeat was late)."""
        keys = [self.alive_key, self.workers_key, self.reaped_key, self.beats_key]
        alive = bool(self._beat(keys=keys, args=[self.run_id, worker, timeout_ms]))
        if not alive:
            self.reaped = True
        else:
            self.refresh_ttl()
        return alive

    def take(self) -> bytes | None:
        """The next request of the queue, moved to this run's taken set; None when the queue is empty
        or when this run was reaped (then :attr:`reaped` is set)."""
        data = self._take(keys=[self.queue_key, self.taken_key, self.workers_key, self.reaped_key], args=[self.run_id])
        if isinstance(data, int) and data == -1:
            self.reaped = True
            return None
        return data if data else None

    def drain(self) -> Drain:
        """Say this run is idle, release dead runs, and look at the whole generation (or, when
        this run was reaped, nothing: ``Drain.reaped``)."""
        look = self._drain(args=[self.key, self.run_id, self.ttl])
        if not isinstance(look, list):
            self.reaped = True
            return Drain(0, 0, 0, 0, reaped=True)
        queued, busy, waves, back = look
        return Drain(int(queued), int(busy), int(waves), int(back))

    def claim_wave(self, wave: int) -> bool:
        """Does this run seed ``wave``? (the first run to ask does; it is busy from then on)"""
        return bool(self._claim(keys=[self.waves_key, self.workers_key, self.reaped_key], args=[wave, self.run_id]))

    def seeded_waves(self) -> int:
        return int(self.client.hlen(self.waves_key))

    def claim_canonical(self, canonical: str, url: str) -> bool:
        """Is ``url`` the page exported under ``canonical`` in this generation? The first page to
        claim it is, and stays so (a page fetched again after a kill claims it again)."""
        pipe = self.client.pipeline()
        pipe.hsetnx(self.canonical_key, canonical, url)
        pipe.hget(self.canonical_key, canonical)
        _, owner = pipe.execute()
        return bool(owner is not None and owner.decode("utf-8", "surrogatepass") == url)

    def finish(self, *, published: bool, last: bool = False) -> int:
        """This run ends: published, what it took is done (and the generation too, when the run
        was the last: :meth:`leave`); not published, it goes back to the queue. Returns the
        requests put back."""
        self.refresh_ttl()  # the keys this run made since its last heartbeat
        if published:
            pipe = self.client.pipeline()
            pipe.delete(self.taken_key, self.alive_key)
            pipe.hdel(self.workers_key, self.run_id)
            if last:
                pipe.set(self.done_key, self.run_id, ex=self.ttl)
            pipe.execute()
            return 0
        return self.requeue(self.run_id)

    def mark_done(self) -> None:
        self.client.set(self.done_key, self.run_id, ex=self.ttl)

    def beats(self) -> dict[str, int]:
        """Run -> its heartbeats so far (see :meth:`leave`)."""
        return {_text(k): int(v) for k, v in self.client.hgetall(self.beats_key).items()}

    def leave(self, beats_then: dict[str, int]) -> int:
        """This run, idle in a drained generation, wants to end: 0 wait (another run has not shown
        it is alive since ``beats_then``, the :meth:`beats` when this run first saw the generation
        drained, or the generation is not drained any more, or the runs that left have not
        published yet), 1 leave, 2 leave as the last run: the generation is done once this run
        published (``finish(published=True, last=True)``)."""
        pairs = [x for rid, n in beats_then.items() for x in (rid, n)]
        return int(self._leave(args=[self.key, self.run_id, *pairs]))

    # -- other runs ----------------------------------------------------------------------------

    def requeue(self, run_id: str) -> int:
        """Put back every request ``run_id`` took (a killed run: it published nothing), release
        its waves and forget it. Returns the requests put back."""
        return int(self._requeue(args=[self.key, run_id, self.ttl]))

    def forget(self, run_id: str) -> None:
        """A run killed after it published its feeds: what it took is done."""
        pipe = self.client.pipeline()
        pipe.delete(f"{self.key}:taken:{run_id}", f"{self.key}:alive:{run_id}")
        pipe.hdel(self.workers_key, run_id)
        pipe.execute()

    # -- monitoring ----------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Queue length, seen-set entries, runs busy and idle, requests taken and unpublished."""
        workers = {_text(k): _text(v) for k, v in self.client.hgetall(self.workers_key).items()}
        taken = {rid: int(self.client.zcard(f"{self.key}:taken:{rid}")) for rid in workers}
        kind = _text(self.client.type(self.seen_key))
        return {
            "generation": self.name,
            "queued": int(self.client.zcard(self.queue_key)),
            "seen": int(self.client.scard(self.seen_key)) if kind in ("set", "none") else None,  # None: a Bloom filter
            "workers": workers,
            "taken": taken,
            "waves": int(self.client.hlen(self.waves_key)),
            "done": bool(self.client.exists(self.done_key)),
        }

    def refresh_ttl(self) -> None:
        pipe = self.client.pipeline()
        for key in (self.queue_key, self.seen_key, self.seen_count_key, self.taken_key, self.workers_key,
                    self.waves_key, self.canonical_key, self.done_key, self.beats_key):  # fmt: skip
            pipe.expire(key, self.ttl)
        pipe.execute()
