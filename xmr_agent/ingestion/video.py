"""Video items at ingest: keyframes through the image encoder(s) and the tagger, the soundtrack
through the transcriber (see :mod:`xmr_agent.media.video` for the decoding)."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xmr_agent.errors import ConfigError

if TYPE_CHECKING:
    import pyarrow as pa

    from xmr_agent.ingestion.tags import Tagger
    from xmr_agent.ingestion.transcripts import Transcription
    from xmr_agent.store.catalog import Catalog
from xmr_agent.ingestion.tags import Tagger
from xmr_agent.ingestion.transcripts import Transcription
from xmr_agent.media.video import (
    Keyframe,
    Keyframes,
    VideoReadError,
    png_bytes,
    read_video,
)
from xmr_agent.store.catalog import Catalog
from xmr_agent.store.columns import KEYFRAMES_COLUMN, keyframe_column


@dataclass
class VideoBatch:
    """What :meth:`VideoStage.process` found for one batch of rows."""

    pooled: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)     # column → id → item vector
    frames: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)     # column → id → (n, dim)
    failures: dict[str, str] = field(default_factory=dict)                     # id → reason


class VideoStage:
    """Video work at ingest: keyframes for the image vector columns (and the tagger), the
    soundtrack for the transcriber. Inactive (a video is then only a stored path) when the
    ingest has none of these."""

    def __init__(self, catalog: Catalog, keyframes: Keyframes | None = None, *, tagger: Tagger | None = None,
                 transcription: Transcription | None = None) -> None:
        self.keyframes = keyframes or Keyframes()
        self.tagger, self.transcription = tagger, transcription
        for spec in catalog.vectors.values():
            if spec.field == "video":
                raise ConfigError("a video is embedded through its keyframes by the image column(s): "
                                  "use an image encoder for field 'image' (e.g. --encoder image=efficientnet-lite0)")
        self.columns = {c: catalog.encoder(c) for c, spec in catalog.vectors.items()
                        if spec.field == "image" and "image" in catalog.encoder(c).modalities}

    @property
    def visual(self) -> bool:
        return bool(self.columns) or self.tagger is not None

    @property
    def active(self) -> bool:
        return self.visual or self.transcription is not None

    def signature(self, item: Mapping[str, Any]) -> str:
        """Added to a video item's hash, so new keyframe settings re-embed video items only."""
        return f"video:{self.keyframes.signature()}" if self.active and item.get("video") else ""

    def process(self, rows: list[dict[str, Any]]) -> VideoBatch:
        """Fill the keyframe (and tag, transcript) columns of rows with a video; return the
        vectors for the image columns and the rows that failed, with the reasons."""
        batch = VideoBatch()
        todo = [r for r in rows if r.get("video")] if self.active else []
        if not todo:
            return batch
        speak = []
        with tempfile.TemporaryDirectory(prefix="xmr-keyframes-") as tmp:
            for n, row in enumerate(todo):
                visual = self.visual and not row.get("image")
                try:
                    video = read_video(row["video"], self.keyframes if visual else None)
                    if visual:
                        self._embed(row, video.keyframes, Path(tmp) / str(n), batch)
                except VideoReadError as e:
                    batch.failures[row["id"]] = f"video: {e.reason}"
                    continue
                if self.transcription is not None and not row.get("audio") and video.has_audio:
                    speak.append(row)
        if speak:
            batch.failures.update(self.transcription.transcribe(speak, field="video"))  # type: ignore[union-attr]
        for failed in batch.failures:
            for per_column in (*batch.pooled.values(), *batch.frames.values()):
                per_column.pop(failed, None)
        return batch

    def _embed(self, row: dict[str, Any], keyframes: Sequence[Keyframe], tmp: Path, batch: VideoBatch) -> None:
        from xmr_agent.ingestion.embedding import encode_present
        from xmr_agent.store.columns import TAGS_COLUMN

        tmp.mkdir()
        paths = [tmp / f"{i}.png" for i in range(len(keyframes))]
        for path, keyframe in zip(paths, keyframes, strict=True):
            path.write_bytes(png_bytes(keyframe.frame))
        shown: list[dict[str, Any]] = [{"time": k.time} for k in keyframes]
        tagged = None
        if self.tagger is not None:
            from xmr_agent.errors import InputError

            try:
                tagged, labels = self.tagger.encoder.encode_and_tag([str(p) for p in paths], k=self.tagger.k)
            except InputError as e:
                raise VideoReadError(f"keyframe at {keyframes[min(e.failures)].time:g} s: "
                                     f"{next(iter(e.failures.values()))}") from e
            best: dict[str, float] = {}
            for entry, pairs in zip(shown, labels, strict=True):
                entry["tags"] = [label for label, score in pairs if score >= self.tagger.min_score]
                for label, score in pairs:
                    if score >= self.tagger.min_score:
                        best[label] = max(best.get(label, 0.0), float(score))
            row[TAGS_COLUMN] = sorted(best, key=lambda label: -best[label])[: self.tagger.k]
        for column, encoder in self.columns.items():
            if tagged is not None and encoder is self.tagger.encoder:  # type: ignore[union-attr]
                matrix = np.asarray(tagged, dtype=np.float32)
            else:
                matrix, _, failures = encode_present(encoder, [str(p) for p in paths], "image")
                if failures:
                    first = min(failures)
                    raise VideoReadError(f"keyframe at {keyframes[first].time:g} s: {failures[first]}")
            mean = matrix.mean(axis=0)
            batch.pooled.setdefault(column, {})[row["id"]] = mean / max(float(np.linalg.norm(mean)), 1e-12)
            batch.frames.setdefault(column, {})[row["id"]] = matrix
        row[KEYFRAMES_COLUMN] = json.dumps(shown, ensure_ascii=False)
        shutil.rmtree(tmp, ignore_errors=True)

    def with_keyframes(self, table: pa.Table, batch: VideoBatch, catalog: Catalog) -> pa.Table:
        """Append the hidden per-keyframe vector columns to rows about to be written (null for
        rows without keyframes), adding the columns to the table first where it lacks them."""
        import pyarrow as pa

        have = catalog.column_names()
        ids = table["id"].to_pylist()
        new = []
        for column in self.columns:
            name, found = keyframe_column(column), batch.frames.get(column, {})
            if name not in have and not any(i in found for i in ids):
                continue
            kind = pa.list_(pa.list_(pa.float32(), catalog.vectors[column].dim))
            values = [found[i].tolist() if i in found else None for i in ids]
            table = table.append_column(pa.field(name, kind), pa.array(values, type=kind))
            if name not in have:
                new.append(pa.field(name, kind))
        catalog.add_columns(new)
        return table
