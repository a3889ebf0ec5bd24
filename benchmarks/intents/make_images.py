"""Draw the shop catalogue's product pictures and the suite's query photos (deterministic, PIL).

    python benchmarks/intents/make_images.py            # → benchmarks/intents/images/{shop,photos}/*.png

Each item of ``shop.csv`` gets a simple picture of its kind of object (a mug, a tent, a lamp, a
framed print...) in its colour. The query photos are the same objects drawn again at another
size and place on another background, as a customer's snapshot would differ from the shop's
picture. Nothing here is random, so the files are the same on every machine; they are not
committed (``images/`` is ignored) and ``run.sh`` makes them before ingesting.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = 224
COLOURS = {
    "red": (200, 40, 40), "blue": (40, 80, 190), "white": (245, 245, 240), "grey": (130, 130, 135),
    "green": (40, 140, 60), "brown": (130, 85, 45), "black": (25, 25, 25), "yellow": (235, 200, 40),
    "orange": (240, 130, 30), "pink": (235, 150, 180),
}
#: Query photo → (the item it shows, scale, shift x, shift y, background).
PHOTOS = {
    "red-mug": ("mug-red", 0.8, 18, 10, (205, 215, 230)),
    "orange-tent": ("tent-orange-dome", 0.75, -12, 14, (200, 225, 200)),
    "blue-vase": ("vase-blue", 0.85, 10, -8, (235, 225, 205)),
    "green-watering-can": ("watering-can", 0.8, -10, 6, (225, 225, 225)),
    "black-desk-lamp": ("lamp-desk", 0.8, 14, 0, (240, 235, 220)),
    "dog-print": ("print-dog-beach", 0.8, 0, 10, (215, 210, 205)),
    "red-backpack": ("daypack", 0.8, -8, 8, (220, 230, 240)),
}


def kind(item_id: str) -> str:
    for word, shape in (("mug", "mug"), ("kettle", "kettle"), ("teapot", "kettle"), ("tent", "tent"),
                        ("lamp", "lamp"), ("lantern", "lantern"), ("lights", "lights"), ("print", "print"),
                        ("pot-", "pot"), ("vase", "vase"), ("can", "can"), ("pack", "bag"), ("tote", "bag"),
                        ("bottle", "bottle"), ("board", "board"), ("knife", "knife"), ("skillet", "pan"),
                        ("stove", "pan"), ("jars", "jars"), ("mill", "bottle"), ("chair", "chair"),
                        ("bench", "chair"), ("bag", "bag"), ("mat", "board"), ("towels", "cloth"),
                        ("throw", "cloth"), ("hammock", "cloth"), ("cushion", "cushion"), ("candle", "jars"),
                        ("gloves", "cushion"), ("feeder", "lantern"), ("spatula", "knife")):
        if word in item_id:
            return shape
    return "cushion"


def draw_item(item_id: str, colour: str, *, scale: float = 1.0, dx: int = 0, dy: int = 0,
              background: tuple[int, int, int] = (250, 250, 250)) -> Image.Image:
    image = Image.new("RGB", (SIZE, SIZE), background)
    d = ImageDraw.Draw(image)
    fill, edge = COLOURS.get(colour, (128, 128, 128)), (40, 40, 40)
    c = SIZE / 2

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (c + dx + (x0 - c) * scale, c + dy + (y0 - c) * scale, c + dx + (x1 - c) * scale, c + dy + (y1 - c) * scale)

    def pts(*xy: tuple[float, float]) -> list[tuple[float, float]]:
        return [(c + dx + (x - c) * scale, c + dy + (y - c) * scale) for x, y in xy]

    shape = kind(item_id)
    if shape == "mug":
        d.rectangle(box(60, 70, 140, 170), fill=fill, outline=edge, width=3)
        d.arc(box(120, 90, 175, 150), -90, 90, fill=edge, width=10)
    elif shape == "kettle":
        d.ellipse(box(55, 70, 165, 175), fill=fill, outline=edge, width=3)
        d.polygon(pts((160, 110), (200, 85), (165, 135)), fill=fill, outline=edge)
        d.arc(box(75, 40, 145, 100), 180, 360, fill=edge, width=8)
    elif shape == "tent":
        d.polygon(pts((20, 180), (112, 50), (204, 180)), fill=fill, outline=edge)
        d.polygon(pts((95, 180), (112, 120), (129, 180)), fill=(30, 30, 30))
    elif shape in ("lamp", "lantern"):
        d.polygon(pts((70, 60), (150, 60), (170, 120), (50, 120)), fill=fill, outline=edge)
        d.rectangle(box(105, 120, 117, 185), fill=edge)
        d.rectangle(box(70, 185, 150, 195), fill=edge)
    elif shape == "lights":
        for n in range(7):
            d.ellipse(box(20 + n * 28, 90 + (n % 2) * 30, 38 + n * 28, 110 + (n % 2) * 30), fill=(250, 220, 120),
                      outline=edge)
        d.line(pts(*[(29 + n * 28, 100 + (n % 2) * 30) for n in range(7)]), fill=edge, width=2)
    elif shape == "print":
        d.rectangle(box(40, 30, 184, 194), fill=(250, 248, 240), outline=edge, width=8)
        d.rectangle(box(55, 45, 169, 179), fill=fill)
        if "dog" in item_id or "dachshund" in item_id:
            d.ellipse(box(70, 110, 150, 145), fill=(90, 60, 30))
            d.ellipse(box(135, 90, 165, 120), fill=(90, 60, 30))
        elif "cat" in item_id:
            d.ellipse(box(85, 100, 135, 160), fill=(200, 140, 60))
            d.polygon(pts((90, 105), (98, 80), (108, 100)), fill=(200, 140, 60))
        elif "mountain" in item_id:
            d.polygon(pts((55, 179), (112, 70), (169, 179)), fill=(240, 240, 250))
        elif "fern" in item_id:
            for n in range(6):
                d.line(pts((112, 170), (70 + n * 16, 60 + n * 8)), fill=(20, 80, 30), width=4)
        else:
            for n in range(5):
                d.rectangle(box(62 + n * 21, 120 - n * 12, 78 + n * 21, 179), fill=(250, 230, 120))
    elif shape in ("pot", "vase"):
        if shape == "pot":
            d.polygon(pts((55, 70), (169, 70), (145, 185), (79, 185)), fill=fill, outline=edge)
        else:
            d.ellipse(box(65, 80, 159, 190), fill=fill, outline=edge, width=3)
            d.rectangle(box(95, 40, 129, 90), fill=fill, outline=edge, width=3)
    elif shape == "can":
        d.rectangle(box(60, 90, 150, 180), fill=fill, outline=edge, width=3)
        d.line(pts((150, 110), (200, 70)), fill=fill, width=12)
        d.arc(box(70, 50, 140, 120), 180, 360, fill=edge, width=8)
    elif shape == "bag":
        d.rounded_rectangle(box(55, 60, 169, 190), radius=int(25 * scale), fill=fill, outline=edge, width=3)
        d.arc(box(80, 30, 144, 90), 180, 360, fill=edge, width=8)
    elif shape == "bottle":
        d.rounded_rectangle(box(85, 60, 139, 195), radius=int(18 * scale), fill=fill, outline=edge, width=3)
        d.rectangle(box(98, 35, 126, 60), fill=edge)
    elif shape in ("board", "cloth"):
        d.rounded_rectangle(box(30, 70, 194, 160), radius=int(12 * scale), fill=fill, outline=edge, width=3)
        if shape == "cloth":
            for n in range(4):
                d.line(pts((30, 85 + n * 20), (194, 85 + n * 20)), fill=(250, 250, 250), width=3)
    elif shape == "knife":
        d.polygon(pts((30, 120), (150, 100), (150, 130)), fill=(200, 200, 205), outline=edge)
        d.rectangle(box(150, 102, 200, 128), fill=fill, outline=edge)
    elif shape == "pan":
        d.ellipse(box(30, 70, 150, 170), fill=fill, outline=edge, width=3)
        d.rectangle(box(148, 110, 210, 126), fill=edge)
    elif shape == "jars":
        for n in range(3):
            d.rounded_rectangle(box(35 + n * 55, 90, 80 + n * 55, 180), radius=8, fill=fill, outline=edge, width=3)
    elif shape == "chair":
        d.rectangle(box(60, 60, 164, 120), fill=fill, outline=edge, width=3)
        d.rectangle(box(60, 120, 164, 140), fill=fill, outline=edge, width=3)
        d.line(pts((65, 140), (55, 195)), fill=edge, width=6)
        d.line(pts((159, 140), (169, 195)), fill=edge, width=6)
    else:
        d.rounded_rectangle(box(50, 60, 174, 170), radius=int(30 * scale), fill=fill, outline=edge, width=3)
    return image


def main(root: Path = HERE) -> int:
    items = {row["id"]: row for row in csv.DictReader((root / "shop.csv").open(encoding="utf-8"))}
    written = 0
    for item_id, row in items.items():
        path = root / row["image"]
        path.parent.mkdir(parents=True, exist_ok=True)
        draw_item(item_id, row["colour"]).save(path)
        written += 1
    photos = root / "images" / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    for name, (item_id, scale, dx, dy, background) in PHOTOS.items():
        draw_item(item_id, items[item_id]["colour"], scale=scale, dx=dx, dy=dy, background=background).save(
            photos / f"{name}.png")
        written += 1
    print(f"{written} images in {root / 'images'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
