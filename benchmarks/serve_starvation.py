"""Can one heavy client starve ``geomap serve``? A bounded loopback test (issue 18).

Run by hand:  .venv/bin/python benchmarks/serve_starvation.py [--seconds 60] [--heavy-chars 2000000]

Starts ``geomap serve`` on a free port of 127.0.0.1, then for ``--seconds`` runs at once:

* 32 normal clients, each sending ``POST /parse`` with the sample article, one request after another;
* one heavy client sending documents of ``--heavy-chars`` characters (2M by default: refused
  with 413 by the per-request character limit; give e.g. 99000 to send the largest accepted);
* 200 slow-header sockets, each sending a request's headers one byte a second and opening a
  new connection whenever the server closes it.

Prints one JSON object: the normal requests' count, p50/p99/max latency and statuses, the heavy
client's statuses, how often the server cut the slow sockets off. Exits 1 when a normal request
got a 5xx or failed, or their p99 is 5 s or more.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time

from corpus import SAMPLE  # benchmarks run as scripts: their folder is on sys.path
from serve import free_port, start_server, stop_server


async def normal_client(client, text: str, deadline: float, latencies: list[float], statuses: dict) -> None:
    import httpx

    i = 0
    while time.monotonic() < deadline:
        t = time.perf_counter()
        try:
            r = await client.post("/parse", json={"text": text, "id": str(i)})
            key = str(r.status_code)
        except httpx.HTTPError as e:
            key = type(e).__name__
        latencies.append(time.perf_counter() - t)
        statuses[key] = statuses.get(key, 0) + 1
        i += 1


async def heavy_client(port: int, chars: int, deadline: float, statuses: dict) -> None:
    import httpx

    word = "Rain fell over the hills near Porto Alegre and Lima. "
    text = (word * (chars // len(word) + 1))[:chars]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        while time.monotonic() < deadline:
            try:
                r = await client.post("/parse", json={"text": text})
                key = str(r.status_code)
            except httpx.HTTPError as e:
                key = type(e).__name__
            statuses[key] = statuses.get(key, 0) + 1


async def slow_socket(port: int, deadline: float, cut: list[int]) -> None:
    request = b"POST /parse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n"
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(1)
            continue
        try:
            for b in request[:-1]:  # never the final byte
                if time.monotonic() >= deadline:
                    break
                writer.write(bytes([b]))
                await writer.drain()
                try:
                    if await asyncio.wait_for(reader.read(1), 1.0) == b"":
                        cut[0] += 1
                        break
                except asyncio.TimeoutError:
                    pass
        except OSError:
            cut[0] += 1
        finally:
            writer.close()


async def load(port: int, seconds: float, clients: int, heavy_chars: int, slow: int) -> dict:
    import httpx

    text = SAMPLE.read_text(encoding="utf-8")
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    normal: dict[str, int] = {}
    heavy: dict[str, int] = {}
    cut = [0]
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=120) as client:
        await asyncio.gather(
            *(slow_socket(port, deadline, cut) for _ in range(slow)),
            heavy_client(port, heavy_chars, deadline, heavy),
            *(normal_client(client, text, deadline, latencies, normal) for _ in range(clients)),
        )
    lat = sorted(latencies)
    return {
        "normal": {"requests": len(lat), "statuses": normal, "p50_s": round(statistics.median(lat), 3),
                   "p99_s": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))], 3), "max_s": round(lat[-1], 3),
                   "chars": len(text)},
        "heavy": {"chars": heavy_chars, "statuses": heavy},
        "slow_sockets": {"count": slow, "cut_off": cut[0]},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--heavy-chars", type=int, default=2_000_000)
    ap.add_argument("--slow", type=int, default=200)
    args = ap.parse_args()
    port = free_port()
    proc = start_server(port, timeout=300)
    try:
        result = asyncio.run(load(port, args.seconds, args.clients, args.heavy_chars, args.slow))
    finally:
        stop_server(proc)
    n = result["normal"]
    bad = sum(v for k, v in n["statuses"].items() if k != "200")
    result["ok"] = bad == 0 and n["p99_s"] < 5.0
    print(json.dumps(result, indent=1))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
