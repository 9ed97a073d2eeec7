"""Map benchmark: generation time, HTML size and time until interactive in headless Chromium.

    .venv/bin/python benchmarks/map.py            # 10, 1,000 and 10,000 places
    .venv/bin/python benchmarks/map.py 100 5000   # other sizes

Each place gets 10 sentences (one mention each) spread over articles of 100
places; ``tiles=None`` (offline). "interactive" is ``performance.now()`` when the
map says it is ready (``window.geomapReadyAt``: every marker built and clustered,
the panel wired, the view still), measured from navigation start in a fresh tab.
Goal: 10,000 places open in < 3 s and < 30 MB (measured: 1.0-1.1 s, 1.8 MB).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from geomap.export import browser, browser_missing, wait_ready
from geomap.model import Document, Mention, Place, Sentence
from geomap.render import Map

SENTENCES = 10
import os
PER_ARTICLE = int(os.environ.get("PER_ARTICLE", 100))


def documents(n_places: int, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    places = [Place(1_000_000 + i, f"Place{i}", rng.uniform(-55, 70), rng.uniform(-170, 170), "P", "PPL",
                    rng.choice(["UA", "RU", "FR", "US", "CN", "IN", "BR", "NG"]), population=rng.randrange(10**6))
              for i in range(n_places)]
    docs = []
    for a in range(0, n_places, PER_ARTICLE):
        parts, sentences, mentions, pos = [], [], [], 0
        for p in places[a : a + PER_ARTICLE]:
            for k in range(SENTENCES):
                s = f"Reports on day {k} said that {p.name} saw heavy shelling and many residents left."
                start = pos + s.index(p.name)
                sentences.append(Sentence(pos, pos + len(s)))
                mentions.append(Mention(p.name, start, start + len(p.name), len(sentences) - 1, place=p))
                parts.append(s)
                pos += len(s) + 1
        docs.append(Document(" ".join(parts), id=f"a{a // PER_ARTICLE}", sentences=sentences, mentions=mentions,
                             meta={"title": f"Article {a // PER_ARTICLE}", "date": "2024-08-06",
                                   "url": f"https://news.example/{a}"}))
    return docs


def main(sizes: list[int]) -> int:
    missing = browser_missing()
    print(f"{'places':>8} {'generate s':>11} {'HTML MB':>8} {'interactive s':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            docs = documents(n)
            t = time.perf_counter()
            page = Map(docs, tiles=None).to_html()
            gen = time.perf_counter() - t
            path = Path(tmp) / f"map{n}.html"
            path.write_text(page, encoding="utf-8")
            size = path.stat().st_size / 1e6
            ready = "n/a"
            if not missing:
                times = []
                for _ in range(2):  # a fresh browser each time: no warm cache
                    with browser(width=1200, height=800) as driver:
                        driver.get(path.as_uri())
                        times.append(wait_ready(driver, timeout=120) / 1000)
                ready = f"{min(times):.2f}–{max(times):.2f}"
            print(f"{n:>8,} {gen:>11.2f} {size:>8.2f} {ready:>14}", flush=True)
    if missing:
        print(f"(no headless browser: {missing})")
    return 0


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]] or [10, 1_000, 10_000]))
