"""Check the built sdist and wheel: the whole package, its type marker, and no tests.

Usage: ``python .ci/check_dist.py DIST_DIR`` (one ``.tar.gz`` and one ``.whl`` in it).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_files() -> set[str]:
    """The files of ``tokenapi/`` that git tracks, as paths inside a wheel."""
    listed = subprocess.run(
        ["git", "ls-files", "tokenapi"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {path for path in listed if path.endswith((".py", "py.typed"))}


def check_wheel(wheel: Path, expected: set[str]) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    problems = [f"missing from the wheel: {path}" for path in sorted(expected - names)]
    if "tokenapi/py.typed" not in names:
        problems.append("the wheel has no tokenapi/py.typed")
    problems += [
        f"not part of the package: {name}"
        for name in sorted(names)
        if not name.startswith(("tokenapi/", "django_tokenapi3-"))
    ]
    return problems


def check_sdist(sdist: Path, expected: set[str]) -> list[str]:
    with tarfile.open(sdist) as archive:
        # Drop the "django_tokenapi3-X.Y.Z/" every member starts with.
        names = {name.partition("/")[2] for name in archive.getnames()}
    needed = expected | {"setup.py", "README.rst", "pyproject.toml"}
    return [f"missing from the sdist: {path}" for path in sorted(needed - names)]


def main(dist: Path) -> int:
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in {dist}, found {wheels + sdists}")
        return 1
    expected = package_files()
    problems = check_wheel(wheels[0], expected) + check_sdist(sdists[0], expected)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{wheels[0].name}: {len(expected)} package files, py.typed, no tests")
        print(f"{sdists[0].name}: complete")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
