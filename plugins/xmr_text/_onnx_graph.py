"""A sentence-transformers BERT model (Transformer + mean pooling) as one fp32 ONNX graph.

The graph is written from the model's own ``config.json`` and ``model.safetensors`` with standard
ONNX operators (opset 17): embeddings, ``num_hidden_layers`` encoder layers (attention, exact
erf GELU, LayerNormalization) and mean pooling over the attention mask. Inputs are ``input_ids``
and ``attention_mask`` (int64, ``[batch, sequence]``); the output ``sentence_embedding``
(``[batch, hidden]``) is not normalised. Token types are all 0, as sentence-transformers sends.

The weights are the same float32 numbers torch runs, so the vectors match the
sentence-transformers ones to float rounding. They are kept in a data file beside the graph
(ONNX external data), which ONNX Runtime loads several times faster than weights inside the graph.
Building needs ``onnx`` and ``safetensors`` (once: the result is cached by :mod:`xmr_text._onnx`);
serialisation is deterministic, so both files' sha256 are fixed for given weights and this code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

#: The IR version and opset written into the graph (fixed, so the bytes do not depend on the
#: installed onnx version).
IR_VERSION = 8
OPSET = 17
#: Tensors of at least this many bytes go to the data file, each at an offset that is a multiple
#: of ALIGN (so ONNX Runtime can map them from the file instead of parsing and copying them).
EXTERNAL_MIN_BYTES = 4096
ALIGN = 65536


class _Graph:
    """Nodes and initializers collected while the layers are written."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        from onnx import helper

        self.helper = helper
        self.weights = weights
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []

    def const(self, name: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def weight(self, name: str, *, transpose: bool = False) -> str:
        value = self.weights[name]
        return self.const(name, value.T if transpose else value)

    def op(self, op_type: str, inputs: list[str], output: str | None = None, **attributes: Any) -> str:
        out = output or f"{op_type.lower()}_{len(self.nodes)}"
        self.nodes.append(self.helper.make_node(op_type, inputs, [out], **attributes))
        return out

    def linear(self, x: str, prefix: str) -> str:
        product = self.op("MatMul", [x, self.weight(f"{prefix}.weight", transpose=True)])
        return self.op("Add", [product, self.weight(f"{prefix}.bias")])

    def layer_norm(self, x: str, prefix: str, eps: float) -> str:
        return self.op("LayerNormalization", [x, self.weight(f"{prefix}.weight"), self.weight(f"{prefix}.bias")],
                       axis=-1, epsilon=eps)


def build_bert_onnx(folder: Path, data_file: str) -> tuple[bytes, bytes]:
    """The ONNX model of the sentence-transformers BERT model in ``folder``: (the serialised graph,
    the contents of the weights file it names ``data_file``, to be written beside it)."""
    import onnx
    from onnx import TensorProto
    from safetensors.numpy import load_file

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    weights = {_strip(k): v for k, v in load_file(str(folder / "model.safetensors")).items()}
    g = _Graph(weights)
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    eps = float(config.get("layer_norm_eps", 1e-12))
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    x = _embeddings(g, eps)
    bias = _attention_bias(g, mask)
    _layer_constants(g, hidden, heads)
    for i in range(int(config["num_hidden_layers"])):
        x = _encoder_layer(g, x, bias, f"encoder.layer.{i}", eps)
    _mean_pool(g, x, mask, "sentence_embedding")
    graph = onnx.helper.make_graph(
        g.nodes, "sentence_transformer",
        [onnx.helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
         for name in ("input_ids", "attention_mask")],
        [onnx.helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden])],
        g.initializers,
    )
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", OPSET)],
                                   producer_name="xmr-agent", ir_version=IR_VERSION)
    onnx.checker.check_model(model)
    data = _externalize(model, data_file)
    return bytes(model.SerializeToString()), data


def _externalize(model: Any, location: str) -> bytes:
    """Move the large initializers of ``model`` out to one aligned buffer (returned), leaving
    references to ``location`` in their place."""
    from onnx import TensorProto
    from onnx.external_data_helper import set_external_data

    data = bytearray()
    for tensor in model.graph.initializer:
        raw = tensor.raw_data
        if len(raw) < EXTERNAL_MIN_BYTES:
            continue
        data.extend(bytes(-len(data) % ALIGN))
        set_external_data(tensor, location, len(data), len(raw))
        data.extend(raw)
        tensor.ClearField("raw_data")
        tensor.data_location = TensorProto.EXTERNAL
    return bytes(data)


def _strip(name: str) -> str:
    """``bert.encoder...`` and ``encoder...`` name the same weight (checkpoints differ)."""
    return name.removeprefix("bert.")


def _embeddings(g: _Graph, eps: float) -> str:
    """Word + position + token-type-0 embeddings, layer-normalised."""
    length = g.op("Shape", ["input_ids"], start=1, end=2)
    positions = g.op("Slice", [g.weight("embeddings.position_embeddings.weight"),
                               g.const("zero_1d", np.array([0], np.int64)), length,
                               g.const("axis0_1d", np.array([0], np.int64))])
    words = g.op("Gather", [g.weight("embeddings.word_embeddings.weight"), "input_ids"])
    token_type = g.const("embeddings.token_type_embeddings.row0",
                         g.weights["embeddings.token_type_embeddings.weight"][0])
    summed = g.op("Add", [g.op("Add", [words, positions]), token_type])
    return g.layer_norm(summed, "embeddings.LayerNorm", eps)


def _attention_bias(g: _Graph, mask: str) -> str:
    """0 where a token is attended to, -1e9 at padding: ``[batch, 1, 1, sequence]``."""
    expanded = g.op("Unsqueeze", [mask, g.const("axes_1_2", np.array([1, 2], np.int64))])
    g.const("one", np.array(1.0, np.float32))
    padding = g.op("Sub", ["one", expanded])
    return g.op("Mul", [padding, g.const("minus_big", np.array(-1e9, np.float32))])


def _layer_constants(g: _Graph, hidden: int, heads: int) -> None:
    """Shapes and scalars every encoder layer shares."""
    g.const("split_heads", np.array([0, 0, heads, hidden // heads], np.int64))
    g.const("merge_heads", np.array([0, 0, hidden], np.int64))
    g.const("scale", np.array(1.0 / np.sqrt(hidden // heads), np.float32))
    g.const("half", np.array(0.5, np.float32))
    g.const("sqrt2", np.array(np.sqrt(2.0), np.float32))


def _encoder_layer(g: _Graph, x: str, bias: str, prefix: str, eps: float) -> str:
    """One post-norm BERT layer: self-attention, then the GELU feed-forward."""
    def split(name: str, perm: list[int]) -> str:
        return g.op("Transpose", [g.op("Reshape", [g.linear(x, f"{prefix}.attention.self.{name}"), "split_heads"])],
                    perm=perm)

    query, key, value = split("query", [0, 2, 1, 3]), split("key", [0, 2, 3, 1]), split("value", [0, 2, 1, 3])
    scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [query, key]), "scale"]), bias])
    context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), value])
    merged = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), "merge_heads"])
    attended = g.op("Add", [g.linear(merged, f"{prefix}.attention.output.dense"), x])
    x = g.layer_norm(attended, f"{prefix}.attention.output.LayerNorm", eps)
    inner = g.linear(x, f"{prefix}.intermediate.dense")
    erf = g.op("Erf", [g.op("Div", [inner, "sqrt2"])])
    gelu = g.op("Mul", [inner, g.op("Mul", [g.op("Add", [erf, "one"]), "half"])])
    out = g.op("Add", [g.linear(gelu, f"{prefix}.output.dense"), x])
    return g.layer_norm(out, f"{prefix}.output.LayerNorm", eps)


def _mean_pool(g: _Graph, x: str, mask: str, output: str) -> str:
    """The mean of the token vectors over the attention mask."""
    weights = g.op("Unsqueeze", [mask, g.const("axes_2", np.array([2], np.int64))])
    axis = g.const("axes_1", np.array([1], np.int64))
    summed = g.op("ReduceSum", [g.op("Mul", [x, weights]), axis], keepdims=0)
    count = g.op("Max", [g.op("ReduceSum", [weights, axis], keepdims=0), g.const("tiny", np.array(1e-9, np.float32))])
    return g.op("Div", [summed, count], output)
