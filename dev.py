#!/usr/bin/env python3
"""Set up and run proportion from a fresh checkout with nothing but Python 3.11+.

    python3 dev.py example   # review the bundled example agreement
    python3 dev.py test      # ruff, mypy and the whole test suite
    python3 dev.py bench     # segmentation accuracy and speed figures

Each command creates ``.venv`` (if missing) and installs the project with its development extras whenever
``pyproject.toml`` changed since the last install, so it works the same on a laptop and in CI.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".proportion-installed"


def run(*command: str | Path) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    completed = subprocess.run([str(part) for part in command], cwd=ROOT)
    if completed.returncode:
        sys.exit(completed.returncode)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("proportion needs Python 3.11 or newer")
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        STAMP.write_text(wanted)


def main() -> None:
    task = sys.argv[1] if len(sys.argv) > 1 else "help"
    extra = sys.argv[2:]
    if task not in ("example", "test", "bench"):
        sys.exit(__doc__)
    ensure_environment()
    if task == "example":
        run(BIN / "proportion", "review", ROOT / "examples" / "ai-features-amendment.docx", *extra)
    elif task == "test":
        run(BIN / "ruff", "check", "src", "tests", "examples", "dev.py")
        run(BIN / "mypy")
        run(BIN / "python", "-m", "pytest", *extra)
    else:
        run(BIN / "proportion", "bench", *extra)


if __name__ == "__main__":
    main()
