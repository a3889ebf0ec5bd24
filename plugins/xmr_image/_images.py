"""Reading and preprocessing images for EfficientNet-Lite0 (PIL + numpy, no torchvision).

The recipe is the one the weights were trained with: RGB, shorter side resized to 256
(bilinear), centre crop 224, then ``x = (pixel - 127) / 128``. The first three steps happen
here and give ``uint8`` crops (a quarter of the memory of floats, so a whole batch can be
checked before any model work); :func:`to_model_input` applies the last step per model batch.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: Images decoded at once in this process: a full-size image takes up to ~210 MB while it is
#: decoded (a 4096×4096 RGBA PNG), so a server with many request threads stays within ~0.5 GB.
MAX_DECODES = 2
_DECODING = threading.BoundedSemaphore(MAX_DECODES)
RESIZE = 256
CROP = 224
MEAN = 127.0
SCALE = 128.0


def load_crops(items: Sequence[Any]) -> tuple[np.ndarray, dict[int, str]]:
    """Decode and crop every item: ``(uint8 array (n_ok, 224, 224, 3), {index: reason})``.

    Items are file paths (``str`` / ``os.PathLike``), encoded image ``bytes`` or PIL images.
    Every item is tried, so the failures name all the bad indexes of the batch at once.
    """
    crops: list[np.ndarray] = []
    failures: dict[int, str] = {}
    for index, item in enumerate(items):
        try:
            crops.append(crop(open_image(item)))
        except _BadImage as e:
            failures[index] = str(e)
    if not crops:
        return np.zeros((0, CROP, CROP, 3), dtype=np.uint8), failures
    return np.stack(crops), failures


def to_model_input(crops: np.ndarray) -> Any:
    """``uint8 (n, 224, 224, 3)`` → float32 tensor ``(n, 3, 224, 224)`` of ``(p - 127) / 128``.

    The permuted view keeps the pixels' HWC order, so the tensor is channels-last, the layout
    the optimised model runs in (no copy needed).
    """
    import torch

    x = torch.from_numpy(np.ascontiguousarray(crops)).permute(0, 3, 1, 2).float()
    return x.sub_(MEAN).div_(SCALE)


class _BadImage(Exception):
    """One item cannot be turned into a crop; the message is the reason shown to the user."""


def open_image(item: Any) -> Any:
    """A fully decoded RGB PIL image from a path, bytes or PIL image; :class:`_BadImage` if not."""
    from PIL import Image

    if isinstance(item, Image.Image):
        return _decoded(item, "the given PIL image")
    if isinstance(item, (bytes, bytearray, memoryview)):
        if len(item) == 0:
            raise _BadImage("empty bytes (0 bytes): expected an encoded image")
        return _decoded_file(io.BytesIO(bytes(item)), "the given bytes")
    if isinstance(item, (str, os.PathLike)):
        return _decoded_path(Path(item).expanduser())
    raise _BadImage(f"expected a file path, image bytes or a PIL image, got {type(item).__name__}")


def _decoded_path(path: Path) -> Any:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _BadImage(f"file not found: {path}") from None
    except OSError as e:
        raise _BadImage(f"cannot read {path}: {e.strerror or e}") from None
    if path.is_dir():
        raise _BadImage(f"{path} is a folder, not an image file")
    if size == 0:
        raise _BadImage(f"file is empty (0 bytes): {path}")
    try:
        with path.open("rb") as f:
            return _decoded_file(f, str(path))
    except PermissionError:
        raise _BadImage(f"cannot read {path}: permission denied") from None


def _decoded_file(stream: Any, label: str) -> Any:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(stream) as image, _DECODING:
            return _decoded(_within_limit(image, label), label)
    except UnidentifiedImageError:
        raise _BadImage(f"not an image that Pillow can read (unknown or damaged format): {label}") from None
    except Image.DecompressionBombError as e:
        raise _BadImage(f"image too large to decode safely ({e}): {label}") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise _BadImage(f"corrupt or truncated image ({e}): {label}") from None


def _within_limit(image: Any, label: str) -> Any:
    """``image`` (opened, not decoded) if it fits :data:`~xmr_agent.media.images.MAX_IMAGE_PIXELS`;
    a large JPEG is set to decode at a fraction of its size; anything else too large is refused."""
    from xmr_agent.media.images import MAX_IMAGE_PIXELS, draft_size, too_large

    reason = too_large(image.width, image.height, image.format)
    if reason:
        raise _BadImage(f"{reason}: {label}")
    size = draft_size(image.width, image.height)
    if size is not None and image.format == "JPEG":
        image.draft("RGB", size)
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise _BadImage(f"the image is {image.width}×{image.height}, too large to decode safely: {label}")
    return image


def _decoded(image: Any, label: str) -> Any:
    """Decode fully (so truncation shows now), honour EXIF rotation, flatten alpha onto white."""
    from PIL import Image, ImageOps

    try:
        image.load()
        image = ImageOps.exif_transpose(image) or image
    except (OSError, SyntaxError, ValueError) as e:
        raise _BadImage(f"corrupt or truncated image ({e}): {label}") from None
    if image.width < 1 or image.height < 1:
        raise _BadImage(f"image has no pixels ({image.width}x{image.height}): {label}")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def crop(image: Any) -> np.ndarray:
    """Shorter side → 256 (bilinear), centre 224x224 crop, as ``uint8 (224, 224, 3)``.

    Sizes and offsets are computed as torchvision's ``Resize(256)`` + ``CenterCrop(224)`` do.
    """
    from PIL import Image

    width, height = image.size
    if width <= height:
        size = (RESIZE, max(1, int(RESIZE * height / width)))
    else:
        size = (max(1, int(RESIZE * width / height)), RESIZE)
    if size != (width, height):
        image = image.resize(size, Image.Resampling.BILINEAR)
    left = round((size[0] - CROP) / 2.0)
    top = round((size[1] - CROP) / 2.0)
    return np.asarray(image.crop((left, top, left + CROP, top + CROP)), dtype=np.uint8)
