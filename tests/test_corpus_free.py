"""The project quotes no evaluation corpus: no tracked text file shares a run of
``RUN_WORDS`` words with the texts of ../shared/eval (tests and rule comments use sentences
of our own; see the developers' guide)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
#: Long enough that common phrasing ("is a census-designated place in the") does not count.
RUN_WORDS = 10
_WORD = re.compile(r"[A-Za-z0-9’']+")
_TEXT_SUFFIXES = (".py", ".md", ".tsv", ".txt", ".toml", ".html", ".json", ".jsonl", ".csv", ".cfg", ".yml", ".yaml")


def _runs(text: str) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {" ".join(words[i : i + RUN_WORDS]) for i in range(len(words) - RUN_WORDS + 1)}


def test_no_tracked_file_quotes_an_evaluation_corpus():
    corpora = sorted(EVAL.glob("*.jsonl")) if EVAL.is_dir() else []
    if not corpora:
        if os.environ.get("CI"):
            pytest.fail(f"{EVAL} holds no corpus in CI")
        pytest.skip("../shared/eval is not beside this checkout")
    quoted: set[str] = set()
    for path in corpora:
        with path.open(encoding="utf-8") as f:
            for line in f:
                quoted |= _runs(json.loads(line).get("text", ""))
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    hits = []
    for name in files:
        path = ROOT / name
        if not name.endswith(_TEXT_SUFFIXES) or not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        found = _runs(path.read_text(encoding="utf-8", errors="replace")) & quoted
        hits.extend(f"{name}: {run}" for run in sorted(found)[:3])
    assert not hits, "corpus text in the project:\n" + "\n".join(hits)
