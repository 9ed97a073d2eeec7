#!/usr/bin/env python3
"""Copy the browser assets geomap inlines into its maps from node_modules/.

Usage (from the repo root)::

    npm install --no-package-lock   # versions pinned exactly in package.json
    python scripts/vendor_assets.py

The files land in ``geomap/assets/`` and are committed; ``node_modules/`` is not.
The minified leaflet.markercluster build carries no version string, so a
one-line header naming the installed version is prepended to it (Leaflet's own
build already starts with one); ``tests/test_render.py`` checks both against
package.json.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
ASSETS = ROOT / "geomap" / "assets"

#: package -> [(source path inside the package, file name in geomap/assets/)]
FILES: dict[str, list[tuple[str, str]]] = {
    "leaflet": [
        ("dist/leaflet.js", "leaflet.js"),
        ("dist/leaflet.css", "leaflet.css"),
        ("dist/images/layers.png", "layers.png"),
        ("dist/images/layers-2x.png", "layers-2x.png"),
        ("LICENSE", "LICENSE.leaflet"),
    ],
    "leaflet.markercluster": [
        ("dist/leaflet.markercluster.js", "leaflet.markercluster.js"),
        ("dist/MarkerCluster.css", "MarkerCluster.css"),
        ("dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"),
        ("MIT-LICENCE.txt", "LICENSE.leaflet.markercluster"),
    ],
}

#: JS files whose build lacks a version banner: one is prepended.
NEEDS_BANNER = {"leaflet.markercluster.js"}


def pinned_versions() -> dict[str, str]:
    """The exact versions package.json pins (devDependencies)."""
    return json.loads((ROOT / "package.json").read_text())["devDependencies"]


def installed_version(package: str) -> str:
    return json.loads((MODULES / package / "package.json").read_text())["version"]


def main() -> int:
    pins = pinned_versions()
    for package, files in FILES.items():
        if not (MODULES / package).is_dir():
            print(f"node_modules/{package} missing: run `npm install --no-package-lock`", file=sys.stderr)
            return 1
        version = installed_version(package)
        if version != pins.get(package):
            print(f"{package}: installed {version}, package.json pins {pins.get(package)}", file=sys.stderr)
            return 1
        for src, dest in files:
            target = ASSETS / dest
            if dest in NEEDS_BANNER:
                body = (MODULES / package / src).read_text(encoding="utf-8")
                banner = f"/*! {package} {version} | vendored from npm by scripts/vendor_assets.py */\n"
                target.write_text(banner + body, encoding="utf-8")
            else:
                shutil.copyfile(MODULES / package / src, target)
            print(f"{package}@{version}: {src} -> {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
