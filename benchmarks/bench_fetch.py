"""Fetch benchmark: 200 feeds (the shared real feed documents under distinct URLs) served
from 20 loopback addresses (127.0.0.2 ... 127.0.0.21: fetching is limited per host), fetched
by ``newstui fetch`` and by ``newsboat -x reload`` in the same run, twice: with no added
latency (what the CPU costs) and with LATENCY ms added to every response (what the
internet costs). Each tool does a first fetch (empty state) and a refetch where every feed
answers 304 Not Modified.

Usage: python benchmarks/bench_fetch.py [--latency 150] [--feeds 200] [--skip-newsboat]

Needs newsboat for its rows (apt-get install newsboat). Nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

ROOT = Path(__file__).resolve().parent.parent
FEEDS = ROOT / "tests" / "data" / "feeds"
FRAGMENT = "FirstEntry"  # single entries cut out of feeds: not feeds, left out
HOSTS = [f"127.0.0.{i}" for i in range(2, 22)]


class Servers:
    """One threaded HTTP server per loopback address, answering /N/NAME with the shared
    document NAME (ETag and Last-Modified, 304 to a matching conditional request)."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.docs = {p.name: p.read_bytes() for p in sorted(FEEDS.iterdir())
                     if p.suffix in (".xml", ".json") and FRAGMENT not in p.name}
        self.servers: list[ThreadingHTTPServer] = []
        self.ports: dict[str, int] = {}
        bench = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                time.sleep(bench.latency)
                name = self.path.rsplit("/", 1)[-1]
                body = bench.docs.get(name)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag or \
                        self.headers.get("If-Modified-Since") == "Wed, 01 Nov 2023 10:00:00 GMT":
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                kind = "application/feed+json" if name.endswith(".json") else "application/xml"
                self.send_header("Content-Type", kind)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Wed, 01 Nov 2023 10:00:00 GMT")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        for host in HOSTS:
            server = ThreadingHTTPServer((host, 0), Handler)
            server.daemon_threads = True
            self.ports[host] = server.server_address[1]
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             daemon=True).start()
            self.servers.append(server)

    def urls(self, count: int) -> list[str]:
        names = list(self.docs)
        return [f"http://{HOSTS[i % len(HOSTS)]}:{self.ports[HOSTS[i % len(HOSTS)]]}/{i}/"
                f"{names[i % len(names)]}" for i in range(count)]

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, out.decode("utf-8", "replace")


def newstui_rows(urls: list[str], work: Path, jobs: int) -> list[tuple[str, float, float, int]]:
    feeds = work / "feeds.yaml"
    feeds.write_text("".join(f"- url: {u}\n  name: feed{i}\n" for i, u in enumerate(urls)))
    env = {**os.environ, "NEWSTUI_FEEDS": str(feeds), "NEWSTUI_NEWS": str(work / "news"),
           "NEWSTUI_FEEDS_DB": str(work / "feeds.db"), "NO_PROXY": "*"}
    exe = shutil.which("newstui") or str(Path(sys.executable).parent / "newstui")
    rows = []
    for label in ("first fetch", "refetch (all 304)"):
        wall, rss, out = run([exe, "fetch", "--json", "--jobs", str(jobs)], env)
        lines = [json.loads(x) for x in out.splitlines() if x.strip()]
        items = sum(x["new"] for x in lines)
        statuses = {x["status"] for x in lines}
        rows.append((f"newstui fetch --jobs {jobs}: {label} ({', '.join(sorted(statuses))})",
                     wall, rss, items))
    return rows


def newsboat_rows(urls: list[str], work: Path, threads: int | None
                  ) -> list[tuple[str, float, float, int]]:
    (work / "urls").write_text("".join(f"{u}\n" for u in urls))
    config = work / "config"
    config.write_text(f"reload-threads {threads}\n" if threads else "")
    cache = work / "cache.db"
    env = {**os.environ, "HOME": str(work), "NO_PROXY": "*", "no_proxy": "*"}
    name = f"newsboat -x reload ({f'reload-threads {threads}' if threads else 'defaults'})"
    rows = []
    for label in ("first fetch", "refetch"):
        wall, rss, _ = run(["newsboat", "-x", "reload", "-u", str(work / "urls"), "-c",
                            str(cache), "-C", str(config)], env)
        items = count_newsboat_items(cache)
        rows.append((f"{name}: {label}", wall, rss, items))
    return rows


def count_newsboat_items(cache: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(cache) as db:
            return int(db.execute("SELECT COUNT(*) FROM rss_item").fetchone()[0])
    except sqlite3.Error:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=150, help="ms added to responses")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--skip-newsboat", action="store_true")
    parser.add_argument("--jobs", default="8", help="newstui's --jobs values, e.g. 8,16")
    ns = parser.parse_args()
    print(describe())
    print(f"{ns.feeds} feeds over {len(HOSTS)} loopback addresses")
    print("| run | latency | wall s | items | items/s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for latency in (0.0, ns.latency / 1000):
        servers = Servers(latency)
        try:
            urls = servers.urls(ns.feeds)
            groups = []
            for jobs in (int(j) for j in ns.jobs.split(",")):
                with tempfile.TemporaryDirectory() as tmp:
                    groups.append(newstui_rows(urls, Path(tmp), jobs))
            if not ns.skip_newsboat and shutil.which("newsboat"):
                for threads in (None, 8):
                    with tempfile.TemporaryDirectory() as tmp:
                        groups.append(newsboat_rows(urls, Path(tmp), threads))
            for rows in groups:
                for name, wall, rss, items in rows:
                    rate = f"{items / wall:,.0f}" if "first" in name else "-"
                    print(f"| {name} | {latency * 1000:.0f} ms | {wall:.2f} | {items:,} | "
                          f"{rate} | {rss:.0f} |")
        finally:
            servers.close()


if __name__ == "__main__":
    main()
