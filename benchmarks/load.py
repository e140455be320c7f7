"""The one load generator (``make bench``, ``make load``), for servers on this machine only.

Threads send the requests of a mix in turn, a new connection each (gunicorn's sync
workers close every one anyway), for a bounded time.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    body: bytes | None = None
    status: int = 200  # what it must get; anything else is counted as unexpected
    name: str = ""


@dataclass
class Figures:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)  # 0: no answer
    unexpected: Counter[str] = field(default_factory=Counter)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: int) -> float:
        """In milliseconds."""
        return 1000 * statistics.quantiles(self.latencies, n=100)[p - 1]


def send(url: urllib.parse.SplitResult, request: Request) -> int:
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        connection.request(request.method, request.path, request.body, request.headers)
        with connection.getresponse() as response:
            response.read()
            return response.status
    except OSError:
        return 0
    finally:
        connection.close()


def run(base_url: str, mix: list[Request], seconds: float, connections: int = 8) -> Figures:
    """Load ``base_url`` with ``mix`` for ``seconds``; every answer is counted."""
    url = urllib.parse.urlsplit(base_url)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"load: only servers on this machine, not {base_url}")
    figures, lock, deadline = Figures(), threading.Lock(), time.monotonic() + seconds

    def worker(index: int) -> None:
        while (now := time.monotonic()) < deadline:
            request, index = mix[index % len(mix)], index + 1
            status = send(url, request)
            with lock:
                figures.latencies.append(time.monotonic() - now)
                figures.statuses[status] += 1
                if status != request.status:
                    figures.unexpected[f"{request.name or request.path}: {status}"] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.seconds = time.monotonic() - (deadline - seconds)
    return figures
