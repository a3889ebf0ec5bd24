"""Transcripts at ingest: stored with segments and language, searched, given as evidence;
bad audio files are skipped with a reason and nothing else in the batch is lost."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from helpers import FAKE, write_jsonl

import xmr_agent
from xmr_agent.agent.pipeline import Agent
from xmr_agent.store.catalog import Catalog

FLICKR = Path(__file__).resolve().parents[2] / "shared" / "data" / "flickr8k-dev"


class ScriptedTranscriber:
    """Transcribes by file name; a file named bad* fails like an undecodable one."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def config(self) -> dict[str, Any]:
        return {"scripted": True}

    def transcribe_many(self, paths: list[str]) -> list[Any]:
        out = []
        for path in paths:
            self.calls.append(path)
            if Path(path).name.startswith("bad"):
                out.append(SimpleNamespace(path=path, reason="cannot decode: not an audio file"))
                continue
            words = Path(path).stem.replace("_", " ")
            segments = [SimpleNamespace(start=0.0, end=2.5, text="welcome to the show"),
                        SimpleNamespace(start=42.0, end=47.5, text=words)]
            out.append(SimpleNamespace(text=f"welcome to the show {words}", language="en", segments=segments))
        return out


def _catalog(tmp_path: Path) -> Path:
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    for name in ("red_guitar_solo", "quiet_rain_on_a_tent", "bad_clip"):
        if not (media / f"{name}.mp3").exists():  # rewriting a file would (rightly) re-transcribe it
            (media / f"{name}.mp3").write_bytes(b"ID3 fake audio")
    return write_jsonl(tmp_path / "podcasts.jsonl", [
        {"id": "ep1", "title": "Episode one", "audio": "media/red_guitar_solo.mp3"},
        {"id": "ep2", "title": "Episode two", "audio": "media/quiet_rain_on_a_tent.mp3"},
        {"id": "ep3", "title": "Episode three", "audio": "media/bad_clip.mp3"},
        {"id": "ep4", "title": "Episode four without audio", "text": "show notes only"},
    ])


def test_transcripts_are_stored_searched_and_cited(tmp_path: Path) -> None:
    transcriber = ScriptedTranscriber()
    report = xmr_agent.ingest(_catalog(tmp_path), tmp_path / "db", "pods", vectors={"text": FAKE},
                              transcribe=transcriber)
    assert [(b.id, b.reason) for b in report.bad] == [("ep3", "audio: cannot decode: not an audio file")]
    assert report.rows == 3
    catalog = Catalog.open(tmp_path / "db", "pods")
    (ep2,) = catalog.get(["ep2"])
    assert ep2["transcript"] == "welcome to the show quiet rain on a tent" and ep2["transcript_language"] == "en"
    assert json.loads(ep2["transcript_segments"])[1] == {"start": 42.0, "end": 47.5, "text": "quiet rain on a tent"}
    assert [h.id for h in catalog.search_text("rain tent")] == ["ep2"]          # full-text indexed
    answer = Agent(catalog).ask("rain on a tent", k=1)
    top = answer.recommendations[0]
    assert top.id == "ep2"
    assert top.evidence.transcript == {"start": 42.0, "end": 47.5, "text": "quiet rain on a tent"}
    assert "0:42–0:47" in top.explanation
    calls = len(transcriber.calls)
    again = xmr_agent.ingest(_catalog(tmp_path), tmp_path / "db", "pods", vectors={"text": FAKE},
                             transcribe=transcriber)
    assert again.unchanged == 3 and len(transcriber.calls) == calls + 1   # only the bad file is retried


@pytest.mark.model
@pytest.mark.skipif(not (FLICKR / "audio").is_dir(), reason=f"Flickr8k spoken captions not found at {FLICKR}")
def test_real_whisper_transcripts_and_bad_files(tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper", reason="install xmr-agent[audio]")
    clips = sorted((FLICKR / "audio").glob("*.mp3"))[:2]
    (tmp_path / "empty.mp3").write_bytes(b"")
    (tmp_path / "notes.mp3").write_text("this is a text file, not audio")
    rows = [{"id": c.stem, "title": f"clip {c.stem}", "audio": str(c)} for c in clips]
    rows += [{"id": "empty", "audio": str(tmp_path / "empty.mp3")}, {"id": "text", "audio": str(tmp_path / "notes.mp3")}]
    report = xmr_agent.ingest(write_jsonl(tmp_path / "c.jsonl", rows), tmp_path / "db", "clips",
                              vectors={"text": FAKE}, transcribe="tiny.en")
    assert sorted(b.id for b in report.bad) == ["empty", "text"] and all(b.reason.startswith("audio:") for b in report.bad)
    assert report.rows == 2
    stored = Catalog.open(tmp_path / "db", "clips").get([c.stem for c in clips])
    for item in stored:
        assert len(item["transcript"].split()) >= 3 and item["transcript_language"] == "en"
        assert json.loads(item["transcript_segments"])[0]["end"] > 0
