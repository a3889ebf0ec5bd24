"""Importing open_clip, registering JSON model configs, checking checkpoints, building models.

Everything heavy (torch, torchvision, open_clip) is imported inside these functions, on first
use, and every failure becomes an :class:`~xmr_agent.errors.EncoderUnavailable` that says how
to fix it: install the ``clip`` extra, match torchvision to torch, reach the hub or give a file.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xmr_agent.errors import ConfigError, EncoderUnavailable
from xmr_agent.model_files import sha256_file

from ._pixels import Pixels

EXTRA_HINT = "pip install 'xmr-agent[clip]'"
CHECKPOINT_SUFFIXES = (".pt", ".pth", ".bin", ".safetensors", ".npz")
#: Random initialisation is seeded, so a table built with random weights reopens with the same model.
RANDOM_SEED = 0

_lock = threading.Lock()
_digests: dict[tuple[Path, int, int], str] = {}


def import_open_clip() -> Any:
    """The ``open_clip`` module, or :class:`EncoderUnavailable` naming the ``clip`` extra."""
    try:
        import open_clip
    except ImportError as e:
        raise EncoderUnavailable(
            f"the CLIP encoder needs open_clip, which cannot be imported ({e}). Install it with: {EXTRA_HINT}"
        ) from e
    except Exception as e:  # noqa: BLE001 - e.g. a torchvision built for another torch
        raise EncoderUnavailable(
            f"open_clip failed to import ({type(e).__name__}: {e}). This usually means torchvision does "
            "not match the installed torch (torch 2.14.1 needs torchvision 0.29.1; a CPU-only torch needs "
            f"a CPU torchvision). Reinstall both together, then: {EXTRA_HINT}"
        ) from e
    return open_clip


def is_checkpoint_path(pretrained: str) -> bool:
    """Whether ``pretrained`` names a file (a path or a checkpoint suffix) rather than a hub tag."""
    return (
        "/" in pretrained or "\\" in pretrained or pretrained.startswith("~")
        or pretrained.lower().endswith(CHECKPOINT_SUFFIXES) or Path(pretrained).is_file()
    )


def sha256_of(path: Path) -> str:
    """The file's sha256, computed once per process for a given path, size and mtime."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise EncoderUnavailable(
            f"CLIP checkpoint not found at {path}: expected an open_clip checkpoint file "
            f"({', '.join(CHECKPOINT_SUFFIXES)}), or a hub tag such as pretrained='laion2b_s34b_b79k'"
        ) from None
    except OSError as e:
        raise EncoderUnavailable(f"cannot read the CLIP checkpoint at {path}: {e}") from e
    if not path.is_file():
        raise EncoderUnavailable(f"CLIP checkpoint {path} is not a file (expected one of {CHECKPOINT_SUFFIXES})")
    key = (path.resolve(), stat.st_size, stat.st_mtime_ns)
    with _lock:
        if key not in _digests:
            _digests[key] = sha256_file(path)
        return _digests[key]


def read_model_config(path: Path, model: str) -> dict[str, Any]:
    """The JSON model config at ``path``, checked to be an open_clip config named ``model``."""
    if path.stem != model:
        raise ConfigError(
            f"open_clip names a model config after its file: {path.name} defines {path.stem!r}, but "
            f"model={model!r}. Pass model={path.stem!r} or rename the file to {model}.json"
        )
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EncoderUnavailable(f"open_clip model config not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise EncoderUnavailable(f"cannot read the open_clip model config {path}: {e}") from e
    missing = [k for k in ("embed_dim", "vision_cfg", "text_cfg") if not isinstance(config, dict) or k not in config]
    if missing:
        raise EncoderUnavailable(
            f"{path} is not an open_clip model config: it lacks {', '.join(missing)} "
            "(see open_clip/model_configs/*.json for the format)"
        )
    return config


def embed_dim(model: str, config_file: Path | None) -> int:
    """The model's ``embed_dim`` from its JSON config, read without importing open_clip (or torch)
    for a given config file, a ``local-dir:`` folder or a built-in model; others ask open_clip."""
    if config_file is not None:
        return int(read_model_config(config_file, model)["embed_dim"])
    path = _local_config_file(model)
    if path is not None:
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
            return int(config.get("model_cfg", config)["embed_dim"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise EncoderUnavailable(f"cannot read embed_dim of {model!r} from {path}: {e}") from e
    return int(model_config(model, None)["embed_dim"])


def _local_config_file(model: str) -> Path | None:
    """The JSON config of a ``local-dir:`` model or of an open_clip built-in, found without importing it."""
    if model.startswith("local-dir:"):
        return Path(model.removeprefix("local-dir:")).expanduser() / "open_clip_config.json"
    try:
        spec = importlib.util.find_spec("open_clip")
    except (ImportError, ValueError):  # ValueError: blocked or half-imported
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "model_configs" / f"{model.replace('/', '-')}.json"
        if path.is_file():
            return path
    return None


def model_config(model: str, config_file: Path | None) -> dict[str, Any]:
    """The architecture of ``model``: registered from ``config_file`` when given, else built in.

    ``local-dir:`` models read their folder's ``open_clip_config.json``; ``hf-hub:`` models
    fetch it from the hub (users have the internet; here it fails with a clear error).
    """
    open_clip = import_open_clip()
    if config_file is not None:
        wanted = read_model_config(config_file, model)
        with _lock:
            if open_clip.get_model_config(model) != wanted:
                open_clip.add_model_config(config_file)  # the last registered file of a name wins
        return wanted
    try:
        found = open_clip.get_model_config(model)
    except Exception as e:  # noqa: BLE001 - hub or file errors from open_clip
        raise EncoderUnavailable(f"cannot read the open_clip config of {model!r}: {type(e).__name__}: {e}") from e
    if found is None:
        raise ConfigError(
            f"open_clip has no model {model!r}; built-in models include ViT-B-32, ViT-B-16, ViT-L-14 "
            "(open_clip.list_models() lists all), or pass model_config='/path/NAME.json'"
        )
    return found


@dataclass(frozen=True)
class Loaded:
    """A model in eval mode with its image transform (whole, and split as :class:`Pixels`) and tokenizer."""

    model: Any
    preprocess: Any
    pixels: Pixels
    tokenizer: Any


def build(model: str, pretrained: str | None, *, config_file: Path | None, device: str) -> Loaded:
    """Create the model (weights from a hub tag, a local file, or seeded random), transform, tokenizer."""
    open_clip = import_open_clip()
    import torch

    model_config(model, config_file)  # registers the JSON config, or checks the name exists
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(RANDOM_SEED)
            net, _, preprocess = open_clip.create_model_and_transforms(
                model, pretrained=pretrained, device=device, weights_only=True,
                pretrained_image=False, pretrained_text=False,  # no tower downloads beside the CLIP weights
            )
        tokenizer = open_clip.get_tokenizer(model)
    except Exception as e:  # noqa: BLE001 - open_clip raises RuntimeError/OSError/ValueError alike
        raise EncoderUnavailable(_load_failure(model, pretrained, e)) from e
    return Loaded(net.eval(), preprocess, Pixels.of(preprocess), tokenizer)


def _load_failure(model: str, pretrained: str | None, error: Exception) -> str:
    reason = f"{type(error).__name__}: {error}"
    if pretrained is None:
        return f"cannot build the open_clip model {model!r} with random weights: {reason}"
    if is_checkpoint_path(pretrained):
        return (f"cannot load the CLIP checkpoint {pretrained} into {model!r}: {reason}. The file must be an "
                f"open_clip (or OpenAI CLIP) state dict for that architecture; pass the matching model=")
    return (f"cannot load open_clip {model!r} weights {pretrained!r}: {reason}. Hub tags are downloaded on "
            "first use (check the network, or HF_HUB_OFFLINE); offline, download the checkpoint once and "
            "pass pretrained='/path/to/open_clip_model.safetensors'")
