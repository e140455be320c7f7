"""Run the benchmarks, then write RESULTS.md and results.png.

    python3 benchmarks/run.py            # the full run behind the committed results
    python3 benchmarks/run.py --quick    # a few seconds per cell, to try things out

Each competitor runs in a virtualenv of its own under ``benchmarks/`` (created
or updated here from the requirements files), in the same small Django project
(``benchmarks/project``), on the same kind of view. Cells alternate: each round
runs every cell once, in an order rotated from round to round, so that the
noise of a shared machine falls on all of them alike. A cell's figure is the
median of its rounds, shown with their min-max.

In-process: one GET through Django's test client, timed by pyperf (one worker
process per cell and round). Server: gunicorn (one sync worker) on 127.0.0.1,
loaded with wrk (installed with apt-get when missing and possible, else a
Python load generator stands in), for a bounded time per cell; every server
this script starts, it stops.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from cells import (  # noqa: E402
    CALLGRIND_CELLS,
    CELLS,
    CURRENT,
    LEGACY,
    REQUEST_CELLS,
    VERIFY_CELLS,
    Cell,
)

ENVS = {
    CURRENT: (HERE / "requirements-current.txt", ["-e", str(ROOT)]),
    LEGACY: (HERE / "requirements-legacy.txt", []),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def python_of(env: str) -> Path:
    return HERE / f".venv-{env}" / "bin" / "python"


def clean_environ(**extra: str) -> dict[str, str]:
    # No PYTHONPATH: in the 2.1.1 environment, ``tokenapi`` must be 2.1.1's.
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BENCH_DB")}
    environ.update(extra)
    return environ


def ensure_env(env: str) -> None:
    """Create or update the environment when its requirements changed."""
    requirements, extra = ENVS[env]
    venv = HERE / f".venv-{env}"
    digest = hashlib.sha256()
    for path in (requirements, HERE / "constraints.txt", ROOT / "setup.py"):
        digest.update(path.read_bytes())
    marker = venv / ".installed"
    if marker.exists() and marker.read_text() == digest.hexdigest():
        return
    log(f"installing the {env} environment in {venv.relative_to(ROOT)}")
    if not python_of(env).exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python_of(env)), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-r", str(requirements), *extra], check=True, cwd=HERE)
    marker.write_text(digest.hexdigest())


def run_in(env: str, db: Path, *args: str) -> str:
    result = subprocess.run(
        [str(python_of(env)), str(HERE / "inprocess.py"), *args],
        cwd=HERE,
        env=clean_environ(BENCH_DB=str(db)),
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def versions(env: str) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, sys, platform;"
        "names = ['Django', 'django-tokenapi', 'django-tokenapi3', 'djangorestframework',"
        " 'djangorestframework-simplejwt', 'pyperf', 'gunicorn'];"
        "found = {}\n"
        "for n in names:\n"
        "    try: found[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "found['Python'] = platform.python_version(); print(json.dumps(found))"
    )
    out = subprocess.run(
        [str(python_of(env)), "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE,
        env=clean_environ(),
    )
    return json.loads(out.stdout)


def rotated(items: list[Any], by: int) -> list[Any]:
    if not items:
        return items
    by %= len(items)
    return items[by:] + items[:by]


# In process -----------------------------------------------------------------------


def bench_inprocess(
    cell: Cell, db: Path, args: argparse.Namespace, loops: int | None, workdir: Path
) -> tuple[float, list[float], int]:
    out = workdir / f"{cell.name}-{time.monotonic_ns()}.json"
    pyperf_args = [
        "--processes",
        "1",
        "--values",
        str(args.values),
        "--warmups",
        "1",
        "--quiet",
        "-o",
        str(out),
    ]
    if loops:
        pyperf_args += ["--loops", str(loops)]
    run_in(cell.env, db, cell.name, "--db", str(db), *pyperf_args)
    data = json.loads(out.read_text())
    bench = data["benchmarks"][0]
    values = [v for run in bench["runs"] for v in run.get("values", [])]
    used_loops = bench.get("metadata", {}).get("loops") or data["metadata"].get("loops")
    return statistics.median(values), values, int(used_loops)


def run_inprocess(
    cells: list[Cell], dbs: dict[str, Path], args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    results: dict[str, Any] = {c.name: {"rounds": [], "values": []} for c in cells}
    loops: dict[str, int] = {}
    for round_ in range(args.rounds):
        log(f"in-process round {round_ + 1}/{args.rounds}")
        for cell in rotated(cells, round_ * 3):
            median, values, used = bench_inprocess(
                cell, dbs[cell.env], args, loops.get(cell.name), workdir
            )
            loops.setdefault(cell.name, used)  # calibrated once, then fixed
            results[cell.name]["rounds"].append(median)
            results[cell.name]["values"].extend(values)
            results[cell.name]["loops"] = loops[cell.name]
            log(f"  {cell.name:24} {median * 1e6:9.2f} us")
    return results


# Instructions -----------------------------------------------------------------------


def run_callgrind(
    cells: list[Cell], dbs: dict[str, Path], calls: int, workdir: Path
) -> dict[str, float]:
    """Instructions per call of each cell, one valgrind process per environment."""
    counts: dict[str, float] = {}
    for env in ENVS:
        names = [c.name for c in cells if c.env == env]
        if not names:
            continue
        log(f"callgrind: {len(names)} cells of the {env} environment")
        out = workdir / f"callgrind-{env}.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            "--collect-atstart=no",
            "--toggle-collect=consume_iterator",
            "--dump-after=consume_iterator",
            str(python_of(env)),
            str(HERE / "inprocess.py"),
            "callgrind",
            "--db",
            str(dbs[env]),
            "--calls",
            str(calls),
            *names,
        ]
        result = subprocess.run(
            command,
            cwd=HERE,
            env=clean_environ(PYTHONMALLOC="malloc"),
            check=True,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        done = json.loads(result.stdout.strip().splitlines()[-1])
        totals = []
        for part in range(1, len(done) + 1):
            text = Path(f"{out}.{part}").read_text(errors="replace")
            totals.append(int(re.search(r"^summary: (\d+)", text, re.MULTILINE)[1]))
        loop = totals[0]  # "noop": the loop's own cost
        for name, total in zip(done[1:], totals[1:], strict=True):
            counts[name] = (total - loop) / calls
            log(f"  {name:24} {counts[name]:12,.0f} instructions")
    return counts


# Under a server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def gunicorn(env: str, db: Path) -> Iterator[str]:
    """Serve the project from ``env`` on 127.0.0.1; stop it on the way out."""
    port = free_port()
    command = [
        str(python_of(env).parent / "gunicorn"),
        "project.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(
        command, cwd=HERE, env=clean_environ(BENCH_DB=str(db)), start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/plain/", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn for {env} did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def find_wrk(install: bool) -> str | None:
    wrk = shutil.which("wrk")
    if wrk or not install:
        return wrk
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        log("wrk is missing: installing it with apt-get")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        env = clean_environ(DEBIAN_FRONTEND="noninteractive")
        if subprocess.run([apt, "install", "-y", "wrk"], env=env, **quiet).returncode != 0:
            subprocess.run([apt, "update"], env=env, **quiet)
            subprocess.run([apt, "install", "-y", "wrk"], env=env, **quiet)
    return shutil.which("wrk")


def load(
    driver: str | None, url: str, headers: dict[str, str], seconds: float, connections: int
) -> float:
    """Requests per second of ``url`` over ``seconds``; every answer must be a 200."""
    if driver:
        command = [driver, "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
        command += ["--timeout", "5s"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        out = subprocess.run(
            [*command, url], check=True, capture_output=True, text=True, timeout=seconds + 60
        ).stdout
        if "Non-2xx" in out:
            raise RuntimeError(f"{url}: answers other than 200 under load\n{out}")
        match = re.search(r"Requests/sec:\s*([\d.]+)", out)
        if not match:
            raise RuntimeError(f"unexpected wrk output:\n{out}")
        return float(match[1])
    command = [
        sys.executable,
        str(HERE / "load.py"),
        url,
        "--seconds",
        str(seconds),
        "--connections",
        str(connections),
        "--headers",
        json.dumps(headers),
    ]
    out = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    return float(json.loads(out)["rps"])


def run_server(
    cells: list[Cell],
    dbs: dict[str, Path],
    specs: dict[str, Any],
    args: argparse.Namespace,
    driver: str | None,
) -> dict[str, Any]:
    results: dict[str, Any] = {c.name: {"rounds": []} for c in cells}
    for round_ in range(args.rounds):
        log(f"server round {round_ + 1}/{args.rounds}")
        for cell in rotated(cells, round_ * 3):
            spec = specs[cell.name]
            with gunicorn(cell.env, dbs[cell.env]) as base:
                request = urllib.request.Request(base + spec["path"], headers=spec["headers"])
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status != 200:
                        raise RuntimeError(f"{cell.name}: {response.status}")
                load(driver, base + spec["path"], spec["headers"], 1, args.connections)
                rps = load(
                    driver, base + spec["path"], spec["headers"], args.seconds, args.connections
                )
            results[cell.name]["rounds"].append(rps)
            log(f"  {cell.name:24} {rps:9.0f} req/s")
    return results


# Main ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs, to try things out")
    parser.add_argument("--rounds", type=int, help="rounds per cell (default 5, quick 2)")
    parser.add_argument("--values", type=int, help="pyperf values per round (default 6)")
    parser.add_argument("--seconds", type=float, help="load per server cell (default 6)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--cells", help="comma-separated cell names (default: all)")
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument("--no-inprocess", action="store_true")
    parser.add_argument("--no-callgrind", action="store_true")
    parser.add_argument("--calls", type=int, help="calls per cell under callgrind")
    parser.add_argument(
        "--no-install",
        action="store_true",
        help="never apt-get install wrk; use the Python load generator",
    )
    parser.add_argument(
        "--output",
        help="where results go (default: benchmarks/, or benchmarks/quick-results/ with --quick)",
    )
    args = parser.parse_args()
    args.rounds = args.rounds or (2 if args.quick else 5)
    args.values = args.values or (3 if args.quick else 6)
    args.seconds = args.seconds or (2 if args.quick else 6)
    args.calls = args.calls or (20 if args.quick else 200)

    for env in ENVS:
        ensure_env(env)
    wanted = set(args.cells.split(",")) if args.cells else set(CELLS)
    workdir = Path(tempfile.mkdtemp(prefix="tokenapi-bench-"))
    try:
        dbs = {env: workdir / f"{env}.sqlite3" for env in ENVS}
        specs: dict[str, Any] = {}
        for env, db in dbs.items():
            run_in(env, db, "setup", "--db", str(db))
            names = [c.name for c in CELLS.values() if c.env == env and c.name in wanted]
            specs.update(json.loads(run_in(env, db, "check", "--db", str(db), *names)))
        skipped = sorted(name for name, spec in specs.items() if not spec["available"])
        if skipped:
            log(f"left out (not importable here): {', '.join(skipped)}")
        runnable = [
            c
            for c in REQUEST_CELLS + VERIFY_CELLS
            if c.name in wanted and specs[c.name]["available"]
        ]
        results: dict[str, Any] = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "processor": processor_name(),
            },
            "settings": {
                "rounds": args.rounds,
                "values": args.values,
                "seconds": args.seconds,
                "connections": args.connections,
                "quick": args.quick,
            },
            "versions": {env: versions(env) for env in ENVS},
            "queries": {n: s.get("queries") for n, s in specs.items() if s["available"]},
            "skipped": skipped,
            "inprocess": {},
            "server": {},
        }
        if not args.no_inprocess:
            results["inprocess"] = run_inprocess(runnable, dbs, args, workdir)
        if not args.no_callgrind and shutil.which("valgrind"):
            counted = [c for c in runnable if c.name in CALLGRIND_CELLS]
            results["callgrind"] = run_callgrind(counted, dbs, args.calls, workdir)
            results["settings"]["calls"] = args.calls
        if not args.no_server:
            driver = find_wrk(install=not args.no_install)
            results["load_driver"] = "wrk" if driver else "benchmarks/load.py"
            server_cells = [c for c in runnable if c.server]
            results["server"] = run_server(server_cells, dbs, specs, args, driver)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    output = Path(args.output) if args.output else HERE / "quick-results" if args.quick else HERE
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    report = [str(python_of(CURRENT)), str(HERE / "report.py"), str(output)]
    if output == HERE:  # the published results: the README shows their headline
        report.append(str(ROOT / "README.rst"))
    subprocess.run(report, check=True, cwd=HERE, env=clean_environ())
    log(f"wrote {output / 'RESULTS.md'} and {output / 'results.png'}")


def processor_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


if __name__ == "__main__":
    main()
