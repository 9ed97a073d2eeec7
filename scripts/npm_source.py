"""The npm package a data script reads: present, and the version ``package.json`` pins."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def check_package(source: Path, package: str, version: str) -> bool:
    """False (with a message) when ``source`` holds no npm package; warns on another version."""
    pkg = source / "package.json"
    if not pkg.exists():
        print(f"{pkg} is missing: run `npm install` first", file=sys.stderr)
        return False
    installed = json.loads(pkg.read_text())["version"]
    if installed != version:
        print(f"warning: {package} {installed} installed, {version} expected", file=sys.stderr)
    return True
