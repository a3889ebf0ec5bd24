"""How a vector column was built (:class:`VectorSpec`), and where the specs live in a table's metadata.

The table's schema metadata holds the specs it was created with (the basis of content hashes);
a column added later by a backfill carries its spec in its own field metadata, and a replaced one
is marked retired there."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pyarrow as pa

from xmr_agent.encoders.base import Encoder
from xmr_agent.encoders.registry import get_encoder, list_encoders
from xmr_agent.errors import EncoderMismatch, StoreError

META_KEY = b"xmr_agent"
#: Field metadata: the spec of a column added after the table was made (JSON).
FIELD_SPEC_KEY = "xmr_agent"
#: Field metadata: the spec of a column being filled and not searchable yet.
FIELD_PENDING_KEY = "xmr_agent:pending"
#: Field metadata: the column that replaced this one (no longer searched).
FIELD_RETIRED_KEY = "xmr_agent:retired"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class VectorSpec:
    """How one vector column was built: which field, by which encoder, in which space."""

    column: str
    field: str
    encoder: str
    config: dict[str, Any]
    space: str
    dim: int
    modality: str
    target: str = ""

    @classmethod
    def build(cls, field: str, encoder: Encoder, modality: str = "text") -> VectorSpec:
        column = f"vec__{field}__{re.sub(r'[^0-9A-Za-z]+', '_', encoder.name)}"
        target = f"{type(encoder).__module__}:{type(encoder).__qualname__}"
        return cls(column, field, encoder.name, encoder.config(), encoder.space, encoder.dim, modality, target)


def check_same_space(spec: VectorSpec, encoder: Encoder) -> None:
    """Refuse ``encoder`` for ``spec``'s column unless it embeds into the same space and dim."""
    if encoder.space != spec.space or encoder.dim != spec.dim:
        raise EncoderMismatch(
            f"column {spec.column!r} was indexed with encoder {spec.encoder!r} "
            f"(space {spec.space!r}, dim {spec.dim}); the query encoder {encoder.name!r} has "
            f"space {encoder.space!r}, dim {encoder.dim}. Search with the indexed encoder "
            "(omit the encoder option) or re-ingest into a new table"
        )


def build_encoder(spec: VectorSpec, **extra: Any) -> Encoder:
    """The encoder that built a column, from its spec (a registered name, else its class path)."""
    registered = {info.name for info in list_encoders()}
    name = spec.encoder if spec.encoder in registered or not spec.target else spec.target
    encoder = get_encoder(name, **spec.config, **extra)
    check_same_space(spec, encoder)
    return encoder


def read_vector_specs(schema: pa.Schema, name: str = "") -> list[VectorSpec]:
    """The searchable vector columns: the schema metadata's specs whose column is there and not
    retired, then the columns added later (a spec in their field metadata)."""
    names = set(schema.names)
    basis = [v for v in read_hash_basis(schema, name) if v.column in names and not field_meta(schema, v.column,
                                                                                               FIELD_RETIRED_KEY)]
    added = [VectorSpec(**json.loads(raw)) for f in schema
             if (raw := field_meta(schema, f.name, FIELD_SPEC_KEY)) and not field_meta(schema, f.name,
                                                                                             FIELD_RETIRED_KEY)]
    return basis + [v for v in added if v.column not in {b.column for b in basis}]


def read_hash_basis(schema: pa.Schema, name: str = "") -> list[VectorSpec]:
    """The vector specs in a table's schema metadata (those it was created with)."""
    raw = (schema.metadata or {}).get(META_KEY)
    if raw is None:
        raise StoreError(f"table {name!r} was not written by xmr-agent (no {META_KEY.decode()} metadata)")
    meta = json.loads(raw)
    if meta.get("format", 0) > FORMAT_VERSION:
        raise StoreError(f"table {name!r} has format {meta['format']}; upgrade xmr-agent to read it")
    return [VectorSpec(**v) for v in meta["vectors"]]


def field_meta(schema: pa.Schema, column: str, key: str) -> str | None:
    """A value of ``column``'s field metadata (None when absent)."""
    index = schema.get_field_index(column)
    if index < 0:
        return None
    raw = (schema.field(index).metadata or {}).get(key.encode())
    return None if raw is None else raw.decode()


def spec_json(spec: VectorSpec) -> str:
    """``spec`` as the JSON kept in a column's field metadata."""
    return json.dumps(asdict(spec), sort_keys=True)


def dump_meta(vectors: Sequence[VectorSpec]) -> bytes:
    return json.dumps({"format": FORMAT_VERSION, "vectors": [asdict(v) for v in vectors]}).encode()
