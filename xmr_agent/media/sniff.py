"""The kind of a media file from its bytes or MIME type: a suffix for the file it is saved as."""

from __future__ import annotations

_MIME_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
                "image/bmp": ".bmp", "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav",
                "audio/mpeg": ".mp3", "audio/mp3": ".mp3", "audio/flac": ".flac", "audio/ogg": ".ogg",
                "audio/mp4": ".m4a", "audio/webm": ".webm"}
_MAGIC = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG", ".png"), (b"GIF8", ".gif"), (b"BM", ".bmp"), (b"ID3", ".mp3"),
          (b"fLaC", ".flac"), (b"OggS", ".ogg"), (b"\x1aE\xdf\xa3", ".webm"))


def media_suffix(data: bytes, kind: str, mime: str = "") -> str:
    """A file suffix for media bytes: from the MIME type, else the file's magic bytes, else by kind."""
    return _MIME_SUFFIX.get(mime.lower()) or _sniff(data) or (".jpg" if kind == "image" else ".wav")


def _sniff(data: bytes) -> str | None:
    if data[:4] == b"RIFF":
        return {b"WAVE": ".wav", b"WEBP": ".webp"}.get(data[8:12])
    if data[4:8] == b"ftyp":
        return ".m4a"
    if data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return ".mp3"
    return next((suffix for magic, suffix in _MAGIC if data.startswith(magic)), None)
