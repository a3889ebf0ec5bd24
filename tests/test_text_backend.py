"""The `text` encoder's backends: how one is chosen, and that the choice never changes a table.

Real-weight checks (ONNX vectors against torch ones, no torch on the query path) are in
test_models.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import xmr_text
from xmr_agent.errors import ConfigError, EncoderUnavailable
from xmr_agent.model_files import has_sha256, write_checked
from xmr_agent.store.specs import VectorSpec
from xmr_text import BACKEND_ENV, DEFAULT_MODEL, SentenceTransformerEncoder


@pytest.fixture(autouse=True)
def no_backend_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BACKEND_ENV, raising=False)


@pytest.fixture
def onnx_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """As if the offline copy, ONNX Runtime and tokenizers were installed."""
    monkeypatch.setattr(xmr_text, "offline_folder", lambda model: tmp_path if model == DEFAULT_MODEL else None)
    monkeypatch.setattr(xmr_text, "runtime_installed", lambda: True)


def test_the_backend_is_not_stored_with_a_table() -> None:
    specs = [VectorSpec.build("text", SentenceTransformerEncoder(backend=b)) for b in ("auto", "onnx", "torch")]
    assert {(s.column, s.encoder, s.space, s.dim, str(s.config), s.target) for s in specs} == {(
        "vec__text__text", "text", f"sentence-transformers:{DEFAULT_MODEL}", 384,
        str({"model": DEFAULT_MODEL, "query_prefix": "", "document_prefix": ""}),
        "xmr_text:SentenceTransformerEncoder",
    )}


def test_an_unknown_backend_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="backend must be one of auto, onnx, torch"):
        SentenceTransformerEncoder(backend="tensorflow")


def test_the_environment_chooses_when_the_caller_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV, "torch")
    assert SentenceTransformerEncoder().backend == "torch"
    assert SentenceTransformerEncoder(backend="onnx").backend == "onnx"


@pytest.mark.usefixtures("onnx_installed")
def test_auto_picks_onnx_for_the_default_model_on_cpu() -> None:
    assert SentenceTransformerEncoder()._wants_onnx()
    assert not SentenceTransformerEncoder(backend="torch")._wants_onnx()
    assert not SentenceTransformerEncoder("some/other-model")._wants_onnx()
    assert not SentenceTransformerEncoder(device="cuda")._wants_onnx()


def test_auto_picks_torch_without_onnx_runtime(monkeypatch: pytest.MonkeyPatch, onnx_installed: None) -> None:
    monkeypatch.setattr(xmr_text, "runtime_installed", lambda: False)
    assert not SentenceTransformerEncoder()._wants_onnx()


@pytest.mark.usefixtures("onnx_installed")
def test_auto_falls_back_to_torch_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(self: SentenceTransformerEncoder) -> None:
        raise EncoderUnavailable("no ONNX file")

    monkeypatch.setattr(SentenceTransformerEncoder, "_load_onnx", unavailable)
    monkeypatch.setattr(SentenceTransformerEncoder, "_load_torch", lambda self: "the torch model")
    with pytest.warns(RuntimeWarning, match="no ONNX file"):
        assert SentenceTransformerEncoder().load() == "the torch model"
    with pytest.raises(EncoderUnavailable, match="no ONNX file"):
        SentenceTransformerEncoder(backend="onnx").load()


def test_the_onnx_backend_runs_only_the_offline_default_model() -> None:
    with pytest.raises(EncoderUnavailable, match="the ONNX backend runs sentence-transformers/all-MiniLM-L6-v2"):
        SentenceTransformerEncoder("some/other-model", backend="onnx").load()


def test_a_built_file_with_the_wrong_digest_is_never_written(tmp_path: Path) -> None:
    target = tmp_path / "model.onnx"
    with pytest.raises(ValueError, match="has sha256"):
        write_checked(target, b"not the model", "0" * 64, ValueError)
    assert list(tmp_path.iterdir()) == []
    write_checked(target, b"the model", hashlib.sha256(b"the model").hexdigest(), ValueError)
    assert target.read_bytes() == b"the model"


def test_a_checked_file_is_not_read_again_until_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "model.data"
    path.write_bytes(b"weights")
    digest = hashlib.sha256(b"weights").hexdigest()
    assert has_sha256(path, digest)
    assert (tmp_path / "model.data.sha256").read_text().startswith(digest)
    assert has_sha256(path, digest)
    path.write_bytes(b"weighty")
    assert not has_sha256(path, digest)
    assert not has_sha256(tmp_path / "absent", digest)
