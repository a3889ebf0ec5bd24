"""Encoders the Ray tests hand to Ray workers (importable there: the tests put this folder on their path)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from xmr_agent.errors import InputError
from xmr_agent.testing import FakeEncoder


class PickyEncoder(FakeEncoder):
    """A FakeEncoder that rejects inputs containing ``REJECT`` (an :class:`InputError`, reported per
    item) and crashes on a batch with an input containing ``EXPLODE`` (any other error: the run stops)."""

    name: ClassVar[str] = "picky"

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        if any("EXPLODE" in str(item) for item in items):
            raise RuntimeError("the encoder crashed on purpose")
        rejected = {i: "no REJECT allowed" for i, item in enumerate(items) if "REJECT" in str(item)}
        if rejected:
            raise InputError(rejected)
        return super()._encode(items, modality, role)
