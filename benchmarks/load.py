"""A small load generator, for machines without wrk: N connections, for a bounded time.

Prints ``{"rps": ..., "requests": ...}``; exits non-zero if any answer is not a 200.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
import urllib.parse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--headers", default="{}")
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load.py only loads servers on this machine")
    headers = json.loads(args.headers)
    path = url.path + (f"?{url.query}" if url.query else "")
    deadline = time.monotonic() + args.seconds
    counts = [0] * args.connections
    failures: list[str] = []

    def worker(index: int) -> None:
        while time.monotonic() < deadline and not failures:
            # gunicorn's sync workers close every connection, as with wrk.
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(f"{response.status}")
                counts[index] += 1
            finally:
                connection.close()

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    if failures:
        raise SystemExit(f"non-200 answers: {failures[:5]}")
    print(json.dumps({"rps": sum(counts) / elapsed, "requests": sum(counts)}))


if __name__ == "__main__":
    main()
