"""Call xmr-agent's HTTP API (``xmr serve``) with httpx: search, ask, a two-turn chat, add an item.

    xmr serve --db .xmr --table demo --api-key KEY &               # then:
    python examples/http_client.py --url http://127.0.0.1:8000 --api-key KEY
    python examples/http_client.py --demo                          # offline: starts its own server

``--demo`` ingests the demo catalogue with the hash-based FakeEncoder into a temporary folder,
starts ``xmr serve`` on a free local port with a random key, runs the calls, and stops it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

DEMO = Path(__file__).parent / "demo" / "catalog.jsonl"


def run(client: httpx.Client) -> None:
    print("health ", client.get("/health").json())
    for hit in client.get("/search", params={"q": "calm piano", "k": 3}).json()["hits"]:
        print(f"search  {hit['score']:.3f} {hit['id']} {hit['title']}")
    answer = client.post("/ask", json={"request": "waterproof gear for a rainy hike under $200", "k": 2}).json()
    print(f"ask     where {answer['where']}")
    for rec in answer["recommendations"]:
        print(f"ask     {rec['rank']}. {rec['id']} {rec['item']['title']} — {rec['explanation']}")
    session = f"demo-{secrets.token_hex(3)}"
    first = client.post(f"/chat/{session}", json={"message": "a calm piano song", "k": 2}).json()
    second = client.post(f"/chat/{session}", json={"message": "cheaper"}).json()
    print(f"chat    {[r['id'] for r in first['answer']['recommendations']]} then "
          f"{[r['id'] for r in second['answer']['recommendations']]}; filters {second['state']['filters']}")
    added = client.post("/items", json=[{"id": "song-100", "title": "Harbour Lullaby",
                                         "text": "A calm piano lullaby for sleepy evenings", "category": "music",
                                         "price": 0.49}]).json()
    print(f"items   inserted {added['inserted']}, rows {added['rows']}")
    refused = client.get("/search", params={"q": "piano"}, headers={"X-API-Key": "wrong"})
    print(f"no key  {refused.status_code} {refused.json()['detail']}")


def serve_demo() -> tuple[subprocess.Popen[bytes], str, str]:
    from xmr_agent import ingest

    db = tempfile.mkdtemp(prefix="xmr-http-")
    ingest(DEMO, db, "demo", vectors={"text": "xmr_agent.testing:FakeEncoder"})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    key = secrets.token_urlsafe(16)
    server = subprocess.Popen([sys.executable, "-m", "xmr_agent.cli", "serve", "--db", db, "--table", "demo",
                               "--port", str(port), "--api-key", key], env={**os.environ, "HF_HUB_OFFLINE": "1"})
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return server, url, key
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the demo server did not start")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--api-key", default=os.environ.get("XMR_API_KEY"))
    parser.add_argument("--demo", action="store_true", help="start a server on the demo catalogue first")
    options = parser.parse_args()
    process = None
    if options.demo:
        process, options.url, options.api_key = serve_demo()
    try:
        headers = {"X-API-Key": options.api_key} if options.api_key else {}
        with httpx.Client(base_url=options.url, headers=headers, timeout=60) as http:
            run(http)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
