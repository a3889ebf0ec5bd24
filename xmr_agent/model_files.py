"""Writing model files safely: concatenate parts (or write built bytes) into one file atomically,
checked by sha256; and the cache folder they go to.

Weight packages on PyPI sometimes split one file into parts, and some models are converted once
(a sentence-transformers model into an ONNX graph); a plugin writes the result once into a cache
folder. The file appears under its name only when complete and correct: a crash leaves no half
file, and a wrong digest leaves nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path


def cache_root() -> Path:
    """``$XMR_AGENT_CACHE``, else ``$XDG_CACHE_HOME/xmr-agent``, else ``~/.cache/xmr-agent``."""
    if os.environ.get("XMR_AGENT_CACHE"):
        return Path(os.environ["XMR_AGENT_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "xmr-agent"


def write_checked(target: Path, data: bytes, expected: str, error: Callable[[str], Exception]) -> None:
    """Write ``data`` to ``target`` atomically; raise ``error(message)`` (leaving ``target``
    untouched) if its sha256 is not ``expected``."""
    found = hashlib.sha256(data).hexdigest()
    if found != expected:
        raise error(f"the built {target.name} has sha256 {found}, expected {expected}")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        chmod_default(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def concatenate_checked(target: Path, sources: Sequence[Path], expected: str,
                        error: Callable[[str], Exception]) -> None:
    """Write ``sources`` one after another to ``target``; raise ``error(message)`` if a source is
    missing or the result's sha256 is not ``expected`` (``target`` is then left untouched)."""
    for source in sources:
        if not source.is_file():
            raise error(f"{source} is missing")
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for source in sources:
                with source.open("rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != expected:
            raise error(f"{' + '.join(s.name for s in sources)} give sha256 {digest.hexdigest()} for "
                        f"{target.name}, expected {expected}")
        chmod_default(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def has_sha256(path: Path, expected: str) -> bool:
    """Whether ``path`` exists with sha256 ``expected``. A file checked before and unchanged since
    (same size, modification time and inode, noted in ``NAME.sha256`` beside it) is not read again."""
    stamp = path.with_name(f"{path.name}.sha256")
    try:
        info = path.stat()
    except OSError:
        return False
    key = f"{expected} {info.st_size} {info.st_mtime_ns} {info.st_ino}"
    with contextlib.suppress(OSError):
        if stamp.read_text(encoding="ascii") == key:
            return True
    if sha256_file(path) != expected:
        return False
    with contextlib.suppress(OSError):  # a read-only cache is checked each time instead
        stamp.write_text(key, encoding="ascii")
    return True


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file."""
    with Path(path).open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def chmod_default(path: str | Path) -> None:
    """Give a ``mkstemp`` file (mode 0600) the mode of an ordinary readable file (0644). Reading the
    umask would mean setting it, which races with other threads of a server."""
    os.chmod(path, 0o644)
