"""Options shared by several ``xmr`` commands."""

from __future__ import annotations

import click

DB_OPTION = click.option(
    "--db", envvar="XMR_DB", default=".xmr", show_default=True, help="LanceDB folder or URI (env XMR_DB)."
)
TABLE_OPTION = click.option(
    "--table", envvar="XMR_TABLE", default="catalog", show_default=True, help="Table name (env XMR_TABLE)."
)
LLM_OPTION = click.option(
    "--llm", "llm_spec", envvar="XMR_LLM", default="none", show_default=True,
    help="LLM: none, local, local:PATH.gguf, openai:MODEL[@URL], ollama:MODEL (env XMR_LLM).",
)
