#!/usr/bin/env python3
"""Regenerate ``docs/sample-map.png``, the README's picture, from the bundled example with the CLI.

Usage (from the repo root; needs Debian's ``chromium`` and ``chromium-driver``)::

    .venv/bin/python scripts/sample_map_picture.py

It runs ``geomap map examples/sample-article.txt --tiles none --size 1200x640 -o docs/sample-map.png``:
the offline map of the sample article as the command writes it (no controls; the credits stay).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sample-article.txt"
PICTURE = ROOT / "docs" / "sample-map.png"
SIZE = "1200x640"


def main() -> int:
    command = [sys.executable, "-m", "geomap.cli", "map", str(EXAMPLE), "--tiles", "none", "--size", SIZE,
               "-o", str(PICTURE), "-q"]
    done = subprocess.run(command, cwd=ROOT)
    if done.returncode == 0:
        print(f"{PICTURE.relative_to(ROOT)}: {PICTURE.stat().st_size:,} bytes")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
