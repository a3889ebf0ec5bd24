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

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from xmr_agent.errors import XmrError
from xmr_agent.integrations import (
    AskArgs,
    DescribeArgs,
    RecommendArgs,
    SearchArgs,
    XmrTools,
    answer_card,
    hit_card,
    to_json,
)

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
        from xmr_agent.store import Catalog

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
    tools = target if isinstance(target, XmrTools) else XmrTools(target, interactions=interactions,
                                                                   media_roots=media_roots)

    def search(**args: Any) -> tuple[str, list[dict[str, Any]]]:
        hits = tools.search(**SearchArgs(**args).model_dump())
        return to_json([hit_card(h) for h in hits]), [h.to_dict() for h in hits]

    def ask(**args: Any) -> tuple[str, dict[str, Any]]:
        a = AskArgs(**args)
        answer = tools.ask(a.request, image=a.image, audio=a.audio, k=a.k, exclude_ids=a.exclude_ids,
                           seed_ids=a.seed_ids)
        return to_json(answer_card(answer)), answer.to_dict()

    def recommend(**args: Any) -> tuple[str, dict[str, Any]]:
        a = RecommendArgs(**args)
        answer = tools.recommend(a.user, liked_ids=a.liked_ids, k=a.k)
        return to_json(answer_card(answer)), answer.to_dict()

    def describe_item(item_id: str) -> tuple[str, dict[str, Any]]:
        item = tools.describe_item(item_id)
        return to_json(item), item

    made = [_tool(search, "xmr_search", SearchArgs), _tool(ask, "xmr_ask", AskArgs),
            _tool(recommend, "xmr_recommend", RecommendArgs)]
    return made + [_tool(describe_item, "xmr_describe_item", DescribeArgs)] if describe else made


def _tool(fn: Callable[..., Any], name: str, schema: type[BaseModel]) -> StructuredTool:
    def run(**args: Any) -> Any:
        try:
            return fn(**args)
        except XmrError as e:
            raise ToolException(f"{type(e).__name__}: {e}") from e

    return StructuredTool.from_function(func=run, name=name, description=(schema.__doc__ or "").strip(),
                                        args_schema=schema, response_format="content_and_artifact",
                                        handle_tool_error=True)
