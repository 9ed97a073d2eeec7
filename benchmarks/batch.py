"""Batch throughput and memory: geomap extract (1 and 2 workers, Dask) against bare spaCy NER.

Every configuration is a whole process, timed from start to exit, measured in the same run
(so the ratios hold even on a busy machine); peak RSS is sampled (psutil) for the process and
each of its children (pool or Dask workers).

    .venv/bin/python benchmarks/batch.py                      # 1,000 news-length articles
    .venv/bin/python benchmarks/batch.py --articles 200 --short 2000
    .venv/bin/python benchmarks/batch.py --memory 200000      # peak memory on 200,000 short documents

The articles are news texts (``--text news``, the default: GeoWebNews' articles read at run
time from ../shared/eval, never copied, repeated to the count; the bundled sample when
absent) or generated from template sentences dense with place names (``--text synthetic``,
a stress case: one place name per six words). Short and memory documents are generated.

The baseline, bare spaCy NER, is the same pipeline run the same way, with none of geomap's work
around it: the components geomap loads (:func:`geomap.pipeline.load_nlp`: the same exclude list,
the unlistened ``tok2vec`` gone, the ``sentencizer`` added; checked against geomap's, name by
name), fed in geomap's chunks (:func:`geomap.batch._chunks`: 1, 2, 4... up to 128 documents, cut
at 60,000 characters, one ``nlp.pipe`` per chunk), same threads (both inherit this process's
environment). It used to be ``nlp.pipe(batch_size=128)`` over the whole stream with NER alone:
128 whole news articles (~50,000 tokens) per batch, peak RSS 646 MB against 337 MB, and the
kernel time of faulting in fresh memory for arrays that size: on 1,000 GWN articles, 18.5 s of
system time against 4.0 s in geomap's chunks (medians of 3; user time 29.3 s and 28.9 s, the
same), which made geomap look faster than its own NER (1.16). geomap itself without the
60,000-character cut pays the same (system 10.7 s against 6.3 s). The cost of that system time
drifts with the machine's memory state, so did the old ratio (0.92-1.16). ``--stream-batch N``
still times that child, for reference.

Both run with the same C-heap reserve: geomap's command asks glibc to keep 256 MiB in reserve when
the heap grows or shrinks (:data:`geomap.cli.HEAP_TOP_PAD`), and the bare child gets the same
through glibc's ``MALLOC_TOP_PAD_``. Without it the heap is grown and handed back around every
batch of the model and the kernel clears the same pages again: on 300 news articles ~200,000 page
faults against ~70,000, and 1.5-4.5 s of system time against under 1 s, varying with the
machine's state (the old ratios moved with it). The bare child on the default heap is timed too,
for reference: it is what a user running spaCy unchanged would see. Each process's CPU time (user + system, from ``wait4``)
is printed next to its wall time: on a busy machine the CPU ratio is the steadier one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

PLACES = ["Kyiv", "Kursk", "Paris", "Lyon", "Texas", "Austin", "Berlin", "Donetsk", "Porto Alegre", "Brazil",
          "Doha", "Qatar", "Lagos", "Nairobi", "Tokyo", "Osaka", "Mumbai", "Delhi", "Sydney", "Perth", "Kharkiv",
          "Lisbon", "Gaza", "Cairo", "Jakarta", "Manila", "Ohio", "Bavaria", "Toronto", "Chile"]
TEMPLATES = [
    "Officials in {a} said talks with {b} would resume next week.",
    "Floods hit {a} after heavy rain, and residents fled to {b}.",
    "The minister travelled from {a} to {b} on Monday.",
    "Shelling was reported near {a} in the {b} region.",
    "Prices rose in {a}, while markets in {b} were calm.",
    "Analysts said the decision would weigh on exporters for months.",
    "The company, which employs about 4,000 people, declined to comment.",
    "Lawmakers are expected to vote on the measure before the end of the year.",
]

BARE_NER = r"""
import json, sys, spacy
src, model, exclude, pipes, batching = sys.argv[1], sys.argv[2], *map(json.loads, sys.argv[3:6])
nlp = spacy.load(model, exclude=exclude)
for i, name in enumerate(pipes):  # rule-based components geomap adds (the sentencizer), in its place
    if not nlp.has_pipe(name):
        nlp.add_pipe(name, before=pipes[i + 1] if i + 1 < len(pipes) and nlp.has_pipe(pipes[i + 1]) else None)
for name in [n for n in nlp.pipe_names if n not in pipes]:
    nlp.remove_pipe(name)
if nlp.pipe_names != pipes:
    raise SystemExit(f"bare pipeline {nlp.pipe_names} is not geomap's {pipes}")
n = 0
with open(src, "rb") as f:
    texts = (json.loads(line)["text"] for line in f)
    if "stream" in batching:  # one nlp.pipe over the whole stream
        chunks = [texts]
        size = batching["stream"]
    else:  # geomap.batch._chunks: FIRST, 2 * FIRST... up to SIZE documents, cut at CHARS characters
        def cut(texts, size=batching["first"]):
            chunk, chars = [], 0
            for t in texts:
                chunk.append(t)
                chars += len(t)
                if len(chunk) >= size or chars >= batching["chars"]:
                    yield chunk
                    chunk, chars, size = [], 0, min(size * 2, batching["size"])
            if chunk:
                yield chunk
        chunks = cut(texts)
        size = batching["size"]
    for chunk in chunks:
        for doc in nlp.pipe(chunk, batch_size=size):
            n += len(doc.ents)
print(json.dumps({"pipes": nlp.pipe_names, "entities": n}), file=sys.stderr)
"""


def bare_ner(src: Path, model: str, stream_batch: int | None = None) -> tuple[list[str], list[str]]:
    """The bare NER child's command: geomap's components and (unless ``stream_batch``) its chunks;
    and geomap's component names, which the child checks its own against."""
    from geomap import batch as gbatch
    from geomap.pipeline import EXCLUDED_PIPES, load_nlp

    pipes = load_nlp(model).pipe_names
    exclude = list(EXCLUDED_PIPES) + [n for n in ("tok2vec", "transformer") if n not in pipes]  # load_nlp removes these
    batching = ({"stream": stream_batch} if stream_batch else
                {"first": gbatch.FIRST_CHUNK, "size": gbatch.DEFAULT_BATCH_SIZE, "chars": gbatch.CHUNK_CHARS})
    return [sys.executable, "-c", BARE_NER, str(src), model, json.dumps(exclude), json.dumps(pipes),
            json.dumps(batching)], pipes


def generate(path: Path, n: int, sentences: int, seed: int) -> int:
    rnd = random.Random(seed)
    words = 0
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            text = " ".join(rnd.choice(TEMPLATES).format(a=rnd.choice(PLACES), b=rnd.choice(PLACES))
                            for _ in range(sentences))
            words += len(text.split())
            f.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    return words


def write_news(path: Path, n: int) -> int:
    import corpus  # benchmarks/corpus.py

    words = 0
    with open(path, "w", encoding="utf-8") as f:
        for i, text in enumerate(corpus.articles(n)):
            words += len(text.split())
            f.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    return words


def run(cmd: list[str], *, first_line: bool = False, env: dict[str, str] | None = None) -> dict:
    """Run ``cmd`` (with ``env`` added to this environment); wall time, CPU time (user, system: the process and the children it waited for),
    peak RSS of the main process and of its biggest child, time to first stdout line."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if first_line else subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    peak_main, peak_child, stop = [0], [0], threading.Event()

    def sample() -> None:
        try:
            p = psutil.Process(proc.pid)
            while not stop.is_set():
                try:
                    peak_main[0] = max(peak_main[0], p.memory_info().rss)
                    for c in p.children(recursive=True):
                        try:
                            peak_child[0] = max(peak_child[0], c.memory_info().rss)
                        except psutil.Error:
                            pass
                except psutil.Error:
                    return
                stop.wait(0.2)
        except psutil.Error:
            return

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    first = None
    if first_line:
        line = proc.stdout.readline()
        first = time.perf_counter() - t0 if line else None
        for _ in proc.stdout:
            pass
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)  # CPU time of the process and the children it waited for
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return {"seconds": wall, "user": usage.ru_utime, "sys": usage.ru_stime, "rss_main_mb": peak_main[0] / 2**20,
            "rss_worker_mb": peak_child[0] / 2**20, "first_doc_s": first, "stderr": err.strip().splitlines()[-1:]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000, help="news-length articles for throughput (default 1000)")
    ap.add_argument("--text", choices=("news", "synthetic"), default="news",
                    help="news texts (default) or synthetic place-dense articles")
    ap.add_argument("--sentences", type=int, default=30, help="sentences per synthetic article (default 30, ~350 words)")
    ap.add_argument("--short", type=int, default=0, help="also time this many short (2-sentence) documents")
    ap.add_argument("--memory", type=int, default=0, metavar="N", help="peak memory on N short documents (e.g. 200000)")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--ratio-runs", type=int, default=1, metavar="K",
                    help="time bare NER and geomap extract (1 process) K times, alternately, and report each "
                         "pipeline / bare NER ratio and their median (default 1: the single pair above)")
    ap.add_argument("--stream-batch", type=int, default=0, metavar="N",
                    help="also time bare NER as nlp.pipe(batch_size=N) over the whole stream (the old baseline, "
                         "e.g. 128), for reference; the ratios stay against the bare NER fed geomap's chunks")
    args = ap.parse_args()
    from corpus import compile_geomap  # benchmarks run as scripts: their folder is on sys.path

    compile_geomap()
    py = sys.executable
    from geomap.cli import HEAP_TOP_PAD
    from geomap.pipeline import DEFAULT_MODEL

    same_heap = {"MALLOC_TOP_PAD_": str(HEAP_TOP_PAD)}  # glibc reads it at start: what geomap's command sets

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        sets = []
        if args.articles:
            src = tmpd / "articles.jsonl"
            words = (write_news(src, args.articles) if args.text == "news"
                     else generate(src, args.articles, args.sentences, 1))
            sets.append((f"{args.text} articles", src, args.articles, words))
        if args.short:
            src = tmpd / "short.jsonl"
            sets.append(("short", src, args.short, generate(src, args.short, 2, 2)))
        for name, src, n, words in sets:
            out = str(tmpd / "out.jsonl")
            bare_cmd, pipes = bare_ner(src, DEFAULT_MODEL)
            configs = [
                (f"bare spaCy NER ({' + '.join(pipes)}, geomap's chunks, 1 process, geomap's heap reserve)",
                 bare_cmd, False, same_heap),
                ("geomap extract, 1 process", [py, "-m", "geomap.cli", "extract", str(src), "-q"], True, None),
                ("geomap extract --workers 2", [py, "-m", "geomap.cli", "extract", str(src), "-o", out, "-q",
                                                "--workers", "2"], False, None),
                (f"bare spaCy NER ({' + '.join(pipes)}, geomap's chunks, 1 process, the C library's default heap; "
                 "reference only)", bare_cmd, False, None),
            ]
            if not args.no_dask:
                configs.append(("geomap extract --engine dask (LocalCluster, 2 workers)",
                                [py, "-m", "geomap.cli", "extract", str(src), "-o", out, "-q", "--engine", "dask",
                                 "--workers", "2"], False, None))
            if args.stream_batch:
                ref = (f"bare spaCy NER ({' + '.join(pipes)}, nlp.pipe(batch_size={args.stream_batch}) "
                       "over the whole stream; reference only)")
                configs.append((ref, bare_ner(src, DEFAULT_MODEL, args.stream_batch)[0], False, same_heap))
            print(f"\n## {n:,} {name} documents, {words:,} words (whole processes, start to exit; "
                  "CPU = user + system time of the process and its children)")
            results = {}
            for label, cmd, first, env in configs:
                r = run(cmd, first_line=first, env=env)
                results[label] = r
                extra = f", first document out after {r['first_doc_s']:.2f} s" if r["first_doc_s"] else ""
                print(f"- {label}: {r['seconds']:.1f} s, {n / r['seconds']:,.1f} docs/s, "
                      f"{words / r['seconds']:,.0f} words/s; peak RSS main {r['rss_main_mb']:,.0f} MB, "
                      f"per worker {r['rss_worker_mb']:,.0f} MB{extra}; CPU {r['user'] + r['sys']:.1f} s "
                      f"(user {r['user']:.1f}, sys {r['sys']:.1f})", flush=True)
            t = {k: v["seconds"] for k, v in results.items()}
            bare, one, two = t[configs[0][0]], t[configs[1][0]], t[configs[2][0]]
            cpu = {k: v["user"] + v["sys"] for k, v in results.items()}
            print(f"- ratio pipeline / bare NER (1 process, words/s): {bare / one:.2f}; "
                  f"by CPU time: {cpu[configs[0][0]] / cpu[configs[1][0]]:.2f}")
            default = configs[3][0]
            print(f"- against bare NER on the default heap (what geomap's heap reserve saves): wall "
                  f"{t[default] / one:.2f}, CPU {cpu[default] / cpu[configs[1][0]]:.2f}")
            if args.stream_batch:
                ref = configs[-1][0]
                print(f"- the old baseline (stream, batch_size={args.stream_batch}) / bare NER in geomap's chunks: "
                      f"wall {t[ref] / bare:.2f}, CPU {cpu[ref] / cpu[configs[0][0]]:.2f}")
            if args.ratio_runs > 1:  # a busy machine drifts between two runs: alternate them and take the median
                pairs = [(bare / one, cpu[configs[0][0]] / cpu[configs[1][0]])]
                for _ in range(args.ratio_runs - 1):
                    b = run(configs[0][1], env=configs[0][3])
                    g = run(configs[1][1], first_line=configs[1][2])
                    pairs.append((b["seconds"] / g["seconds"], (b["user"] + b["sys"]) / (g["user"] + g["sys"])))
                walls, cpus = [w for w, _ in pairs], [c for _, c in pairs]
                print(f"- ratio over {len(pairs)} alternating pairs: median {statistics.median(walls):.2f} "
                      f"(each: {', '.join(f'{r:.2f}' for r in walls)}); by CPU time: median "
                      f"{statistics.median(cpus):.2f} (each: {', '.join(f'{r:.2f}' for r in cpus)})", flush=True)
            print(f"- speed-up 1 → 2 workers: {one / two:.2f}x")
            if not args.no_dask:
                print(f"- Dask LocalCluster time / --workers 2 time: {t[configs[4][0]] / two:.2f}")
        if args.memory:
            src = tmpd / "memory.jsonl"
            words = generate(src, args.memory, 2, 3)
            print(f"\n## peak memory on {args.memory:,} short documents ({words:,} words)")
            for label, extra in (("1 process", []), ("--workers 2", ["--workers", "2"])):
                r = run([py, "-m", "geomap.cli", "extract", str(src), "-o", str(tmpd / "m.jsonl"), "-q", *extra])
                print(f"- {label}: {r['seconds']:.0f} s ({args.memory / r['seconds']:,.0f} docs/s); peak RSS main "
                      f"{r['rss_main_mb']:,.0f} MB, per worker {r['rss_worker_mb']:,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
