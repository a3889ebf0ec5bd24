"""Start-up cost: ``import xmr_agent``, ``xmr --help`` and a cold ``xmr search``, in fresh subprocesses.

Each measurement is the median of ``--runs`` fresh processes after one unmeasured warm-up run
(file-system cache; byte-code written to a private PYTHONPYCACHEPREFIX). ``import xmr_agent`` is
reported two ways: the whole subprocess wall time (interpreter start + import) and the import
alone (timed inside the process); the bare interpreter start (``python -c pass``) is reported
alongside. Also checks which heavy modules each entry point
pulls in: ``import xmr_agent`` must not import torch.

Cold search: a text table of ``--items`` ReDial movies (synthetic items when the data is absent)
is ingested with the default ``text`` encoder; then, interleaved round by round (order
alternating), fresh processes run ``xmr search QUERY --json`` (default backend: ONNX Runtime),
``xmr search`` with a bad ``--where`` and with a missing table (both must fail fast), and a bare
Python process that opens the same LanceDB table and runs one vector query with the same vector.
Then ``--torch-runs`` rounds of the same search with ``XMR_TEXT_BACKEND=torch``
(sentence-transformers) against the bare process again. Each is reported as a ratio to the bare
process of the same rounds (ratio of medians, and median of per-round ratios).

    .venv/bin/python benchmarks/bench_startup.py --runs 7
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as c

IMPORT_TARGET_S = 0.3
HELP_TARGET_S = 1.0
SEARCH_TARGET_RATIO = 1.5
QUERY = "a space adventure with robots and a galactic empire"
BARE_QUERY = """
import sys
import lancedb
import numpy as np
table = lancedb.connect(sys.argv[1]).open_table(sys.argv[2])
rows = table.search(np.load(sys.argv[4]), vector_column_name=sys.argv[3]).distance_type("cosine").limit(10).to_list()
print(len(rows))
"""
HEAVY = ("torch", "transformers", "sentence_transformers", "lancedb", "pyarrow", "numpy", "pandas", "rich")
PROBE = """
import json, sys, time
t0 = time.perf_counter()
{code}
dt = time.perf_counter() - t0
print(json.dumps({{"seconds": dt, "heavy": [m for m in {heavy!r} if m in sys.modules]}}))
"""


#: Byte-code is cached (as after ``pip install``) in a private folder, so the measured runs never
#: recompile sources even where PYTHONDONTWRITEBYTECODE is set, and the project tree stays clean.
PYCACHE = tempfile.mkdtemp(prefix="xmr-bench-pycache-")


def env() -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**base, "HF_HUB_OFFLINE": "1", "PYTHONPYCACHEPREFIX": PYCACHE}


def wall(cmd: Sequence[str], extra_env: dict[str, str] | None = None, expect: int = 0) -> tuple[float, str]:
    """(seconds, stdout) of one subprocess run; fails loudly if the command exits other than ``expect``."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env={**env(), **(extra_env or {})}, check=False)
    seconds = time.perf_counter() - t0
    if done.returncode != expect:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds, done.stdout


def repeat(cmd: Sequence[str], runs: int) -> tuple[list[float], list[str]]:
    wall(cmd)  # warm-up: file-system cache, .pyc files
    results = [wall(cmd) for _ in range(runs)]
    return [round(s, 4) for s, _ in results], [out for _, out in results]


def probe(code: str, runs: int) -> dict[str, Any]:
    """Subprocess wall time and in-process time of ``code``, and the heavy modules it imported."""
    walls, outs = repeat([sys.executable, "-c", PROBE.format(code=code, heavy=HEAVY)], runs)
    inner = [json.loads(o)["seconds"] for o in outs]
    return {"code": code, "wall_s": walls, "wall_median_s": round(statistics.median(walls), 4),
            "import_median_s": round(statistics.median(inner), 4), "heavy_modules": json.loads(outs[-1])["heavy"]}


def importtime_top(code: str, top: int) -> list[tuple[str, float]]:
    """The ``top`` modules by cumulative import time (``python -X importtime``), in ms."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          env=env(), check=True)
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((parts[2].rstrip(), int(parts[1]) / 1000))
    top_level = [(name.strip(), ms) for name, ms in rows if not name.startswith("   ")]
    return sorted(top_level, key=lambda r: -r[1])[:top]


def xmr_script() -> Path:
    script = Path(sys.executable).with_name("xmr")
    if not script.exists():
        raise FileNotFoundError(f"no xmr script next to {sys.executable}; install the project (pip install -e .)")
    return script

def text_table(workdir: Path, items: int) -> tuple[str, str, str, Path, str]:
    """(db, table, vector column, .npy of the query vector, description): a text table made with
    the default ``text`` encoder, and QUERY's vector by the same encoder."""
    import numpy as np

    from xmr_agent import FieldMap, get_encoder, ingest

    if c.REDIAL.is_file():
        movies = json.loads(c.REDIAL.read_text(encoding="utf-8"))
        rows = ({"id": k, **v} for k, v in list(movies.items())[:items])
        fields = FieldMap(title="name", text=("plot", "genre", "director", "star"))
        about = f"first {items} ReDial movies (title=name, text=plot+genre+director+star)"
    else:
        rows, fields, about = c.synthetic_items(items), FieldMap(), f"{items} synthetic items ({c.REDIAL} absent)"
    source = c.write_jsonl(workdir / "catalog.jsonl", rows)
    encoder = get_encoder("text")
    report = ingest(source, workdir / "db", "movies", vectors={"text": encoder}, fields=fields, progress=False)
    if not report.ok:
        raise RuntimeError(f"ingest failed: {report}")
    vector = workdir / "query.npy"
    np.save(vector, encoder.encode([QUERY], modality="text", role="query")[0])
    return str(workdir / "db"), "movies", "vec__text__text", vector, about


def loaded_modules(argv: Sequence[str], extra_env: dict[str, str] | None = None) -> list[str]:
    """The heavy modules (and onnxruntime) a fresh process has imported after ``xmr ARGV``."""
    watch = (*HEAVY, "onnxruntime", "tokenizers")
    code = ("import json, sys\nfrom xmr_agent.cli import main\ntry:\n    main(sys.argv[1:])\n"
            "except SystemExit:\n    pass\n"
            f"sys.stderr.write('MODULES ' + json.dumps([m for m in {watch!r} if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          env={**env(), **(extra_env or {})}, check=False)
    marker = done.stderr.rpartition("MODULES ")[2]
    return list(json.loads(marker)) if marker.startswith("[") else [f"? {done.stderr[-300:]}"]


Variant = tuple[list[str], dict[str, str], int]  # command, extra environment, expected exit status


def interleaved(variants: dict[str, Variant], runs: int) -> dict[str, list[float]]:
    """Wall seconds of each variant: one unmeasured warm-up each, then ``runs`` rounds, the order
    alternating between rounds."""
    for cmd, extra, expect in variants.values():  # file-system cache, .pyc, the ONNX file
        wall(cmd, extra, expect)
    times: dict[str, list[float]] = {name: [] for name in variants}
    for r in range(runs):
        for name in list(variants) if r % 2 == 0 else list(variants)[::-1]:
            times[name].append(round(wall(*variants[name])[0], 4))
    return times


def ratios(times: dict[str, list[float]], base: str) -> dict[str, dict[str, Any]]:
    """Per variant: the median, its ratio to ``base``'s median, and the median of the per-round ratios."""
    out = {}
    for name, values in times.items():
        if name != base:
            per_round = [v / b for v, b in zip(values, times[base], strict=True)]
            out[name] = {"median_s": round(statistics.median(values), 4),
                         "ratio": round(statistics.median(values) / statistics.median(times[base]), 3),
                         "median_round_ratio": round(statistics.median(per_round), 3)}
    return out


def cold_search(args: argparse.Namespace) -> dict[str, Any]:
    """Fresh ``xmr search`` processes against a bare LanceDB query process, interleaved. The torch
    backend (≈10× slower) runs in rounds of its own, so it does not load the machine during the others."""
    with tempfile.TemporaryDirectory(prefix="xmr-bench-startup-") as tmp:
        db, table, column, vector, about = text_table(Path(tmp), args.items)
        xmr = str(xmr_script())
        search = [xmr, "search", QUERY, "--db", db, "--table", table, "-k", "10", "--json"]
        bare: Variant = ([sys.executable, "-c", BARE_QUERY, db, table, column, str(vector)], {}, 0)
        fast: dict[str, Variant] = {
            "bare_lancedb_query": bare,
            "xmr_search": (search, {}, 0),
            "xmr_search_bad_where": ([*search, "--where", "no_such_column > 1"], {}, 1),
            "xmr_search_missing_table": ([xmr, "search", QUERY, "--db", db, "--table", "no_such_table"], {}, 1),
        }
        slow: dict[str, Variant] = {"bare_lancedb_query": bare, "xmr_search_torch": (search, {"XMR_TEXT_BACKEND": "torch"}, 0)}
        times, torch_times = interleaved(fast, args.runs), interleaved(slow, args.torch_runs)
        modules = {name: loaded_modules(cmd[1:], extra) for name, (cmd, extra, _) in {**fast, **slow}.items()
                   if name != "bare_lancedb_query"}
    found = {**ratios(times, "bare_lancedb_query"), **ratios(torch_times, "bare_lancedb_query")}
    return {"table": about, "query": QUERY, "wall_s": times, "wall_s_torch_rounds": torch_times,
            "bare_median_s": round(statistics.median(times["bare_lancedb_query"]), 4), "to_bare": found,
            "modules_loaded": modules, "target": f"xmr_search / bare <= {SEARCH_TARGET_RATIO}",
            "met": found["xmr_search"]["ratio"] <= SEARCH_TARGET_RATIO and "torch" not in modules["xmr_search"]}


def run(args: argparse.Namespace) -> dict[str, Any]:
    bare = probe("pass", args.runs)
    package = probe("import xmr_agent", args.runs)
    api = probe("from xmr_agent import Catalog, ingest, get_encoder", args.runs)
    helps, _ = repeat([str(xmr_script()), "--help"], args.runs)
    help_median = round(statistics.median(helps), 4)
    import_ok = package["wall_median_s"] < IMPORT_TARGET_S
    search = cold_search(args) if args.items else None
    return {
        "benchmark": "startup",
        "runs": args.runs,
        "python_bare": bare,
        "import_xmr_agent": package,
        "import_public_api": api,
        "xmr_help": {"wall_s": helps, "wall_median_s": help_median},
        "import_imports_torch": "torch" in package["heavy_modules"],
        "importtime_top_ms": importtime_top("import xmr_agent", args.top),
        "targets": {"import_xmr_agent_wall_median_s": f"< {IMPORT_TARGET_S}",
                    "xmr_help_wall_median_s": f"< {HELP_TARGET_S}", "import_imports_torch": False},
        "cold_search": search,
        "met": (import_ok and help_median < HELP_TARGET_S and "torch" not in package["heavy_modules"]
                and (search is None or search["met"])),
        "machine": c.machine(),
    }


def print_summary(result: dict[str, Any]) -> None:
    pkg, api = result["import_xmr_agent"], result["import_public_api"]
    c.log(f"startup (median of {result['runs']} fresh processes):")
    c.log(f"  python -c pass:              {result['python_bare']['wall_median_s']:.3f} s")
    c.log(f"  import xmr_agent:            {pkg['wall_median_s']:.3f} s wall, {pkg['import_median_s']:.3f} s "
          f"import alone (target < {IMPORT_TARGET_S}); heavy modules: {pkg['heavy_modules'] or 'none'}")
    c.log(f"  from xmr_agent import Catalog, ingest, get_encoder: {api['wall_median_s']:.3f} s wall; heavy "
          f"modules: {api['heavy_modules']}")
    c.log(f"  xmr --help:                  {result['xmr_help']['wall_median_s']:.3f} s (target < {HELP_TARGET_S})")
    search = result["cold_search"]
    if search:
        c.log(f"cold xmr search on {search['table']} (median of {result['runs']} interleaved rounds):")
        c.log(f"  bare LanceDB query process: {search['bare_median_s']:.3f} s")
        for name, f in search["to_bare"].items():
            c.log(f"  {name:<26} {f['median_s']:.3f} s = {f['ratio']:.2f}x bare (median of per-round ratios "
                  f"{f['median_round_ratio']:.2f}); loads {', '.join(search['modules_loaded'][name])}")
        c.log(f"  target {search['target']}: {'met' if search['met'] else 'MISSED'}")
    c.log(f"  import xmr_agent imports torch: {result['import_imports_torch']}; all targets met: {result['met']}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=7, help="fresh processes per measurement (default 7)")
    p.add_argument("--top", type=int, default=8, help="modules to list from -X importtime")
    p.add_argument("--items", type=int, default=300, help="items in the cold-search table (0: skip cold search)")
    p.add_argument("--torch-runs", type=int, default=3, help="rounds of the torch-backend search (default 3)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    try:
        result = run(parse_args(argv))
    finally:
        shutil.rmtree(PYCACHE, ignore_errors=True)
    print_summary(result)
    c.emit(result)
    return result


if __name__ == "__main__":
    main()
