"""Run the benchmarks, then write RESULTS.md and results.png (``make bench``, ``make bench-quick``).

Runs in ``.venv-current`` (this app, DRF, simplejwt, knox), beside ``.venv-legacy``
(django-tokenapi 2.1.1, which also imports as ``tokenapi``): make creates both.
The cells of ``tokenapi.sessions`` have a database of their own, the app installed.
Each round runs every cell once, in an order rotated from round to round, so
that the noise of a shared machine falls on all alike. Servers: tests/server.py's.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import load  # noqa: E402
import report  # noqa: E402
from cells import CELLS, Cell  # noqa: E402

from tests.server import ASGI_WORKER, running_server  # noqa: E402

# Rounds, pyperf values per round, seconds of load per server, calls under callgrind.
FULL = {"rounds": 5, "values": 6, "seconds": 6, "calls": 200}
QUICK = {"rounds": 2, "values": 3, "seconds": 2, "calls": 20}
CONNECTIONS = 8


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def python_of(env: str) -> str:
    return str(HERE / f".venv-{env}" / "bin" / "python")


def clean_environ(**extra: str) -> dict[str, str]:
    # No PYTHONPATH: in the 2.1.1 environment, ``tokenapi`` must be 2.1.1's.
    dropped = ("PYTHONPATH", "BENCH_DB", "BENCH_SESSIONS")
    environ = {k: v for k, v in os.environ.items() if k not in dropped}
    return environ | extra


def run_in(env: str, db: Path, *args: str, prefix: tuple[str, ...] = (), **extra: str) -> str:
    command = [*prefix, python_of(env), str(HERE / "inprocess.py"), *args, "--db", str(db)]
    environ = clean_environ(BENCH_DB=str(db), **extra)
    result = subprocess.run(command, cwd=HERE, env=environ, check=True, capture_output=True)
    return result.stdout.decode()


def in_rounds(
    what: str, cells: list[Cell], rounds: int, measure: Callable[[Cell], float]
) -> dict[str, Any]:
    """``measure`` each cell once per round, in an order rotated from round to round."""
    results: dict[str, Any] = {cell.name: {"rounds": []} for cell in cells}
    for round_ in range(rounds):
        log(f"{what}, round {round_ + 1}/{rounds}")
        shift = (round_ * 3) % max(len(cells), 1)
        for cell in cells[shift:] + cells[:shift]:
            value = measure(cell)
            results[cell.name]["rounds"].append(value)
            log(f"  {cell.name:24} {value * 1e6 if 'µs' in what else value:10.2f}")
    return results


def pyperf_median(cell: Cell, dbs: dict[str, Path], values: int, loops: dict[str, int]) -> float:
    out = dbs[cell.group].parent / f"{cell.name}-{time.monotonic_ns()}.json"
    options = ["--processes", "1", "--values", str(values), "--warmups", "1"]
    options += ["--quiet", "-o", str(out)]
    if cell.name in loops:  # calibrated in the first round, then fixed
        options += ["--loops", str(loops[cell.name])]
    run_in(cell.env, dbs[cell.group], cell.name, *options)
    data = json.loads(out.read_text())
    bench = data["benchmarks"][0]
    loops.setdefault(cell.name, (bench.get("metadata") or data["metadata"])["loops"])
    return statistics.median(v for run in bench["runs"] for v in run.get("values", []))


def server_rps(cell: Cell, dbs: dict[str, Path], specs: dict[str, Any], seconds: float) -> float:
    request = load.Request(specs[cell.name]["path"], specs[cell.name]["headers"])
    app, worker = ("asgi", ASGI_WORKER) if cell.asgi else ("wsgi", "sync")
    with running_server(
        clean_environ(BENCH_DB=str(dbs[cell.group]), BENCH_SESSIONS="1" if cell.sessions else ""),
        dbs[cell.group].parent,
        app=f"project.{app}:application",
        chdir=HERE,
        python=python_of(cell.env),
        options=("--worker-class", worker, "--log-level", "warning"),
        ready_path="/bare/",
    ) as server:
        load.run(server.url, [request], 1, CONNECTIONS)  # warm-up
        figures = load.run(server.url, [request], seconds, CONNECTIONS)
    if figures.unexpected:
        raise RuntimeError(f"{cell.name}: answers other than 200: {dict(figures.unexpected)}")
    return figures.rps


def run_callgrind(cells: list[Cell], dbs: dict[str, Path], calls: int) -> dict[str, float]:
    """Instructions per call of each cell, one valgrind process per database."""
    counts: dict[str, float] = {}
    for group in dbs:
        names = [c.name for c in cells if c.group == group]
        env = next(c.env for c in cells if c.group == group)
        log(f"callgrind: {len(names)} cells of {group}")
        out = dbs[group].parent / f"callgrind-{group}.out"
        valgrind = ("valgrind", "--tool=callgrind", f"--callgrind-out-file={out}")
        valgrind += ("--collect-atstart=no", "--toggle-collect=consume_iterator")
        valgrind += ("--dump-after=consume_iterator",)
        output = run_in(env, dbs[group], "callgrind", "--calls", str(calls), *names,
                        prefix=valgrind, PYTHONMALLOC="malloc")  # fmt: skip
        done = json.loads(output.strip().splitlines()[-1])
        totals = []
        for part in range(1, len(done) + 1):
            text = Path(f"{out}.{part}").read_text(errors="replace")
            totals.append(int(re.search(r"^summary: (\d+)", text, re.MULTILINE)[1]))
        for name, total in zip(done[1:], totals[1:], strict=True):
            counts[name] = (total - totals[0]) / calls  # less the empty loop's cost
            log(f"  {name:24} {counts[name]:12,.0f} instructions")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few minutes, to try things out")
    parser.add_argument("--cells", help="comma-separated cell names (default: all)")
    args = parser.parse_args()
    settings = QUICK if args.quick else FULL
    cells = [c for c in CELLS.values() if not args.cells or c.name in args.cells.split(",")]
    if not shutil.which("valgrind"):
        log("valgrind not found: no instruction counts (apt-get install valgrind adds them)")
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "settings": settings,
        "connections": CONNECTIONS,
        "versions": {},
    }
    with tempfile.TemporaryDirectory(prefix="tokenapi-bench-") as tmp:
        groups = {cell.group: cell.env for cell in cells}
        dbs = {group: Path(tmp) / f"{group}.sqlite3" for group in groups}
        specs: dict[str, Any] = {}
        for group, env in groups.items():
            names = (c.name for c in cells if c.group == group)
            setup = json.loads(run_in(env, dbs[group], "setup", *names))
            results["versions"][env] = setup["versions"]
            specs |= setup["cells"]
        results["queries"] = {name: spec["queries"] for name, spec in specs.items()}
        timed = partial(pyperf_median, dbs=dbs, values=settings["values"], loops={})
        results["inprocess"] = in_rounds("in process (µs)", cells, settings["rounds"], timed)
        if shutil.which("valgrind"):
            results["callgrind"] = run_callgrind(cells, dbs, settings["calls"])
        served = [c for c in cells if c.path and c.server]
        loaded = partial(server_rps, dbs=dbs, specs=specs, seconds=settings["seconds"])
        results["server"] = in_rounds("server (req/s)", served, settings["rounds"], loaded)
    output = HERE / "quick-results" if args.quick else HERE
    output.mkdir(exist_ok=True)
    (output / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    report.write_markdown(results, output)
    report.write_chart(results, output)
    log(f"wrote {output / 'RESULTS.md'} and {output / 'results.png'}")


if __name__ == "__main__":
    main()
