"""Where a batch is encoded: :class:`LocalEngine` (this process, the default) or a Ray cluster
(:class:`xmr_agent.ingestion.ray.RayEngine`); every engine takes prepared batches and gives them back
in order with their vector columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pyarrow.compute  # noqa: F401 - pa.compute

from xmr_agent.errors import ConfigError
from xmr_agent.ingestion.embedding import Embedded, PreparedStream, with_vectors
from xmr_agent.store.catalog import Catalog


class Engine(Protocol):
    """Adds the vector columns to prepared batches (here, or on a cluster)."""

    def embed(self, catalog: Catalog, batches: PreparedStream) -> Iterator[Embedded]: ...


class LocalEngine:
    """Encodes in this process, one batch at a time (the default)."""

    def embed(self, catalog: Catalog, batches: PreparedStream) -> Iterator[Embedded]:
        return embed_locally(catalog, batches)


def embed_locally(catalog: Catalog, batches: PreparedStream) -> Iterator[Embedded]:
    """The local engine: each batch encoded here when it arrives."""
    for batch in batches:
        if batch is None:
            continue
        if not batch.rows.num_rows:
            yield batch, batch.rows, {}
            continue
        embedded, rejected = with_vectors(batch.rows, catalog, batch.reuse)
        yield batch, embedded, rejected


def get_engine(engine: str | Engine) -> Engine:
    """An engine by name (``local``, ``ray``), or the instance given."""
    if not isinstance(engine, str):
        return engine
    if engine == "local":
        return LocalEngine()
    if engine == "ray":
        from xmr_agent.ingestion.ray import RayEngine

        return RayEngine()
    raise ConfigError(f"unknown engine {engine!r}: use 'local' or 'ray'")
