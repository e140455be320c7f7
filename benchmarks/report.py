"""Write RESULTS.md and results.png from the results ``run.py`` gathered."""

from __future__ import annotations

from pathlib import Path
from statistics import median
from typing import Any

from cells import CURRENT, LEGACY, REQUEST_CELLS, VERIFY_CELLS, Cell

# (results key, column head, scale, higher is better)
MEASURES = [
    ("inprocess", "µs in process", 1e6, False),
    ("callgrind", "instructions", 1, False),
    ("server", "req/s, gunicorn", 1, True),
]


def number(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.2f}"


def value(results: dict[str, Any], key: str, name: str) -> float | None:
    data = results.get(key, {}).get(name)
    return data if data is None or key == "callgrind" else median(data["rounds"])


def row(results: dict[str, Any], cell: Cell, keys: list[str]) -> str:
    """The cell's measures, their rounds' min-max, their ratios to the cell's baseline."""
    base = cell.baseline or cell.floor
    columns, verdicts = [cell.label], []
    for key, _, scale, higher in MEASURES:
        if key not in keys:
            continue
        mine, theirs = value(results, key, cell.name), value(results, key, base)
        if mine is None or not theirs:
            columns += ["", ""]
            continue
        text = number(mine * scale)
        if key != "callgrind":
            rounds = results[key][cell.name]["rounds"]
            text += f" ({number(min(rounds) * scale)}–{number(max(rounds) * scale)})"
        ratio = mine / theirs
        columns += [text, f"{ratio:.2f} × {base}"]
        target = cell.server_target if higher else cell.target
        if target:
            met = ratio >= target if higher else ratio <= target
            sign = "≥" if higher else "≤"
            verdicts.append(f"{key} {sign} {target:.2f}: {'met' if met else '**missed**'}")
        rival = value(results, key, cell.faster_than) if cell.faster_than else None
        if rival:
            faster = mine > rival if higher else mine < rival
            verdict = "met" if faster else "**missed**"
            verdicts.append(f"{key} {mine / rival:.2f} × {cell.faster_than}, faster: {verdict}")
    if cell.path:
        columns.append(str(results["queries"].get(cell.name, "")))
    return "| " + " | ".join([*columns, "; ".join(verdicts)]) + " |"


def table(results: dict[str, Any], cells: list[Cell]) -> list[str]:
    requests = bool(cells[0].path)
    keys = [key for key, *_ in MEASURES if results.get(key) and (requests or key != "server")]
    heads = [f"{head} | ×" for key, head, *_ in MEASURES if key in keys]
    shown = [cell for cell in cells if any(value(results, key, cell.name) for key in keys)]
    return [
        f"| cell | {' | '.join(heads)} |{' queries |' if requests else ''} target |",
        "|---|" + "---:|---|" * len(heads) + ("---:|" if requests else "") + "---|",
        *(row(results, cell, keys) for cell in shown),
    ]


def hmac_costs(results: dict[str, Any]) -> list[str]:
    """What each authentication adds to its baseline's instructions, in HMAC-SHA256s."""
    counts, lines = results.get("callgrind", {}), []
    for cell in REQUEST_CELLS if counts.get("hmac") else []:
        if not (cell.auth and counts.get(cell.name) and counts.get(cell.baseline)):
            continue
        added = (counts[cell.name] - counts[cell.baseline]) / counts["hmac"]
        verdict = ""
        if cell.hmac_target:
            met = "met" if added <= cell.hmac_target else "**missed**"
            verdict = f" (≤ {cell.hmac_target:.2f}: {met})"
        lines.append(f"- {cell.label}: {added:.2f} × hmac over {cell.baseline}{verdict}")
    return ["", "## What authentication adds, in HMACs (instructions)", "", *lines] if lines else []


def write_markdown(results: dict[str, Any], out: Path) -> None:
    versions = results["versions"].get(CURRENT, {}) | results["versions"].get(LEGACY, {})
    settings = results["settings"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`benchmarks/run.py`) {results['date']} on {results['cpus']} "
        "CPU cores shared with other work: absolute figures are noisy, compare the ratios, "
        "taken between cells run alternately. "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + ".",
        "",
        "- `benchmarks/project` in a virtualenv per `tokenapi` (2.1.1 has its own): SQLite, "
        '`CONN_MAX_AGE=None`; every authenticated view answers `{"user": 1}`, checked first.',
        f"- {settings['rounds']} round(s), every cell once each, in a rotated order: a figure is "
        "the median of the rounds (min–max); × is the ratio to the cell named.",
        f"- µs: one GET through Django's test client (or one call), pyperf, {settings['values']} "
        f"values a round. Instructions: callgrind, {settings['calls']} calls, less the empty "
        "loop; deterministic, where timing noise blurs a target.",
        "- req/s: gunicorn, 1 sync worker (ASGI cells: 1 uvicorn worker), a new one per cell "
        "and round; `benchmarks/load.py`, "
        f"{results['connections']} connections, {settings['seconds']:g} s after a 1 s warm-up.",
        "",
        "## Per request",
        "",
        *table(results, REQUEST_CELLS),
        "",
        "## Verifying a token alone",
        "",
        *table(results, VERIFY_CELLS),
        *hmac_costs(results),
    ]
    (out / "RESULTS.md").write_text("\n".join(lines) + "\n")


def color(cell: Cell) -> str:  # blue: this app; grey: no authentication; orange: the others
    grey = (cell.path and not cell.auth) or cell.name == "hmac"
    return "#2a7ab9" if cell.label.startswith("tokenapi3") else "#b0b0b0" if grey else "#e08a3c"


def write_chart(results: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        (title, [c for c in cells if c.name in results.get(key, {})], key, scale)
        for title, cells, key, scale in (
            ("Per request, in process (µs, lower is better)", REQUEST_CELLS, "inprocess", 1e6),
            ("Verifying a token alone (µs, lower is better)", VERIFY_CELLS, "inprocess", 1e6),
            ("gunicorn, 1 worker (requests/s, higher is better)", REQUEST_CELLS, "server", 1),
        )
    ]
    panels = [panel for panel in panels if panel[1]]
    heights = [len(cells) for _, cells, _, _ in panels]
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(9, 1.2 + 0.42 * sum(heights)), squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )  # fmt: skip
    for ax, (title, cells, key, scale) in zip(axes[:, 0], panels, strict=True):
        values = [value(results, key, c.name) or 0.0 for c in cells]
        floor = value(results, key, cells[0].floor) or float("nan")
        ax.barh(range(len(cells)), [v * scale for v in values], color=[color(c) for c in cells])
        ax.set_yticks(range(len(cells)), [c.label for c in cells], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10, loc="left")
        for i, shown in enumerate(values):
            text = f" {number(shown * scale)}  ({shown / floor:.2f}×)"
            ax.text(shown * scale, i, text, va="center", fontsize=7)
        ax.set_xlim(0, max(values) * scale * 1.3)
        ax.tick_params(axis="x", labelsize=8)
    title = f"django-tokenapi3 and the alternatives, {results['date']}"
    fig.suptitle(f"{title}: ratios to the bare view or one HMAC", fontsize=9)
    fig.tight_layout()
    fig.savefig(out / "results.png", dpi=110)
