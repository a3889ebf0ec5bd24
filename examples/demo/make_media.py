"""Draw the demo catalogue's cover images and synthesise its song clips (run once; the files are
committed beside it in ``media/``). Needs Pillow and numpy; everything is deterministic.

    python examples/demo/make_media.py
"""

from __future__ import annotations

import json
import unicodedata
import wave
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).parent
MEDIA = HERE / "media"
SIZE = 320
RATE = 11025
#: Background colours (top, bottom) per category.
PALETTE = {"music": ((38, 50, 120), (120, 70, 160)), "film": ((20, 20, 30), (150, 40, 50)),
           "book": ((240, 225, 190), (190, 150, 100)), "gear": ((30, 110, 100), (200, 220, 200))}
#: Per song: (notes as semitones above A3, seconds per note, waveform).
SONGS = {"song-001": ([3, 7, 10, 15, 10, 7], 0.5, "sine"), "song-002": ([0, 12, 0, 12, 3, 15, 5, 17] * 2, 0.18, "saw"),
         "song-003": ([5, 9, 12, 9, 5, 12], 0.5, "pluck"), "song-004": ([0, 0, 3, 0, 5, 3] * 2, 0.25, "square"),
         "song-005": ([2, 5, 9, 7, 5, 2], 0.5, "pluck"), "song-006": ([0, 7], 1.5, "sine")}


def cover(item: dict, path: Path) -> None:
    top, bottom = PALETTE.get(item["category"], ((90, 90, 90), (160, 160, 160)))
    ramp = np.linspace(0, 1, SIZE)[:, None, None]
    pixels = (np.array(top) * (1 - ramp) + np.array(bottom) * ramp).repeat(SIZE, axis=1).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    seed = sum(map(ord, item["id"]))
    rng = np.random.default_rng(seed)
    for _ in range(6):  # a few soft shapes, different for every item
        x, y, r = (int(v) for v in rng.integers([0, 0, 20], [SIZE, SIZE, 90]))
        shade = tuple(int(c) for c in rng.integers(120, 255, 3))
        draw.ellipse((x - r, y - r, x + r, y + r), outline=shade, width=3)
    ink = (30, 30, 30) if item["category"] == "book" else (250, 250, 250)
    font = ImageFont.load_default(size=30)
    title = unicodedata.normalize("NFKD", item["title"]).encode("ascii", "ignore").decode()  # the font's letters
    lines = _wrap(title, draw, font, SIZE - 40)
    y = SIZE - 30 - 36 * len(lines)
    for line in lines:
        draw.text((20, y), line, font=font, fill=ink)
        y += 36
    draw.text((20, 18), item["category"].upper(), font=ImageFont.load_default(size=18), fill=ink)
    image.save(path, optimize=True)


def _wrap(text: str, draw: ImageDraw.ImageDraw, font: ImageFont.ImageFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def clip(notes: list[int], seconds: float, wave_kind: str, path: Path) -> None:
    parts = []
    for note in notes:
        t = np.arange(int(RATE * seconds)) / RATE
        f = 220.0 * 2 ** (note / 12)
        phase = (f * t) % 1.0
        tone = {"sine": np.sin(2 * np.pi * phase), "saw": 2 * phase - 1, "square": np.sign(np.sin(2 * np.pi * phase)),
                "pluck": np.sin(2 * np.pi * phase) * np.exp(-4 * t)}[wave_kind]
        envelope = np.minimum(1, np.minimum(t, t[::-1]) * 40)
        parts.append(tone * envelope)
    signal = (np.concatenate(parts) * 0.3 * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(signal.tobytes())


def main() -> None:
    MEDIA.mkdir(exist_ok=True)
    for line in (HERE / "catalog.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        cover(item, MEDIA / f"{item['id']}.png")
        if item["id"] in SONGS:
            clip(*SONGS[item["id"]], MEDIA / f"{item['id']}.wav")
    print(f"wrote {len(list(MEDIA.iterdir()))} files to {MEDIA}")


if __name__ == "__main__":
    main()
