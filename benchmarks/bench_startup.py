"""Start-up cost: ``import xmr_agent`` and ``xmr --help``, each in fresh subprocesses.

Each measurement is the median of ``--runs`` fresh processes after one unmeasured warm-up run
(file-system cache; byte-code written to a private PYTHONPYCACHEPREFIX). ``import xmr_agent`` is
reported two ways: the whole subprocess wall time (interpreter start + import) and the import
alone (timed inside the process); the bare interpreter start (``python -c pass``) is reported
alongside. Also checks which heavy modules each entry point
pulls in: ``import xmr_agent`` must not import torch.

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


def wall(cmd: Sequence[str]) -> tuple[float, str]:
    """(seconds, stdout) of one subprocess run; fails loudly if the command fails."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env(), check=False)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
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


def run(args: argparse.Namespace) -> dict[str, Any]:
    bare = probe("pass", args.runs)
    package = probe("import xmr_agent", args.runs)
    api = probe("from xmr_agent import Catalog, ingest, get_encoder", args.runs)
    helps, _ = repeat([str(xmr_script()), "--help"], args.runs)
    help_median = round(statistics.median(helps), 4)
    import_ok = package["wall_median_s"] < IMPORT_TARGET_S
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
        "met": import_ok and help_median < HELP_TARGET_S and "torch" not in package["heavy_modules"],
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
    c.log(f"  import xmr_agent imports torch: {result['import_imports_torch']}; all targets met: {result['met']}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=7, help="fresh processes per measurement (default 7)")
    p.add_argument("--top", type=int, default=8, help="modules to list from -X importtime")
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
