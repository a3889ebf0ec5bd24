"""xmr-agent: cross-modal retrieval and recommendation over LanceDB.

Importing this package is cheap: each public name is imported from its module on first
access (PEP 562), and encoders load their frameworks (torch, transformers) on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xmr_agent.agent.pipeline import Agent, Answer, Recommendation
    from xmr_agent.agent.query import CrossModalQuery, Filter, SubQuery
    from xmr_agent.agent.session import Session, SessionStore
    from xmr_agent.encoders.base import Encoder, EncoderBase
    from xmr_agent.encoders.registry import EncoderInfo, get_encoder, list_encoders
    from xmr_agent.errors import (
        ConfigError,
        EncoderMismatch,
        EncoderNotFound,
        EncoderUnavailable,
        IngestError,
        InputError,
        LLMError,
        ModalityError,
        PluginError,
        PromptError,
        StoreError,
        StoreUnavailable,
        XmrError,
    )
    from xmr_agent.ingestion.backfill import BackfillReport, backfill
    from xmr_agent.ingestion.pipeline import ingest
    from xmr_agent.ingestion.readers import FieldMap
    from xmr_agent.prompts import Prompts
    from xmr_agent.recommend.signals import Signals
    from xmr_agent.store.catalog import Catalog
    from xmr_agent.store.specs import VectorSpec
    from xmr_agent.types import BadRecord, Hit, IngestReport

__version__ = "0.1.0"

_WHERE: dict[str, str] = {
    "Agent": "xmr_agent.agent.pipeline",
    "Answer": "xmr_agent.agent.pipeline",
    "CrossModalQuery": "xmr_agent.agent.query",
    "Filter": "xmr_agent.agent.query",
    "LLMError": "xmr_agent.errors",
    "PromptError": "xmr_agent.errors",
    "Prompts": "xmr_agent.prompts",
    "Recommendation": "xmr_agent.agent.pipeline",
    "SubQuery": "xmr_agent.agent.query",
    "Session": "xmr_agent.agent.session",
    "SessionStore": "xmr_agent.agent.session",
    "Signals": "xmr_agent.recommend.signals",
    "BackfillReport": "xmr_agent.ingestion.backfill",
    "BadRecord": "xmr_agent.types",
    "Catalog": "xmr_agent.store.catalog",
    "ConfigError": "xmr_agent.errors",
    "Encoder": "xmr_agent.encoders.base",
    "EncoderBase": "xmr_agent.encoders.base",
    "EncoderInfo": "xmr_agent.encoders.registry",
    "EncoderMismatch": "xmr_agent.errors",
    "EncoderNotFound": "xmr_agent.errors",
    "EncoderUnavailable": "xmr_agent.errors",
    "FieldMap": "xmr_agent.ingestion.readers",
    "Hit": "xmr_agent.types",
    "IngestError": "xmr_agent.errors",
    "IngestReport": "xmr_agent.types",
    "InputError": "xmr_agent.errors",
    "ModalityError": "xmr_agent.errors",
    "PluginError": "xmr_agent.errors",
    "StoreError": "xmr_agent.errors",
    "StoreUnavailable": "xmr_agent.errors",
    "VectorSpec": "xmr_agent.store.specs",
    "XmrError": "xmr_agent.errors",
    "backfill": "xmr_agent.ingestion.backfill",
    "get_encoder": "xmr_agent.encoders.registry",
    "ingest": "xmr_agent.ingestion.pipeline",
    "list_encoders": "xmr_agent.encoders.registry",
}

__all__ = [
    "Agent",
    "Answer",
    "BackfillReport",
    "BadRecord",
    "Catalog",
    "ConfigError",
    "CrossModalQuery",
    "Encoder",
    "EncoderBase",
    "EncoderInfo",
    "EncoderMismatch",
    "EncoderNotFound",
    "EncoderUnavailable",
    "FieldMap",
    "Filter",
    "Hit",
    "IngestError",
    "IngestReport",
    "InputError",
    "LLMError",
    "ModalityError",
    "PluginError",
    "PromptError",
    "Prompts",
    "Recommendation",
    "Session",
    "SessionStore",
    "Signals",
    "StoreError",
    "StoreUnavailable",
    "SubQuery",
    "VectorSpec",
    "XmrError",
    "__version__",
    "backfill",
    "get_encoder",
    "ingest",
    "list_encoders",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'xmr_agent' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
