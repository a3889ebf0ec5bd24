"""A learned ranker over the per-candidate features of :mod:`xmr_agent.recommend.features`.

Logistic regression (scikit-learn's ``LogisticRegression`` to fit; plain numpy to score), saved
as JSON next to the table (``<db>/<table>.ranker.json``): the feature list, the standardisation,
the weights, and a summary of the data it was trained on. JSON rather than a pickled model, so
that loading a ranker file never runs code; a file naming a feature this version does not
compute is refused with a clear error. A ranker reads the feature columns it was trained on.
Training needs the ``recommend`` extra (scikit-learn); ranking needs only numpy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xmr_agent.errors import ConfigError
from xmr_agent.recommend.features import DEFAULT_FEATURES, FEATURES

FORMAT = 1
#: Inverse regularisation strength, chosen on a validation split of ReDial (docs/benchmarks.md).
DEFAULT_C = 1.0


@dataclass
class Ranker:
    """Weights over ``features`` (columns of :data:`~xmr_agent.recommend.features.FEATURES`,
    standardised first)."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    features: tuple[str, ...] = DEFAULT_FEATURES
    summary: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, *, c: float = DEFAULT_C, features: tuple[str, ...] = DEFAULT_FEATURES,
            summary: dict[str, Any] | None = None) -> Ranker:
        """Fit on candidate rows ``x`` (columns :data:`FEATURES`, of which ``features`` are used)
        labelled ``y`` (1: the item was recommended in that turn)."""
        try:
            from sklearn.linear_model import LogisticRegression
        except ImportError as e:  # pragma: no cover - depends on the extra
            raise ConfigError("training a ranker needs scikit-learn: pip install 'xmr-agent[recommend]'") from e
        if len(set(np.asarray(y).tolist())) < 2:
            raise ConfigError("the logs gave no positive (or no negative) candidates to learn from")
        x = x[:, columns(features)]
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        model.fit((x - mean) / scale, y)
        info = {"model": "logistic regression (scikit-learn)", "C": c, "rows": int(len(y)),
                "positives": int(np.sum(y)), **(summary or {})}
        return cls(model.coef_[0].astype(np.float64), float(model.intercept_[0]), mean, scale, tuple(features), info)

    def score(self, x: np.ndarray) -> np.ndarray:
        """A score per candidate row (columns :data:`FEATURES`; higher is better)."""
        if not len(x):
            return np.zeros(0)
        return ((x[:, columns(self.features)] - self.mean) / self.scale) @ self.weights + self.bias

    # -- persistence -------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        path = Path(path)
        data = {"format": FORMAT, "features": list(self.features), "weights": self.weights.tolist(),
                "bias": self.bias, "mean": self.mean.tolist(), "scale": self.scale.tolist(), "summary": self.summary}
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Ranker:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            features = tuple(data["features"])
            ranker = cls(np.asarray(data["weights"], dtype=np.float64), float(data["bias"]),
                         np.asarray(data["mean"], dtype=np.float64), np.asarray(data["scale"], dtype=np.float64),
                         features, dict(data.get("summary", {})))
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ConfigError(f"cannot read the ranker {path}: {e}") from e
        unknown = sorted(set(features) - set(FEATURES))
        if unknown:
            raise ConfigError(f"the ranker {path} was trained on other features ({unknown} are unknown to this "
                              "version); rebuild it with `xmr train`")
        if not len(ranker.weights) == len(ranker.mean) == len(ranker.scale) == len(features):
            raise ConfigError(f"the ranker {path} has {len(ranker.weights)} weights for {len(features)} features; "
                              "rebuild it with `xmr train`")
        return ranker


def columns(features: tuple[str, ...]) -> list[int]:
    """The columns of :data:`FEATURES` that ``features`` name, in their order."""
    return [FEATURES.index(f) for f in features]


def ranker_path(db: str | Path, table: str) -> Path:
    """Where a table's ranker lives: ``<db>/<table>.ranker.json``."""
    return Path(str(db)) / f"{table}.ranker.json"
