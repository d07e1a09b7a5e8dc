"""One run at a time per spider and site selection: a lock file, held with flock(2).

The kernel holds the lock, not the file: a run that is killed (even with kill -9) releases it
the moment its process dies, so a lock is never left held by a dead process. The file names
the PID of its holder, for the message a second run prints; a run that ends cleanly empties
it, so a file that still names a PID when its lock is free was left by a run that died, and is
taken over (the caller warns). The file is never deleted: deleting a lock file races with a
run that has just opened it.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews-all.lock"
>>> with RunLock(path) as first:
...     try:
...         RunLock(path).acquire()
...     except LockHeld as held:
...         print(held.pid == os.getpid())
True
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
from pathlib import Path
from types import TracebackType
from typing import Self

__all__ = ["LockHeld", "RunLock", "lock_name", "pid_alive"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


def lock_name(spider: str, site: str | None = None, url: str | None = None, worker: str | None = None) -> str:
    """The lock file's name for a spider and its site selection (and, in distributed mode, the
    worker: several workers of one crawl may run on one machine, one run per worker at a time).

    >>> lock_name("reviews")
    'reviews-all.lock'
    >>> lock_name("reviews", site="reelverdict, prestonmoline")
    'reviews-prestonmoline+reelverdict.lock'
    >>> lock_name("reviews", url="https://Blog.example:8080/2025/")
    'reviews-url-blog.example_8080.lock'
    >>> lock_name("reviews", worker="crawl-02")
    'reviews-all@crawl-02.lock'
    """
    if url:
        netloc = url.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1].lower()
        key = "url-" + (_UNSAFE.sub("_", netloc) or "_")
    elif site:
        names = sorted({n.strip() for n in site.split(",") if n.strip()})
        key = "+".join(_UNSAFE.sub("_", n) for n in names) or "all"
    else:
        key = "all"
    if worker:
        key += "@" + (_UNSAFE.sub("_", worker) or "_")
    return f"{_UNSAFE.sub('_', spider)}-{key}.lock"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


class LockHeld(Exception):
    def __init__(self, path: Path, pid: int | None) -> None:
        self.path, self.pid = path, pid
        who = f"PID {pid}" if pid else "another process"
        super().__init__(f"another run holds the lock {path} ({who}); not starting")


class RunLock:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None
        #: the PID a previous run left in the file when it died without releasing the lock
        self.stale_pid: int | None = None

    def acquire(self) -> Self:
        """Take the lock, or raise LockHeld at once (never waits)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            pid = _read_pid(fd)
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise LockHeld(self.path, pid) from None
            raise
        previous = _read_pid(fd)
        self.stale_pid = previous if previous and previous != os.getpid() else None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            os.ftruncate(self.fd, 0)  # an empty file: this run ended cleanly
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None
