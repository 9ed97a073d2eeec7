"""Load test of ``geomap serve`` on 127.0.0.1, against in-process ``parse_many`` on the same texts.

Run by hand:  .venv/bin/python benchmarks/serve.py [--requests 2000] [--clients 32] [--max-seconds 900]

Starts ``geomap serve`` (uvicorn) in a subprocess on a free port of 127.0.0.1, waits for
``/health``, sends N ``POST /parse`` requests of news-length text from C concurrent httpx
clients (bounded in count and in time), then stops the server and runs ``Geoparser.parse_many``
on the same texts in this process. Prints throughput, p50/p99/max latency, failed requests and the
ratio of service throughput to in-process throughput, all measured in this run, as one JSON
object. Texts: the dev corpus' articles (../shared/eval/gwn.jsonl, read, never copied) when
present, else the sample article.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

from corpus import GWN, articles  # benchmarks run as scripts: their folder is on sys.path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, timeout: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "geomap.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--timeout", "120"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            if r.status_code == 200 and r.json()["status"] == "ok":
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit("server did not become healthy in time")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def load(port: int, texts: list[str], clients: int, max_seconds: float) -> dict:
    import httpx

    latencies: list[float] = []
    failures: dict[str, int] = {}
    next_i = 0
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=120) as client:
        async def worker() -> None:
            nonlocal next_i
            while next_i < len(texts) and time.monotonic() < deadline:
                i = next_i
                next_i += 1
                t = time.perf_counter()
                try:
                    r = await client.post("/parse", json={"text": texts[i], "id": str(i)})
                    ok = r.status_code == 200 and r.json()["id"] == str(i)
                    key = None if ok else f"HTTP {r.status_code}"
                except httpx.HTTPError as e:
                    key = type(e).__name__
                latencies.append(time.perf_counter() - t)
                if key:
                    failures[key] = failures.get(key, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - t0
    done = len(latencies)
    lat = sorted(latencies)
    return {
        "requests": done, "not_sent": len(texts) - done, "failed": sum(failures.values()), "failures": failures,
        "seconds": round(wall, 2), "throughput_rps": round(done / wall, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p99_ms": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000, 1),
        "max_ms": round(lat[-1] * 1000, 1),
    }


def in_process(texts: list[str]) -> dict:
    from geomap.pipeline import Geoparser

    g = Geoparser()
    list(g.parse_many(texts[:32]))  # load and warm up, as the server did at start
    t = time.perf_counter()
    n = sum(1 for _ in g.parse_many(texts))
    s = time.perf_counter() - t
    return {"documents": n, "seconds": round(s, 2), "throughput_dps": round(n / s, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--max-seconds", type=float, default=900, help="stop sending after this long")
    args = ap.parse_args()
    texts = articles(args.requests)
    words = sum(len(t.split()) for t in texts) / len(texts)
    port = free_port()
    t = time.perf_counter()
    proc = start_server(port, timeout=300)
    startup = time.perf_counter() - t
    try:
        service = asyncio.run(load(port, texts, args.clients, args.max_seconds))
    finally:
        stop_server(proc)
    local = in_process(texts[: service["requests"]] or texts)
    result = {
        "texts": {"count": len(texts), "mean_words": round(words), "source": "gwn.jsonl" if GWN.exists() else "sample"},
        "clients": args.clients, "cpus": os.cpu_count(), "server_startup_s": round(startup, 1),
        "service": service, "in_process_parse_many": local,
        "ratio_service_to_in_process": round(service["throughput_rps"] / local["throughput_dps"], 3),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
