"""The README's code snippets, for tests that prove them (no Django import: settings use it)."""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parent.parent / "README.rst"


def readme_code(section: str) -> str:
    """The first Python code block under the README heading ``section``."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(section)
    block = lines.index(".. code-block:: python", start) + 1
    code = []
    for line in lines[block:]:
        if line and not line.startswith(" "):
            break
        code.append(line)
    return textwrap.dedent("\n".join(code))


def readme_settings(section: str, base: dict[str, Any]) -> dict[str, Any]:
    """Run the settings snippet under README heading ``section`` on top of ``base``.

    Returns the settings the snippet sets or changes, as ``override_settings`` takes them.
    """
    namespace = {name: copy.deepcopy(value) for name, value in base.items()}
    exec(readme_code(section), {}, namespace)  # noqa: S102 (our own README)
    return {
        name: value
        for name, value in namespace.items()
        if name.isupper() and (name not in base or base[name] != value)
    }
