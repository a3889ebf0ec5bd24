"""Photos and sounds handed to the tools: a file path (inside the allowed roots) or base64 (a
``data:`` URI or the bare characters), written to a file named by its content, with a size limit."""

from __future__ import annotations

import base64
import binascii
import hashlib
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from xmr_agent.errors import ConfigError
from xmr_agent.media.images import check_image
from xmr_agent.media.roots import inside, resolved_roots
from xmr_agent.media.sniff import media_suffix

#: Largest photo or sound accepted as base64 (decoded bytes).
MAX_MEDIA_BYTES = 10 * 1024 * 1024
MEDIA_FIELD = "a file path, or the file as base64 (a data: URI or bare base64)"


def media_folder(db: str | Path) -> Path:
    """Where a served catalogue keeps uploaded media: a folder beside the database (``DB-media``)."""
    db = Path(db)
    return db.with_name(f"{db.name}-media")


class MediaInput:
    """Turns an image or audio argument into a local file path.

    ``roots``: folders file paths must lie in (``None``: any path; ``()``: base64 only — for
    callers on other machines).
    """

    def __init__(self, roots: Sequence[str | Path] | None = None, max_bytes: int = MAX_MEDIA_BYTES) -> None:
        self.roots = None if roots is None else resolved_roots(roots)
        self.max_bytes = max_bytes

    @contextmanager
    def files(self, *, image: str | None = None, audio: str | None = None,
              folder: str | Path | None = None) -> Iterator[tuple[str | None, str | None]]:
        """File paths for ``image`` and ``audio``; decoded files go to ``folder`` (kept, named by
        content) or to a temporary folder removed on exit."""
        with tempfile.TemporaryDirectory(prefix="xmr-media-") as scratch:
            target = Path(folder) if folder is not None else Path(scratch)
            yield (self.path(image, "image", target) if image else None,
                   self.path(audio, "audio", target) if audio else None)

    def path(self, value: str, kind: str, folder: Path, created: list[Path] | None = None) -> str:
        """A path for ``value`` (a path inside the allowed roots, or base64 written into ``folder``;
        a file written now is added to ``created``)."""
        value = value.strip()
        if "\x00" in value:
            raise ConfigError(f"the {kind} holds a NUL character: give a file path or base64")
        if value.startswith("data:"):
            header, _, payload = value.partition(",")
            return write_media(decode_media(payload, kind, self.max_bytes), kind, folder, header[5:].split(";")[0],
                               created)
        if len(value) < 1024 and "\n" not in value and Path(value).expanduser().is_file():
            return self._allowed(Path(value).expanduser(), kind)
        try:
            data = decode_media(value, kind, self.max_bytes)
        except ConfigError:
            if len(value) < 1024 and ("/" in value or "." in value):
                raise ConfigError(f"{kind} {value!r}: no such file here (send the file as base64 instead)") from None
            raise
        return write_media(data, kind, folder, "")

    def _allowed(self, path: Path, kind: str) -> str:
        if self.roots is not None and not inside(path, self.roots):
            raise ConfigError(f"{kind} path {str(path)!r} is outside the folders this server reads from; "
                              "send the file as base64 (or upload it) instead")
        return str(path.resolve())


def write_media(data: bytes, kind: str, folder: Path, mime: str, created: list[Path] | None = None) -> str:
    """``data`` saved in ``folder`` under a name made of its digest (written once, atomically; added
    to ``created`` when written now). An image too large to decode is refused before it is written."""
    if kind == "image":
        check_image(data, f"the {kind}")
    suffix = media_suffix(data, kind, mime)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:24]}{suffix}"
    if not path.exists():
        tmp = path.with_suffix(f"{suffix}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        if created is not None:
            created.append(path)
    return str(path)


def decode_media(payload: str, kind: str, limit: int) -> bytes:
    """Base64 text → bytes, refusing more than ``limit`` bytes before decoding."""
    if len(payload) > (limit * 4) // 3 + 8:
        raise ConfigError(f"the {kind} is larger than {limit // (1024 * 1024)} MB; send a smaller file")
    try:
        data = base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError) as e:
        raise ConfigError(f"the {kind} is neither a readable file nor valid base64 ({e})") from e
    if not data:
        raise ConfigError(f"the {kind} is empty")
    if len(data) > limit:
        raise ConfigError(f"the {kind} is larger than {limit // (1024 * 1024)} MB; send a smaller file")
    return data
