"""LlamaIndex: a retriever over a catalogue and the agent's tools (``pip install 'xmr-agent[llamaindex]'``).

    from llama_index.core.agent.workflow import FunctionAgent
    from xmr_agent.integrations.llamaindex import XmrLlamaRetriever, make_tools

    retriever = XmrLlamaRetriever.open(".xmr", "catalog", k=4)
    nodes = retriever.retrieve("calm piano music")       # NodeWithScore: TextNode, or ImageNode
    agent = FunctionAgent(tools=make_tools(Catalog.open(".xmr", "catalog")), llm=llm)

Items with an image come back as ``ImageNode`` (``image_path`` set) so multi-modal LLMs and
query engines can use the picture; the others as ``TextNode``. The node id is the item id.
A ``QueryBundle`` with an ``image_path`` and no words searches by the photo.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xmr_agent.errors import XmrError
from xmr_agent.integrations.tools import ToolSpec, XmrTools, tool_specs

try:
    from llama_index.core.callbacks import CallbackManager
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import ImageNode, NodeWithScore, QueryBundle, TextNode
    from llama_index.core.tools import FunctionTool, ToolOutput
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("the LlamaIndex integration needs llama-index-core: pip install 'xmr-agent[llamaindex]'") from e

__all__ = ["XmrLlamaRetriever", "hit_node", "make_tools"]


class XmrLlamaRetriever(BaseRetriever):
    """Catalogue items as ``NodeWithScore``: title and text as the node text; id, score,
    per-search scores and every other item field as metadata."""

    def __init__(self, catalog: Any, *, k: int = 4, where: str | None = None, hybrid: bool = False,
                 image_nodes: bool = True, callback_manager: CallbackManager | None = None) -> None:
        self.catalog, self.k, self.where, self.hybrid, self.image_nodes = catalog, k, where, hybrid, image_nodes
        super().__init__(callback_manager=callback_manager)

    @classmethod
    def open(cls, db: str | Path, table: str, **options: Any) -> XmrLlamaRetriever:
        from xmr_agent.store.catalog import Catalog

        return cls(Catalog.open(db, table), **options)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        words = query_bundle.query_str.strip()
        if query_bundle.image_path and not words:
            hits = self.catalog.search(query_bundle.image_path, k=self.k, where=self.where, modality="image")
        else:
            hits = self.catalog.search(words, k=self.k, where=self.where, hybrid=self.hybrid)
        return [hit_node(h, image_nodes=self.image_nodes) for h in hits]


def hit_node(hit: Any, *, image_nodes: bool = True) -> NodeWithScore:
    """One :class:`~xmr_agent.types.Hit` as a ``NodeWithScore`` (an ``ImageNode`` when the item
    has an image file and ``image_nodes``)."""
    item = hit.item
    text = "\n".join(str(item.get(f)) for f in ("title", "text") if item.get(f))
    metadata = {"id": hit.id, "score": float(hit.score), "scores": dict(hit.scores),
                **{k: v for k, v in item.items() if k not in ("id", "text") and v is not None}}
    image = item.get("image")
    if image_nodes and image and not str(image).startswith(("http://", "https://")):
        node: TextNode = ImageNode(id_=hit.id, text=text, image_path=str(image), metadata=metadata)
    elif image_nodes and image:
        node = ImageNode(id_=hit.id, text=text, image_url=str(image), metadata=metadata)
    else:
        node = TextNode(id_=hit.id, text=text, metadata=metadata)
    node.excluded_embed_metadata_keys = list(metadata)  # the text is what describes the item
    node.excluded_llm_metadata_keys = ["scores"]
    return NodeWithScore(node=node, score=float(hit.score))


def make_tools(target: Any, *, interactions: Any = None, media_roots: Sequence[str | Path] | None = None,
               describe: bool = True) -> list[FunctionTool]:
    """``FunctionTool``\\ s ``xmr_search``, ``xmr_ask``, ``xmr_recommend`` (and
    ``xmr_describe_item``) for ``target``: a Catalog, an Agent, or :class:`XmrTools`.
    Each returns compact JSON for the LLM; ``ToolOutput.raw_output`` holds the full result."""
    from xmr_agent.assembly import build_tools

    tools = target if isinstance(target, XmrTools) else build_tools(target, interactions=interactions,
                                                                      media_roots=media_roots)
    return [_tool(spec) for spec in tool_specs(tools, describe=describe)]


def _tool(spec: ToolSpec) -> FunctionTool:
    description = (spec.args.__doc__ or "").strip()

    def run(**args: Any) -> tuple[str, Any, bool]:
        try:
            content, raw = spec.run(**args)
        except XmrError as e:  # the model reads the reason and can try again
            return f"{type(e).__name__}: {e}", None, True
        return content, raw, False

    def output(result: tuple[str, Any, bool]) -> ToolOutput:
        content, raw, failed = result
        return ToolOutput(content=content, tool_name=spec.name, raw_input={}, raw_output=raw, is_error=failed)

    run.__doc__ = description
    return FunctionTool.from_defaults(fn=run, name=spec.name, description=description, fn_schema=spec.args,
                                      callback=output)
