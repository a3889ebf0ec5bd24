"""CLIP image-tower throughput: ``ClipEncoder.encode`` against the bare open_clip call.

The ViT-B-32 architecture runs with RANDOM weights (``pretrained=None``: no CLIP weights can be
downloaded here; random weights cost exactly what trained ones do). Each repetition times, in an
alternating order:

* ``xmr``: ``ClipEncoder.encode(paths, modality="image")`` on ``--n`` JPEG files: decoding, the
  open_clip preprocessing, batching (``--batch``), the model, normalising, float32 numpy out;
* ``bare``: ``model.encode_image(x, normalize=True)`` under ``torch.inference_mode()`` on the SAME
  batches, already decoded and preprocessed (so the ratio shows what decoding + glue cost).

Medians over ``--reps`` repetitions and their ratio are printed and written as JSON to
``benchmarks/results/clip.json`` (and printed on stdout). The load average is recorded: other
work on a shared 2-core machine slows both sides.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_clip.py --n 64 --batch 16 --reps 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as c
import numpy as np

OUT = Path(__file__).resolve().parent / "results" / "clip.json"


def make_photos(folder: Path, n: int) -> list[Path]:
    """``n`` 640x480 JPEGs of smooth gradients plus noise (decode cost like a real photo's)."""
    from PIL import Image

    paths = []
    yy, xx = np.mgrid[0:480, 0:640]
    for i in range(n):
        rng = np.random.default_rng(i)
        pixels = np.stack([(xx + 7 * i) % 256, (yy + 13 * i) % 256, (xx + yy + 29 * i) % 256], axis=-1)
        pixels = (pixels + rng.integers(0, 40, pixels.shape)).clip(0, 255).astype(np.uint8)
        paths.append(folder / f"photo-{i:03d}.jpg")
        Image.fromarray(pixels).save(paths[-1], quality=90)
    return paths


def run(args: argparse.Namespace) -> dict[str, Any]:
    import torch
    from PIL import Image

    from xmr_clip import ClipEncoder

    folder = Path(tempfile.mkdtemp(prefix="xmr-bench-clip-"))
    photos = make_photos(folder, args.n)
    encoder = ClipEncoder(args.model, None, batch_size=args.batch)
    t0 = time.perf_counter()
    loaded = encoder.load()
    load_s = time.perf_counter() - t0
    with torch.inference_mode():
        pixels = torch.stack([loaded.preprocess(Image.open(p).convert("RGB")) for p in photos])
    batches = [pixels[i : i + args.batch] for i in range(0, len(photos), args.batch)]

    def xmr() -> np.ndarray:
        return encoder.encode(photos, modality="image", role="document")

    def bare() -> np.ndarray:
        with torch.inference_mode():
            return np.concatenate([loaded.model.encode_image(b, normalize=True).numpy() for b in batches])

    check = float(np.abs(xmr() - bare()).max())  # also the warm-up of both
    seconds: dict[str, list[float]] = {"xmr": [], "bare": []}
    for rep in range(args.reps):
        order = [("xmr", xmr), ("bare", bare)] if rep % 2 == 0 else [("bare", bare), ("xmr", xmr)]
        for name, fn in order:
            t0 = time.perf_counter()
            fn()
            seconds[name].append(time.perf_counter() - t0)
        c.log(f"rep {rep + 1}/{args.reps}: xmr {args.n / seconds['xmr'][-1]:.1f} img/s, "
              f"bare {args.n / seconds['bare'][-1]:.1f} img/s")
    rates = {k: [args.n / s for s in v] for k, v in seconds.items()}
    medians = {k: statistics.median(v) for k, v in rates.items()}
    return {
        "model": args.model, "weights": "random (pretrained=None)", "images": args.n, "batch_size": args.batch,
        "reps": args.reps, "torch_threads": torch.get_num_threads(), "load_seconds": round(load_s, 2),
        "max_abs_difference": check,
        "images_per_second": {k: {"median": round(m, 2), "runs": [round(r, 2) for r in rates[k]]}
                              for k, m in medians.items()},
        "ratio_xmr_over_bare": round(medians["xmr"] / medians["bare"], 3),
        "per_rep_ratios": [round(x / b, 3) for x, b in zip(rates["xmr"], rates["bare"], strict=True)],
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="ViT-B-32", help="open_clip architecture (random weights)")
    parser.add_argument("--n", type=int, default=64, help="images per repetition")
    parser.add_argument("--batch", type=int, default=16, help="batch size (both sides)")
    parser.add_argument("--reps", type=int, default=3, help="interleaved repetitions")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    machine = c.machine()
    machine["versions"].update({p: c._version(p) for p in ("open_clip_torch", "torchvision", "timm", "pillow")})
    result = run(args)
    c.log(f"{args.model}, batch {args.batch}, {args.n} images x {args.reps} reps: "
          f"xmr {result['images_per_second']['xmr']['median']} img/s, "
          f"bare {result['images_per_second']['bare']['median']} img/s, "
          f"ratio {result['ratio_xmr_over_bare']}")
    output = {"benchmark": "clip", "machine": machine, "loadavg_at_end": list(os.getloadavg()),
              "results": result}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(output, indent=2, default=str) + "\n", encoding="utf-8")
    c.emit(output)


if __name__ == "__main__":
    main()
