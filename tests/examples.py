"""The code blocks of README.rst and docs/, for the tests that run them.

A block is ``.. code-block:: <language>``, its ``:class:`` (``no-test``: no test can run
it; ``script``: it runs against the demo) and its indented code. Test settings modules
execute some blocks, so this module imports nothing of Django.
"""

from __future__ import annotations

import copy
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Underlines of section titles, as reStructuredText allows them.
UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}$")


@dataclass(frozen=True)
class Block:
    page: str  # relative to the repository, e.g. "README.rst"
    section: str  # the title of the section the block is in
    language: str
    code: str
    classes: str  # its :class: option


def pages() -> list[str]:
    """README.rst, then every page of docs/, in a stable order."""
    return ["README.rst", *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").rglob("*.rst"))]


def code_blocks(page: str) -> list[Block]:
    """Every code block of ``page``, in order."""
    lines = (REPO / page).read_text(encoding="utf-8").splitlines()
    blocks, section, index = [], "", 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and UNDERLINE.match(following) and len(following) >= len(line.strip()):
            section = line.strip()
        match = re.match(r"^(\s*)\.\. code-block:: (\S+)", line)
        index += 1
        if not match:
            continue
        indent = len(match[1])
        classes = ""
        while index < len(lines) and lines[index].strip().startswith(":"):
            classes += lines[index].strip().removeprefix(":class:")
            index += 1
        code = []
        while index < len(lines) and (
            not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > indent
        ):
            code.append(lines[index])
            index += 1
        text = textwrap.dedent("\n".join(code)).strip("\n") + "\n"
        blocks.append(Block(page, section, match[2], text, classes.strip()))
    return blocks


def code(page: str, section: str, language: str = "python") -> str:
    """The first ``language`` block under the heading ``section`` of ``page``."""
    for block in code_blocks(page):
        if block.section == section and block.language == language:
            return block.code
    raise LookupError(f"no {language} block under {section!r} in {page}")


def settings_from(page: str, section: str, base: dict[str, Any]) -> dict[str, Any]:
    """The settings the block under ``section`` sets or changes on top of ``base``."""
    namespace = {name: copy.deepcopy(value) for name, value in base.items()}
    exec(code(page, section), {}, namespace)  # noqa: S102 (our own documentation)
    return {
        name: value
        for name, value in namespace.items()
        if name.isupper() and (name not in base or base[name] != value)
    }
