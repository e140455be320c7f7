"""Turn ``results.json`` into ``RESULTS.md`` and ``results.png``.

python report.py DIR    # reads DIR/results.json, writes the other two beside it
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from cells import CELLS, CURRENT, LEGACY, REQUEST_CELLS, VERIFY_CELLS, Cell

THIS_APP = "tokenapi3"


def median(rounds: list[float]) -> float:
    return statistics.median(rounds)


def spread(rounds: list[float], scale: float, digits: int) -> str:
    return f"{min(rounds) * scale:.{digits}f}–{max(rounds) * scale:.{digits}f}"


def verdict(ratio: float, target: float, lower_is_better: bool) -> str:
    met = ratio <= target if lower_is_better else ratio >= target
    sign = "≤" if lower_is_better else "≥"
    return f"{sign} {target:.2f}: {'met' if met else '**missed**'}"


def inprocess_table(
    results: dict[str, Any], cells: list[Cell], floor: str, unit: str, scale: float, digits: int
) -> list[str]:
    data = results["inprocess"]
    queries = results["queries"]
    is_request = cells is REQUEST_CELLS
    head = f"| cell | {unit} (median) | min–max of rounds | × {floor} | × own baseline | target |"
    lines = [
        head + (" queries |" if is_request else ""),
        "|---|---:|---:|---:|---|---|" + ("---:|" if is_request else ""),
    ]
    for cell in cells:
        if cell.name not in data:
            continue
        value = median(data[cell.name]["rounds"])
        ratio_floor = value / median(data[floor]["rounds"]) if floor in data else float("nan")
        own = target = ""
        if cell.baseline and cell.baseline != floor and cell.baseline in data:
            own_ratio = value / median(data[cell.baseline]["rounds"])
            own = f"{own_ratio:.2f} × {cell.baseline}"
            if cell.target:
                target = verdict(own_ratio, cell.target, lower_is_better=True)
        elif cell.target:
            target = verdict(ratio_floor, cell.target, lower_is_better=True)
        row = (
            f"| {cell.label} | {value * scale:.{digits}f} | "
            f"{spread(data[cell.name]['rounds'], scale, digits)} | {ratio_floor:.2f} | "
            f"{own} | {target} |"
        )
        if is_request:
            row += f" {queries.get(cell.name, '')} |"
        lines.append(row)
    return lines


def server_table(results: dict[str, Any]) -> list[str]:
    data = results["server"]
    lines = [
        "| cell | req/s (median) | min–max of rounds | × bare | × own baseline | target |",
        "|---|---:|---:|---:|---|---|",
    ]
    bare = median(data["bare"]["rounds"]) if "bare" in data else float("nan")
    for cell in REQUEST_CELLS:
        if cell.name not in data:
            continue
        value = median(data[cell.name]["rounds"])
        own = target = ""
        if cell.baseline and cell.baseline != "bare" and cell.baseline in data:
            own_ratio = value / median(data[cell.baseline]["rounds"])
            own = f"{own_ratio:.2f} × {cell.baseline}"
            if cell.server_target:
                target = verdict(own_ratio, cell.server_target, lower_is_better=False)
        elif cell.server_target:
            target = verdict(value / bare, cell.server_target, lower_is_better=False)
        lines.append(
            f"| {cell.label} | {value:.0f} | {spread(data[cell.name]['rounds'], 1, 0)} "
            f"| {value / bare:.2f} | {own} | {target} |"
        )
    if "tokenapi" in data:
        ours = median(data["tokenapi"]["rounds"])
        for other, label in (
            ("tokenapi-2.1.1", "django-tokenapi 2.1.1"),
            ("simplejwt", "simplejwt"),
        ):
            if other in data:
                lines.append("")
                lines.append(
                    f"tokenapi3's decorator serves {ours / median(data[other]['rounds']):.2f} "
                    f"× the requests per second of {label}."
                )
    return lines


def callgrind_table(results: dict[str, Any]) -> list[str]:
    data = results["callgrind"]
    lines = [
        "| cell | instructions per call | × bare view / × one HMAC | × own baseline | target |",
        "|---|---:|---:|---|---|",
    ]
    for cell in REQUEST_CELLS + VERIFY_CELLS:
        if cell.name not in data:
            continue
        count = data[cell.name]
        floor = "bare" if cell.kind == "request" else "hmac"
        ratio = f"{count / data[floor]:.2f}" if floor in data else ""
        own = target = ""
        if cell.baseline and cell.baseline != floor and cell.baseline in data:
            own_ratio = count / data[cell.baseline]
            own = f"{own_ratio:.2f} × {cell.baseline}"
            if cell.target:
                target = verdict(own_ratio, cell.target, lower_is_better=True)
        elif cell.target and floor in data:
            target = verdict(count / data[floor], cell.target, lower_is_better=True)
        lines.append(f"| {cell.label} | {count:,.0f} | {ratio} | {own} | {target} |")
    return lines


def where_the_time_goes(results: dict[str, Any]) -> list[str]:
    """What the decorator adds to a request, in instructions, and how much is the HMAC."""
    data = results["callgrind"]
    needed = ("bare", "tokenapi", "check_token", "hmac")
    if not all(name in data for name in needed):
        return []
    added = data["tokenapi"] - data["bare"]
    lines = [
        "",
        f"The decorator adds {added:,.0f} instructions to the bare view's request. "
        f"`check_token` alone costs {data['check_token']:,.0f}, of which one HMAC-SHA256 "
        f"and `compare_digest` are {data['hmac']:,.0f}: what remains is reading the "
        "credentials and calling the backend.",
    ]
    if "drf" in data and "drf-tokenapi" in data:
        lines[-1] += (
            f" Through DRF the class adds {data['drf-tokenapi'] - data['drf']:,.0f} "
            "instructions to the DRF view's request."
        )
    return lines


def write_markdown(results: dict[str, Any], out: Path) -> None:
    settings = results["settings"]
    versions = results["versions"]
    current, legacy = versions.get(CURRENT, {}), versions.get(LEGACY, {})
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`benchmarks/run.py`); do not edit by hand.",
        "",
        f"Measured {results['date']} on {results['machine']['cpus']} CPU cores "
        f"({results['machine']['processor']}), a machine shared with other work, so absolute "
        "figures are noisy: compare the ratios, which come from cells run alternately in the "
        "same run.",
        "",
        f"- Python {current.get('Python')}, Django {current.get('Django')}, "
        f"django-tokenapi3 {current.get('django-tokenapi3')}, "
        f"django-tokenapi {legacy.get('django-tokenapi')} (own virtualenv), "
        f"DRF {current.get('djangorestframework')}, "
        f"simplejwt {current.get('djangorestframework-simplejwt')}, "
        f"pyperf {current.get('pyperf')}, gunicorn {current.get('gunicorn')}.",
        "- The same project (`benchmarks/project`) in both virtualenvs: SQLite file database, "
        "`CONN_MAX_AGE=None`, startproject's middleware less messages and clickjacking, "
        "`ModelBackend` then `TokenBackend`. Every authenticated view answers the same "
        '`{"user": 1}`; the runner checks each cell answers 200 for the right user before '
        "timing it.",
        f"- {settings['rounds']} round(s); each round runs every cell once, in an order "
        "rotated from round to round. A figure is the median of the rounds' medians, "
        "with the rounds' min–max beside it.",
    ]
    if results["inprocess"]:
        lines += [
            f"- In process: one GET through Django's test client (`AsyncClient` for async "
            f"views), timed by pyperf, one worker process per cell and round, "
            f"{settings['values']} values each after a warm-up, loops calibrated in round 1.",
            "",
            "## Per request, in process",
            "",
            *inprocess_table(results, REQUEST_CELLS, "bare", "µs", 1e6, 0),
            "",
            "## Verifying a token alone",
            "",
            *inprocess_table(results, VERIFY_CELLS, "hmac", "µs", 1e6, 2),
        ]
    if results.get("callgrind"):
        lines += [
            "",
            "## Instructions per call (callgrind, immune to noise)",
            "",
            f"valgrind's callgrind counting only the measured loop, {settings.get('calls')} "
            "calls per cell after three uncounted ones, less the empty loop's cost. "
            "Deterministic: the ratio a target is judged on where timing noise blurs it.",
            "",
            *callgrind_table(results),
            *where_the_time_goes(results),
        ]
    if results["server"]:
        driver = results.get("load_driver", "wrk")
        lines += [
            "",
            "## Under a real server",
            "",
            f"gunicorn, 1 sync worker, on 127.0.0.1; {driver} with {settings['connections']} "
            f"connections for {settings['seconds']:.0f} s per cell and round, after a 1 s "
            "warm-up; a new server per cell and round. Every answer must be a 200.",
            "",
            *server_table(results),
        ]
    if results.get("skipped"):
        lines += ["", f"Left out (not importable in this run): {', '.join(results['skipped'])}."]
    (out / "RESULTS.md").write_text("\n".join(lines) + "\n")


def write_chart(results: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = []
    if results["inprocess"]:
        panels.append(
            (
                "Per request, in process (µs, lower is better)",
                REQUEST_CELLS,
                results["inprocess"],
                1e6,
                "bare",
            )
        )
        panels.append(
            (
                "Verifying a token alone (µs, lower is better)",
                VERIFY_CELLS,
                results["inprocess"],
                1e6,
                "hmac",
            )
        )
    if results["server"]:
        panels.append(
            (
                "gunicorn, 1 sync worker (requests/s, higher is better)",
                REQUEST_CELLS,
                results["server"],
                1,
                "bare",
            )
        )
    heights = [len([c for c in cells if c.name in data]) for _, cells, data, _, _ in panels]
    fig, axes = plt.subplots(
        len(panels),
        1,
        figsize=(9, 1.2 + 0.42 * sum(heights)),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for ax, (title, cells, data, scale, floor) in zip(axes[:, 0], panels, strict=True):
        shown = [c for c in cells if c.name in data]
        values = [median(data[c.name]["rounds"]) * scale for c in shown]
        lows = [v - min(data[c.name]["rounds"]) * scale for c, v in zip(shown, values, strict=True)]
        highs = [
            max(data[c.name]["rounds"]) * scale - v for c, v in zip(shown, values, strict=True)
        ]
        colors = [
            "#2a7ab9"
            if c.label.startswith(THIS_APP)
            else "#b0b0b0"
            if not c.baseline or c.name.startswith("bare")
            else "#e08a3c"
            for c in shown
        ]
        ax.barh(range(len(shown)), values, xerr=[lows, highs], color=colors, capsize=3)
        ax.set_yticks(range(len(shown)), [c.label for c in shown], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10, loc="left")
        floor_value = median(data[floor]["rounds"]) * scale if floor in data else None
        for i, value in enumerate(values):
            text = f" {value:,.0f}" if value >= 100 else f" {value:.2f}"
            if floor_value:
                text += f"  ({value / floor_value:.2f}×)"
            ax.text(value, i, text, va="center", fontsize=7)
        ax.set_xlim(0, max(v + h for v, h in zip(values, highs, strict=True)) * 1.3)
        ax.tick_params(axis="x", labelsize=8)
    fig.suptitle(
        f"django-tokenapi3 against the alternatives — {results['date']}, "
        f"{results['machine']['cpus']} cores; ratios to the bare view / one HMAC",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(out / "results.png", dpi=110)


README_START = ".. benchmark-headline-start"
README_END = ".. benchmark-headline-end"
HEADLINE = ["bare", "tokenapi", "tokenapi-2.1.1", "drf", "drf-tokenapi", "drf-token", "simplejwt"]


def headline(results: dict[str, Any]) -> list[str]:
    """The README's table: the main cells, in process and under gunicorn."""
    inprocess, server = results["inprocess"], results["server"]
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "",
        "   * - view",
        "     - µs per request, in process (× bare)",
        "     - requests/s, gunicorn (× bare)",
        "     - queries",
    ]
    for name in HEADLINE:
        if name not in inprocess and name not in server:
            continue
        cells = []
        for data, digits in ((inprocess, 1e6), (server, 1)):
            if name in data and "bare" in data:
                value = median(data[name]["rounds"])
                cells.append(
                    f"{value * digits:,.0f} ({value / median(data['bare']['rounds']):.2f})"
                )
            else:
                cells.append("")
        lines += [
            f"   * - {CELLS[name].label}",
            f"     - {cells[0]}",
            f"     - {cells[1]}",
            f"     - {results['queries'].get(name, '')}",
        ]
    if "check_token" in inprocess and "hmac" in inprocess:
        check = median(inprocess["check_token"]["rounds"])
        floor = median(inprocess["hmac"]["rounds"])
        sentence = (
            f"``check_token`` alone: {check * 1e6:.2f} µs, {check / floor:.2f} × one "
            "HMAC-SHA256 and ``compare_digest``"
        )
        counts = results.get("callgrind", {})
        if "check_token" in counts and "hmac" in counts:
            sentence += f" ({counts['check_token'] / counts['hmac']:.2f} × in instructions)"
        lines += ["", sentence + "."]
    return lines


def update_readme(results: dict[str, Any], readme: Path) -> None:
    text = readme.read_text()
    start, end = text.index(README_START), text.index(README_END)
    block = "\n".join([README_START, "", *headline(results), "", ""])
    readme.write_text(text[:start] + block + text[end:])


def main() -> None:
    out = Path(sys.argv[1])
    results = json.loads((out / "results.json").read_text())
    write_markdown(results, out)
    write_chart(results, out)
    if len(sys.argv) > 2:
        update_readme(results, Path(sys.argv[2]))


if __name__ == "__main__":
    main()
