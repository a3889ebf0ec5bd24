"""Run an intent suite (:mod:`xmr_agent.eval.intents`) against agents, and report pass rates.

The caller builds the agents (``xmr eval --intents`` uses the same assembly as ``xmr ask``, so
the suite measures what users get) and hands :func:`run_suite` a function from table name to
agent. Each case passes when every expectation holds; a request or a chat turn that raises
fails its case with the error as the reason. :func:`summarize` gives the pass rate overall and
per split, language and kind, each with its standard error ``sqrt(p(1-p)/n)``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xmr_agent.agent.pipeline import Agent, Answer
from xmr_agent.agent.session import Session
from xmr_agent.eval.intents import Expect, IntentCase, check
from xmr_agent.ingestion.mapping import MAPPING_KEY, IngestMapping

#: Table name → the agent that answers its cases.
AgentFor = Callable[[str], Agent]
#: Groups the report breaks the pass rate down by.
GROUPS = ("split", "lang", "kind")
CHAT_ENDED = "a chat turn ended the session"


@dataclass
class Outcome:
    """A case's result: passed or not, why not, and for each turn checked what was shown."""

    case: IntentCase
    table: str
    passed: bool = True
    reasons: list[str] = field(default_factory=list)
    turns: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        c = self.case
        return {"id": c.id, "table": self.table, "lang": c.lang, "kind": c.kind, "split": c.split,
                "request": c.request, "passed": self.passed, "reasons": self.reasons, "turns": self.turns,
                "seconds": round(self.seconds, 3)}


def table_of(case: IntentCase, default: str | None) -> str:
    """The table a case runs on: its own, else the default."""
    return case.table or default or ""


def tables_needed(cases: Sequence[IntentCase], default: str | None) -> dict[str, list[str]]:
    """Table → ids of the cases that run on it (``""`` for cases with no table and no default)."""
    found: dict[str, list[str]] = {}
    for case in cases:
        found.setdefault(table_of(case, default), []).append(case.id)
    return found


def unknown_ids(cases: Sequence[IntentCase], default: str | None, agents: Mapping[str, Agent]) -> list[str]:
    """One line per case whose expectations name ids its table does not have (a typo would
    otherwise fail, or pass, the case silently)."""
    problems = []
    for case in cases:
        expects = [case.expect] if case.turns is None else [t.expect for t in case.turns]
        named = sorted(set().union(*(e.ids() for e in expects if e is not None)))
        table = table_of(case, default)
        if not named or table not in agents:
            continue
        found = {str(row["id"]) for row in agents[table].catalog.get(named)}
        missing = [i for i in named if i not in found]
        if missing:
            problems.append(f"case {case.id!r}: {', '.join(missing)} not in table {table!r}")
    return problems


def select(cases: Sequence[IntentCase], *, split: str | None = None, limit: int | None = None) -> list[IntentCase]:
    """The cases of ``split`` (all when ``None``), the first ``limit`` of them."""
    chosen = [c for c in cases if split is None or c.split == split]
    return chosen[:limit] if limit is not None else chosen


def run_suite(cases: Sequence[IntentCase], agent_for: AgentFor, *, default_table: str | None = None,
              on_case: Callable[[Outcome], Any] | None = None) -> list[Outcome]:
    """Run every case with the agent of its table; ``on_case`` sees each outcome as it comes."""
    outcomes = []
    for case in cases:
        table = table_of(case, default_table)
        outcome = run_case(case, agent_for(table), table)
        outcomes.append(outcome)
        if on_case is not None:
            on_case(outcome)
    return outcomes


def run_case(case: IntentCase, agent: Agent, table: str = "") -> Outcome:
    """One case: a request through :meth:`Agent.ask`, or a conversation through an in-memory
    :class:`~xmr_agent.agent.session.Session` (every turn must answer)."""
    outcome = Outcome(case, table or agent.catalog.name)
    start = time.perf_counter()
    if case.turns is None:
        try:
            answer = agent.ask(case.request or "", image=case.image, k=case.k)
        except Exception as e:  # noqa: BLE001 - any error is the case's failure, reported with its reason
            outcome.reasons.append(f"the request raised {type(e).__name__}: {e}")
        else:
            _record(outcome, None, case.request or "", answer, case.expect, case.k, renamed(agent))
    else:
        session = Session.open(agent, "intents", k=case.k)
        for number, turn in enumerate(case.turns, start=1):
            try:
                answer = session.send(turn.say, attachments=[turn.image] if turn.image else [])
            except Exception as e:  # noqa: BLE001
                outcome.reasons.append(f"{CHAT_ENDED}: turn {number} ({turn.say!r}) raised {type(e).__name__}: {e}")
                outcome.turns.append({"turn": number, "say": turn.say, "reasons": [outcome.reasons[-1]]})
                break
            _record(outcome, number, turn.say, answer, turn.expect, case.k, renamed(agent))
    outcome.passed = not outcome.reasons
    outcome.seconds = time.perf_counter() - start
    return outcome


def renamed(agent: Agent) -> dict[str, str]:
    """The catalogue file's names of the columns ingestion stored under another name: its id and
    title columns ("label" → ``title``), so a suite may name them as the file does."""
    raw = agent.catalog.meta(MAPPING_KEY) if agent.catalog.exists else None
    if not raw:
        return {}
    fields = IngestMapping.from_json(raw).fields
    return {source: stored for source, stored in ((fields.id, "id"), (fields.title, "title")) if source != stored}


def _record(outcome: Outcome, number: int | None, said: str, answer: Answer, expect: Expect | None, k: int,
            names: Mapping[str, str]) -> None:
    items = [r.item for r in answer.recommendations[:k]]
    failed = check(expect, items, names)
    prefix = f"turn {number} ({said!r}): " if number is not None else ""
    outcome.reasons += [prefix + reason for reason in failed]
    if expect is None and number is not None:
        return  # a chat turn with nothing to check
    rejected = [r for e in answer.trace if e.get("step") == "filters" for r in e.get("rejected", [])]
    outcome.turns.append({
        "turn": number, "say": said, "reasons": failed,
        "top": [{"id": r.id, "title": str(r.item.get("title") or "")} for r in answer.recommendations[:k]],
        "filters": [str(f) for f in answer.query.filters], "where": answer.where, "rejected": rejected,
        "relaxed": [e.get("reason", "") for e in answer.trace if e.get("step") == "relax"],
    })


def rate(passed: int, n: int) -> dict[str, Any]:
    """Pass rate and its standard error ``sqrt(p(1-p)/n)``."""
    p = passed / n if n else 0.0
    return {"n": n, "passed": passed, "rate": round(p, 4), "se": round(math.sqrt(p * (1 - p) / n), 4) if n else 0.0}


def summarize(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Pass rate overall and per split, language and kind (each with n, passed, rate, se)."""
    results: dict[str, Any] = {"overall": rate(sum(o.passed for o in outcomes), len(outcomes))}
    for group in GROUPS:
        buckets: dict[str, list[bool]] = {}
        for o in outcomes:
            buckets.setdefault(str(getattr(o.case, group) or "none"), []).append(o.passed)
        results[f"by_{group}"] = {name: rate(sum(v), len(v)) for name, v in sorted(buckets.items())}
    return results


def intent_results(suite: str | Path, outcomes: Sequence[Outcome], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Everything ``results.json`` holds: where, how, the rates, and every case."""
    return {"suite": str(suite), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **settings,
            **summarize(outcomes), "seconds": round(sum(o.seconds for o in outcomes), 2),
            "cases": [o.to_dict() for o in outcomes]}


def write_intent_report(results: Mapping[str, Any], out: str | Path) -> list[Path]:
    """``results.json`` and ``report.md`` in ``out``; returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "results.json", out / "report.md"]
    paths[0].write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    paths[1].write_text(intents_markdown(results), encoding="utf-8")
    return paths


def intents_markdown(results: Mapping[str, Any]) -> str:
    """The report as Markdown: the rates, then each failed case with its reasons."""
    lines = [f"# Intent suite: {results['suite']}", ""]
    lines += [f"- {k}: `{results[k]}`" for k in ("tables", "llm", "translate", "split", "date", "machine") if results.get(k)]
    lines += [f"- cases: {results['overall']['n']}, {results['seconds']} s", "",
              "## Pass rate", "", "| group | n | passed | rate | ± s.e. |", "|---|---|---|---|---|"]
    for label, row in rate_rows(results):
        lines.append(f"| {label} | {row['n']} | {row['passed']} | {row['rate']:.1%} | {row['se']:.1%} |")
    failed = [c for c in results["cases"] if not c["passed"]]
    lines += ["", f"## Failures ({len(failed)})", ""]
    for case in failed:
        tags = ", ".join(str(case[k]) for k in ("split", "lang", "kind") if case.get(k))
        lines.append(f"### `{case['id']}` ({case['table']}; {tags})")
        lines.append("")
        if case.get("request") is not None:
            lines.append(f"request: {case['request']!r}")
            lines.append("")
        lines += [f"- {reason}" for reason in case["reasons"]]
        for turn in case["turns"]:
            if not turn["reasons"] or "top" not in turn:
                continue
            head = f"turn {turn['turn']} " if turn["turn"] is not None else ""
            shown = "; ".join(f"{t['id']} {t['title']!r}" for t in turn["top"]) or "nothing"
            lines.append(f"- {head}shown: {shown}")
            lines.append(f"- {head}filters: {', '.join(turn['filters']) or 'none'}"
                         + (f"; where `{turn['where']}`" if turn["where"] else "")
                         + (f"; rejected: {'; '.join(turn['rejected'])}" if turn["rejected"] else ""))
        lines.append("")
    return "\n".join(lines) + "\n"


def rate_rows(results: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, rate) rows: overall, then each split, language and kind."""
    rows = [("overall", results["overall"])]
    for group in GROUPS:
        rows += [(f"{group} {name}", row) for name, row in results[f"by_{group}"].items()]
    return rows
