"""Shared fixtures: a fixed NOW, the sample-site server on 127.0.0.1:0, a scrapy runner."""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests (tests/test_properties.py): under CI the same examples every run, and no example
# database; by hand, new random examples each run (and failures replayed from .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    hypothesis_settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "reviewcrawl" / "demo" / "sites"
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
SCRAPY = [sys.executable, "-m", "scrapy"]


def demo_page(url: str) -> bytes:
    """The bundled sample site's file behind a sample URL."""
    host, _, path = url.removeprefix("http://").partition("/")
    f = SITES / host / path
    return (f / "index.html" if path.endswith("/") or not path else f).read_bytes()


@contextlib.contextmanager
def serving(*module_args: str) -> Iterator[str]:
    """A server module of the project (``python -m MODULE --port 0 ...``) on 127.0.0.1: yields
    the URL it prints ("serving on URL"); stopped by its PID."""
    proc = subprocess.Popen([sys.executable, "-m", *module_args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("serving on http://127.0.0.1:"), f"{module_args[0]} did not start: {line!r}"
        yield line.removeprefix("serving on ")
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


@contextlib.contextmanager
def serve_sites(sites_dir: Path = SITES) -> Iterator[str]:
    """The sample sites server over a folder of site folders, on 127.0.0.1 (a free port);
    yields the proxy URL to use."""
    with serving("reviewcrawl.demo.server", "--port", "0", "--sites", str(sites_dir)) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def demo_proxy() -> Iterator[str]:
    """The sample sites served on 127.0.0.1 (a free port); yields the proxy URL to use."""
    with serve_sites() as proxy:
        yield proxy


def run_scrapy(
    args: list[str], *, proxy: str | None = None, cwd: Path = ROOT, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    if proxy:
        env["http_proxy"] = proxy
    return subprocess.run([*SCRAPY, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def sync(result: Any) -> Any:
    """What an item pipeline's process_item gave, a coroutine run to its end when it awaits
    nothing (no batch to wait for): DropItem and other exceptions come out as they are raised."""
    if not inspect.iscoroutine(result):
        return result
    try:
        result.send(None)
    except StopIteration as done:
        return done.value
    result.close()
    raise AssertionError("process_item awaited something: run it under a reactor")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


REDIS_URL = os.environ.get("REVIEWCRAWL_TEST_REDIS", "redis://127.0.0.1:6379/15")


def need_service(name: str, error: Exception) -> None:
    """A test that needs a service: skipped with the reason outside CI, failed under CI=true."""
    message = f"{name} is not reachable ({error}); the README says how to start it"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def redis_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A Redis URL with a prefix of this test's own (its keys are deleted afterwards)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        need_service(f"Redis at {REDIS_URL}", exc)
    prefix = f"reviewcrawl-test:{os.getpid()}:{request.node.name}"
    yield f"{REDIS_URL}?prefix={prefix}"
    pattern = re.sub(r"([\\*?\[\]])", r"\\\1", prefix)  # a test name like test_x[redis] is no glob class
    for key in client.scan_iter(match=f"{pattern}:*"):
        client.delete(key)
    client.close()
