"""LangChain: a retriever over a catalogue and the agent's tools (``pip install 'xmr-agent[langchain]'``).

    from langchain.agents import create_agent
    from xmr_agent.integrations.langchain import XmrRetriever, make_tools

    retriever = XmrRetriever.open(".xmr", "catalog", k=4, where="price < 20")
    docs = retriever.invoke("calm piano music")          # Documents: title + text, metadata per item
    agent = create_agent(chat_model, make_tools(Catalog.open(".xmr", "catalog")))

The tools are ``xmr_search``, ``xmr_ask`` and ``xmr_recommend`` (plus ``xmr_describe_item``):
typed pydantic arguments, compact JSON for the model to read, and the full results as the tool
message's ``artifact``. xmr-agent errors come back as the tool's answer (so the model can
correct itself) instead of ending the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict

from xmr_agent.errors import XmrError
from xmr_agent.integrations.tools import ToolSpec, XmrTools, tool_specs

try:
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.tools import BaseTool, StructuredTool, ToolException
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("the LangChain integration needs LangChain: pip install 'xmr-agent[langchain]'") from e

__all__ = ["XmrRetriever", "hit_document", "make_tools"]


class XmrRetriever(BaseRetriever):
    """Catalogue items as LangChain ``Document``\\ s: ``page_content`` is the title and text;
    ``metadata`` holds ``id``, ``score``, ``scores`` (per search), every other item field, and
    the ``image`` / ``audio`` paths. ``modality="image"`` takes a photo path as the query."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    catalog: Any
    k: int = 4
    where: str | None = None
    hybrid: bool = False
    modality: Literal["text", "image"] = "text"

    @classmethod
    def open(cls, db: str | Path, table: str, **fields: Any) -> XmrRetriever:
        from xmr_agent.store.catalog import Catalog

        return cls(catalog=Catalog.open(db, table), **fields)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.catalog.search(query, k=self.k, where=self.where, hybrid=self.hybrid, modality=self.modality)
        return [hit_document(h) for h in hits]


def hit_document(hit: Any) -> Document:
    """One :class:`~xmr_agent.types.Hit` as a ``Document`` (id = item id)."""
    item = hit.item
    content = "\n".join(str(item.get(f)) for f in ("title", "text") if item.get(f))
    metadata = {"id": hit.id, "score": float(hit.score), "scores": dict(hit.scores),
                "image": item.get("image"), "audio": item.get("audio"),
                **{k: v for k, v in item.items() if k not in ("id", "text")}}
    return Document(id=hit.id, page_content=content, metadata=metadata)


def make_tools(target: Any, *, interactions: Any = None, media_roots: Sequence[str | Path] | None = None,
               describe: bool = True) -> list[BaseTool]:
    """The agent's tools for ``target``: a Catalog, an Agent, or :class:`XmrTools`.

    ``interactions`` (a JSONL log or events) lets ``xmr_recommend`` take a user id;
    ``media_roots`` limits which folders image/audio paths may come from (base64 always works).
    """
    from xmr_agent.assembly import build_tools

    tools = target if isinstance(target, XmrTools) else build_tools(target, interactions=interactions,
                                                                      media_roots=media_roots)
    return [_tool(spec) for spec in tool_specs(tools, describe=describe)]


def _tool(spec: ToolSpec) -> StructuredTool:
    def run(**args: Any) -> tuple[str, Any]:
        try:
            return spec.run(**args)
        except XmrError as e:  # handle_tool_error turns it into the tool's answer for the model
            raise ToolException(f"{type(e).__name__}: {e}") from e

    return StructuredTool.from_function(func=run, name=spec.name, description=(spec.args.__doc__ or "").strip(),
                                        args_schema=spec.args, response_format="content_and_artifact",
                                        handle_tool_error=True)
