"""An ingest killed mid-way (SIGKILL) resumes: the rerun ends with every item exactly once."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import lancedb
import pytest
from helpers import kill_when, subprocess_env, write_jsonl

from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.store.catalog import Catalog
from xmr_agent.testing import FakeEncoder

N = 3000
BATCH = 20


def _rows_now(db: Path, table: str) -> int:
    try:
        return lancedb.connect(db).open_table(table).count_rows()
    except (ValueError, FileNotFoundError, OSError, RuntimeError):
        return 0  # not created yet


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_killed_ingest_resumes_without_duplicates(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "big.jsonl", (
        {"id": f"item-{i:05d}", "title": f"item {i}", "text": f"word{i % 97} colour{i % 13}", "n": i}
        for i in range(N)
    ))
    db = tmp_path / "db"
    code = f"""
        from xmr_agent.ingestion import ingest
        from xmr_agent.testing import FakeEncoder
        ingest({str(source)!r}, {str(db)!r}, "big", vectors={{"text": FakeEncoder()}}, batch_size={BATCH})
    """
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=subprocess_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    at_kill = kill_when(proc, lambda: _rows_now(db, "big"), 5 * BATCH, timeout=120,
                        output=lambda: str(proc.communicate()))
    assert proc.returncode == -signal.SIGKILL
    survived = _rows_now(db, "big")
    assert at_kill <= survived < N, "kill came too late to test resuming"

    encoder = FakeEncoder()
    report = ingest(source, db, "big", vectors={"text": encoder}, batch_size=500)
    assert report.rows == N and report.ok
    assert report.unchanged == survived  # committed batches are not embedded again
    assert report.inserted + report.updated == N - survived
    ids = Catalog.open(db, "big").table.to_arrow().column("id").to_pylist()
    assert len(ids) == N and len(set(ids)) == N

    again = FakeEncoder()
    final = ingest(source, db, "big", vectors={"text": again}, batch_size=500)
    assert (final.unchanged, final.inserted, final.updated, final.rows) == (N, 0, 0, N)
    assert again.calls == 0
