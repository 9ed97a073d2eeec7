"""News-length texts for the benchmarks: the dev corpus' articles when present, else the sample."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-article.txt"
GWN = ROOT.parent / "shared" / "eval" / "gwn.jsonl"  # read at run time, never copied


def articles(n: int) -> list[str]:
    """``n`` texts: GeoWebNews' articles (read from ../shared) or the sample article, repeated."""
    base: list[str] = []
    if GWN.exists():
        base = [json.loads(line)["text"] for line in GWN.open(encoding="utf-8") if line.strip()]
    base = base or [SAMPLE.read_text(encoding="utf-8")]
    return [base[i % len(base)] for i in range(n)]


def compile_geomap() -> None:
    """Write geomap's bytecode (``__pycache__``) before timing whole processes, as pip does for an
    installed package: where ``PYTHONDONTWRITEBYTECODE`` is set (as on the machines of these
    figures), an editable checkout would otherwise be compiled from source by every timed process
    (~0.14 s each), while the libraries it is compared with were compiled at their install."""
    import compileall

    compileall.compile_dir(str(ROOT / "geomap"), quiet=1)
