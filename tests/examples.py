"""The code blocks of README.rst and docs/, for the tests that run them (no Django import).

A block is ``.. code-block:: <language>`` with its options (``:class: no-test`` marks one
that no test can run, such as ``pip install`` of an unpublished release) and its
indented code. The settings modules of the tests execute some of them, so this module
imports nothing of Django.
"""

from __future__ import annotations

import copy
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
# Underlines of section titles, as reStructuredText allows them.
UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}$")


@dataclass(frozen=True)
class Block:
    page: str  # relative to the repository, e.g. "README.rst"
    section: str  # the title of the section the block is in
    language: str
    code: str
    options: tuple[str, ...]

    @property
    def tested(self) -> bool:
        return ":class: no-test" not in self.options


def pages() -> list[str]:
    """README.rst, then every page of docs/, in a stable order."""
    return ["README.rst", *sorted(str(p.relative_to(REPO)) for p in DOCS.rglob("*.rst"))]


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
        options = []
        while index < len(lines) and lines[index].strip().startswith(":"):
            options.append(lines[index].strip())
            index += 1
        code = []
        while index < len(lines) and (
            not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > indent
        ):
            code.append(lines[index])
            index += 1
        text = textwrap.dedent("\n".join(code)).strip("\n") + "\n"
        blocks.append(Block(page, section, match[2], text, tuple(options)))
    return blocks


def code(page: str, section: str, language: str = "python") -> str:
    """The first ``language`` block under the heading ``section`` of ``page``."""
    for block in code_blocks(page):
        if block.section == section and block.language == language:
            return block.code
    raise LookupError(f"no {language} block under {section!r} in {page}")


def settings_from(page: str, section: str, base: dict[str, Any]) -> dict[str, Any]:
    """Run the settings block under ``section`` of ``page`` on top of ``base``.

    Returns the settings the block sets or changes, as ``override_settings`` takes them.
    """
    namespace = {name: copy.deepcopy(value) for name, value in base.items()}
    exec(code(page, section), {}, namespace)  # noqa: S102 (our own documentation)
    return {
        name: value
        for name, value in namespace.items()
        if name.isupper() and (name not in base or base[name] != value)
    }
