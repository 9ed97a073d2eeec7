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
