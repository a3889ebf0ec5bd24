"""check_encoder: the conformance check shipped for plugin authors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from xmr_agent.encoders.base import EncoderBase, normalise
from xmr_agent.errors import ModalityError, PluginError
from xmr_agent.testing import FakeEncoder, check_encoder


class RawEncoder:
    """A contract-shaped encoder with no help from EncoderBase; subclasses break one rule each."""

    name = "raw"
    modalities = frozenset({"text"})
    space = "raw:8"
    dim = 8

    def config(self) -> dict[str, Any]:
        return {}

    def vectors(self, items: list[Any], role: str) -> np.ndarray:
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        for row, item in enumerate(items):
            out[row, len(str(item)) % self.dim] = 1.0
            out[row, (len(str(item)) + 3) % self.dim] = 1.0
        return normalise(out)

    def encode(self, items: Any, *, modality: str, role: str) -> np.ndarray:
        if modality not in self.modalities:
            raise ModalityError(f"no {modality}")
        return self.vectors(list(items), role)


class WrongShape(RawEncoder):
    def vectors(self, items: list[Any], role: str) -> np.ndarray:
        return np.zeros((len(items), self.dim + 1), dtype=np.float32) + 1 / np.sqrt(self.dim + 1)


class NotNormalised(RawEncoder):
    def vectors(self, items: list[Any], role: str) -> np.ndarray:
        return super().vectors(items, role) * 3


class WrongDtype(RawEncoder):
    def vectors(self, items: list[Any], role: str) -> np.ndarray:
        return super().vectors(items, role).astype(np.float64)


class NoRefusal(RawEncoder):
    def encode(self, items: Any, *, modality: str, role: str) -> np.ndarray:
        return self.vectors(list(items), role)


class WrongRefusal(RawEncoder):
    def encode(self, items: Any, *, modality: str, role: str) -> np.ndarray:
        if modality != "text":
            raise ValueError("nope")
        return self.vectors(list(items), role)


class BatchDependent(RawEncoder):
    def vectors(self, items: list[Any], role: str) -> np.ndarray:
        return normalise(super().vectors(items, role) + 0.5 * len(items))


class NaNs(RawEncoder):
    def vectors(self, items: list[Any], role: str) -> np.ndarray:
        return np.full((len(items), self.dim), np.nan, dtype=np.float32)


class BadEmpty(RawEncoder):
    def vectors(self, items: list[Any], role: str) -> np.ndarray:
        return super().vectors(items, role) if items else np.zeros((0,), dtype=np.float32)


class BadStatics(RawEncoder):
    name = ""
    dim = 0
    modalities = frozenset({"text", "smell"})

    def config(self) -> dict[str, Any]:
        return {"path": object()}

    def vectors(self, items: list[Any], role: str) -> np.ndarray:
        return np.zeros((len(items), 0), dtype=np.float32)


class EverythingWrong(RawEncoder):
    """Wrong shape for documents, float64 and not normalised for queries, accepts any modality."""

    def encode(self, items: Any, *, modality: str, role: str) -> np.ndarray:
        items = list(items)
        if role == "document":
            return np.ones((len(items), self.dim * 2), dtype=np.float32)
        return np.ones((len(items), self.dim), dtype=np.float64)


@pytest.mark.parametrize("dim", [1, 16, 384])
def test_fake_encoder_passes(dim: int) -> None:
    check_encoder(FakeEncoder(dim))


def test_the_reference_raw_encoder_passes() -> None:
    check_encoder(RawEncoder())


@pytest.mark.parametrize(
    ("encoder", "problem"),
    [
        (WrongShape(), "expected an array of shape (3, 8), got (3, 9)"),
        (NotNormalised(), "text/document: vectors are not L2-normalised"),
        (WrongDtype(), "text/document: dtype must be float32, got float64"),
        (NoRefusal(), "must raise ModalityError"),
        (WrongRefusal(), "must raise ModalityError, got ValueError: nope"),
        (BatchDependent(), "a vector depends on the rest of its batch"),
        (NaNs(), "vectors contain NaN or inf"),
        (BadEmpty(), "encoding [] must give shape (0, 8)"),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else "rule",
)
def test_each_broken_rule_is_reported(encoder: Any, problem: str) -> None:
    with pytest.raises(PluginError) as caught:
        check_encoder(encoder)
    message = str(caught.value)
    assert message.startswith(f"{type(encoder).__qualname__} fails the encoder contract")
    assert problem in message


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(PluginError) as caught:
        check_encoder(EverythingWrong())
    problems = [line[2:] for line in str(caught.value).splitlines() if line.startswith("- ")]
    assert any("text/document: expected an array of shape (3, 8), got (3, 16)" in p for p in problems)
    assert any("text/query: dtype must be float32, got float64" in p for p in problems)
    assert any("text/query: vectors are not L2-normalised" in p for p in problems)
    assert any("must raise ModalityError" in p for p in problems)
    assert len(problems) >= 4


def test_static_attributes_are_checked() -> None:
    with pytest.raises(PluginError) as caught:
        check_encoder(BadStatics())
    message = str(caught.value)
    assert "name must be a non-empty string" in message
    assert "dim must be a positive int, got 0" in message
    assert "modalities must be a non-empty subset" in message and "smell" in message
    assert "config() must be JSON-serialisable" in message


def test_a_modality_without_samples_is_reported() -> None:
    class ImageToo(RawEncoder):
        modalities = frozenset({"text", "image"})

    with pytest.raises(PluginError, match=r"no samples for modality 'image'"):
        check_encoder(ImageToo())
    check_encoder(ImageToo(), samples={"image": ["a.jpg", "b.jpg"]})


def test_an_object_missing_the_contract_is_refused_before_encoding() -> None:
    class NoDim:
        name = "nodim"
        modalities = frozenset({"text"})
        space = "x"

        def config(self) -> dict[str, Any]:
            return {}

        def encode(self, items: Any, *, modality: str, role: str) -> np.ndarray:
            raise AssertionError("must not be called")

    with pytest.raises(PluginError, match="missing dim"):
        check_encoder(NoDim())


def test_encoder_base_validates_modality_role_and_empty_input() -> None:
    encoder = FakeEncoder(8)
    with pytest.raises(ModalityError, match="'image'"):
        encoder.encode(["x"], modality="image", role="query")
    with pytest.raises(ValueError, match="role must be"):
        encoder.encode(["x"], modality="text", role="passage")
    empty = encoder.encode([], modality="text", role="document")
    assert empty.shape == (0, 8) and empty.dtype == np.float32
    assert encoder.calls == 0  # nothing to embed: the model is never called


def test_fake_encoder_is_deterministic_and_word_based() -> None:
    a, b = FakeEncoder(), FakeEncoder()
    texts = ["a red bicycle", "a calm piano piece", "red bicycle wheels"]
    va = a.encode(texts, modality="text", role="document")
    vb = b.encode(texts, modality="text", role="document")
    np.testing.assert_array_equal(va, vb)
    np.testing.assert_allclose(np.linalg.norm(va, axis=1), 1.0, rtol=1e-5)
    assert va[0] @ va[2] > va[0] @ va[1]  # shared words → more similar
    assert a.calls == 1


def test_encoder_base_subclass_gets_normalised_float32() -> None:
    class Doubles(EncoderBase):
        name = "doubles"
        modalities = frozenset({"text"})
        space = "d"
        dim = 3

        def config(self) -> dict[str, Any]:
            return {}

        def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
            return np.array([[3.0, 4.0, 0.0]] * len(items), dtype=np.float64)

    out = Doubles().encode(["a", "b"], modality="text", role="query")
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.6, 0.8, 0.0]] * 2, rtol=1e-6)
    check_encoder(Doubles())
