"""CLIP from a local checkpoint file: ingest a folder of images, then search it by words and by image.

    python examples/clip_local_checkpoint.py CHECKPOINT [--model ViT-B-32] [--images DIR] [--db DIR]
    python examples/clip_local_checkpoint.py --tiny        # offline: a tiny random model, no download

CHECKPOINT is an open_clip checkpoint for --model (.pt / .pth / .bin / .safetensors), e.g. the
``open_clip_model.safetensors`` of https://huggingface.co/laion/CLIP-ViT-B-32-laion2B-s34B-b79K.
``--tiny`` builds a tiny random CLIP from a JSON config, saves its weights to a ``.pt`` file and
loads them back through the same local-checkpoint path: the code path runs offline, but random
weights give meaningless rankings (only "an image finds itself" holds). Without ``--images``, five
coloured discs are drawn as sample photos.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from xmr_agent import Catalog, ingest
from xmr_clip import ClipEncoder

TINY_CONFIG = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 2, "width": 64, "patch_size": 8, "head_width": 32},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
}
DISCS = {"red": (220, 30, 30), "green": (30, 200, 40), "blue": (30, 60, 220), "yellow": (240, 220, 20),
         "black": (20, 20, 20)}


def tiny_checkpoint(workdir: Path) -> tuple[str, Path, Path]:
    """(model name, JSON config, .pt checkpoint) of a tiny random CLIP, written under ``workdir``."""
    import torch

    config = workdir / "tiny-clip.json"
    config.write_text(json.dumps(TINY_CONFIG), encoding="utf-8")
    random_model = ClipEncoder("tiny-clip", None, model_config=config).load().model
    checkpoint = workdir / "tiny-clip.pt"
    torch.save(random_model.state_dict(), checkpoint)
    return "tiny-clip", config, checkpoint


def sample_images(folder: Path) -> Path:
    """Five photo-like PNGs: a coloured disc on a noisy background."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    for seed, (name, colour) in enumerate(DISCS.items()):
        pixels = np.random.default_rng(seed).integers(0, 255, (180, 240, 3), dtype=np.uint8)
        image = Image.fromarray(pixels)
        ImageDraw.Draw(image).ellipse((40, 20, 200, 160), fill=colour)
        image.save(folder / f"{name}.png")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint", nargs="?", help="local open_clip checkpoint file")
    parser.add_argument("--model", default="ViT-B-32", help="open_clip architecture of the checkpoint")
    parser.add_argument("--tiny", action="store_true", help="build and save a tiny random model instead")
    parser.add_argument("--images", type=Path, help="folder of images (default: five drawn discs)")
    parser.add_argument("--query", default="a red circle", help="words to search for")
    parser.add_argument("--db", default=tempfile.mkdtemp(prefix="xmr-clip-"))
    args = parser.parse_args()
    if args.tiny == bool(args.checkpoint):
        parser.error("give a CHECKPOINT file, or --tiny")
    workdir = Path(tempfile.mkdtemp(prefix="xmr-clip-example-"))

    model, config, checkpoint = args.model, None, Path(args.checkpoint or "")
    if args.tiny:
        model, config, checkpoint = tiny_checkpoint(workdir)
    clip = ClipEncoder(model, checkpoint, model_config=config, batch_size=16)
    print(f"loaded checkpoint {checkpoint} (sha256 {clip.config()['checkpoint_sha256'][:16]}…), space {clip.space}")

    # One vector column: each item's image through the image tower. Text queries go through the
    # text tower of the same model, into the same space.
    images = args.images or sample_images(workdir / "images")
    report = ingest(images, args.db, "photos", vectors={"image": clip})
    print(f"{report.inserted} inserted, {report.unchanged} unchanged, {len(report.bad)} skipped")

    # Reopen with no arguments: the encoder (model, checkpoint path and its sha256) comes from the table.
    catalog = Catalog.open(args.db, "photos")
    print(f"text query {args.query!r}:")
    for hit in catalog.search(args.query, k=3):
        print(f"  {hit.score:.3f}  {hit.id}")
    first = sorted(p for p in Path(images).iterdir() if p.is_file())[0]
    hits = catalog.search(str(first), modality="image", k=3)
    print(f"image query {first.name} → top hit: {hits[0].id} ({hits[0].score:.3f})")


if __name__ == "__main__":
    main()
