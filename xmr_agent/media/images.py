"""How large an image may be decoded: a pixel limit well below Pillow's own (89.5 million pixels,
a warning only; errors from twice that), so a small file that declares a huge canvas (a 140 KB
PNG of 12000×12000 decodes to 432 MB) is refused from its header, before any pixel is decoded.

A JPEG is the exception: it can be decoded at 1/2, 1/4 or 1/8 of its size at once (DCT scaling,
Pillow's ``draft``), so a large photo is decoded small instead of refused, up to 64 times the limit.
Pillow is needed only when an image is checked (it comes with the image plugins).
"""

from __future__ import annotations

import io
import math

from xmr_agent.errors import ConfigError

__all__ = ["JPEG_SCALE", "MAX_IMAGE_PIXELS", "check_image", "draft_size", "too_large"]

#: Most pixels decoded from one image (4096 × 4096).
MAX_IMAGE_PIXELS = 4096 * 4096
#: A JPEG may be decoded at down to 1/8 of each side: 64 times fewer pixels.
JPEG_SCALE = 8


def too_large(width: int, height: int, image_format: str | None) -> str | None:
    """Why an image of this size and format is not decoded, or ``None`` when it may be."""
    pixels = width * height
    limit = MAX_IMAGE_PIXELS * (JPEG_SCALE**2 if image_format == "JPEG" else 1)
    if pixels <= limit:
        return None
    return (f"the image is {width}×{height} ({pixels / 1e6:.1f} million pixels); at most {limit / 1e6:.1f} million "
            f"are decoded{'' if image_format == 'JPEG' else ' (JPEG photos up to 64 times more)'}: send a smaller image")


def draft_size(width: int, height: int) -> tuple[int, int] | None:
    """The size to ask a JPEG decoder for (Pillow ``Image.draft``) so that it decodes at most
    :data:`MAX_IMAGE_PIXELS`, or ``None`` when the image is small enough as it is."""
    if width * height <= MAX_IMAGE_PIXELS:
        return None
    # draft() picks the smallest reduction that still gives at least the size asked for: ask half
    # the fitting size, so the result lands between a quarter and all of the limit.
    factor = math.sqrt(MAX_IMAGE_PIXELS / (width * height)) / 2
    return max(1, int(width * factor)), max(1, int(height * factor))


def check_image(data: bytes, label: str = "the image") -> None:
    """:class:`ConfigError` if ``data`` is an image too large to decode (read from its header only).
    Bytes that are not an image Pillow knows, or no Pillow at all, pass: the decoder reports those."""
    try:
        from PIL import Image
    except ImportError:
        return
    try:
        with Image.open(io.BytesIO(data)) as image:
            reason = too_large(image.width, image.height, image.format)
    except Image.DecompressionBombError as e:
        reason = f"the image is far too large to decode ({e})"
    except (OSError, SyntaxError, ValueError):
        return
    if reason:
        raise ConfigError(f"{label}: {reason}")
