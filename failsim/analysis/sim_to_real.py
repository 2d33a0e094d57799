"""The sim-to-real check: a bearing-fault classifier trained only on failsim output, tested on
real CWRU recordings.

1. Simulate ``scenarios/cwru_bearing_faults.yaml`` (``failsim sweep``): normal, inner race,
   outer race (6, 3 and 12 o'clock) and ball defects of three sizes at four loads, with
   domain randomisation.
2. Cut each run's steady part into windows and compute :func:`~failsim.analysis.features.
   bearing_features` (scale-free squared-envelope prominences at the bearing orders, kurtosis,
   crest factor) with the shaft speed of the run's process stream.
3. Cut the real recordings into windows of the same length at the same rate (the 48 kHz
   normal baseline is resampled to 12 kHz, so its rate is no cue) and compute the same
   features with the recording's shaft speed.
4. Train on the simulated windows only; report per-class accuracy, the confusion matrix and
   the balanced accuracy over inner, outer and ball on the real windows; and how well a
   classifier tells simulated healthy windows from real healthy ones (ROC AUC; 0.5 means
   indistinguishable).

Needs scikit-learn (``pip install scikit-learn``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ..errors import MissingDependencyError
from .features import FEATURE_NAMES, bearing_features, windows

#: the CWRU drive-end SKF 6205-2RS: characteristic orders (CWRU data README)
CWRU_ORDERS = {"ftf": 0.3983, "bpfo": 3.5848, "bpfi": 5.4152, "bsf": 2.3567}
#: class of a simulated run by its sweep class
SIM_CLASS = {
    "normal": "normal",
    "inner": "inner",
    "outer_6": "outer",
    "outer_3": "outer",
    "outer_12": "outer",
    "ball": "ball",
}
FAULT_CLASSES = ("inner", "outer", "ball")


def _sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            "the sim-to-real check needs scikit-learn: pip install scikit-learn"
        ) from None


def simulated_features(
    dataset: str | Path,
    *,
    window_s: float = 1.0,
    start_s: float = 3.0,
    channel: str = "accel_drive_end_vertical_m_s2",
    orders: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Feature table of the steady part of every completed run of a simulated dataset.

    Returns one row per window: the features, ``label`` (normal, inner, outer, ball),
    ``fault_class`` (the sweep class), ``run_id``, ``split``, ``load_pu`` and ``shaft_hz``.
    """
    out = Path(dataset)
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    runs = runs[runs.status == "completed"]
    orders = orders or CWRU_ORDERS
    rows = []
    for r in runs.itertuples():
        base = f"scenario={r.scenario}/run_id={r.run_id}/part-0.parquet"
        vib = pq.read_table(out / "vibration" / base, columns=["t_s", channel]).to_pandas()
        proc = pq.read_table(out / "process" / base, columns=["t_s", "speed_rpm"]).to_pandas()
        fs = json.loads(r.streams_json)["vibration"]["rate_hz"]
        x = vib[channel].to_numpy()[vib.t_s.to_numpy() >= start_s]
        n = round(window_s * fs)
        for k, w in enumerate(windows(x, n)):
            t0 = start_s + k * window_s
            sel = (proc.t_s >= t0) & (proc.t_s < t0 + window_s)
            shaft_hz = float(proc.speed_rpm[sel].mean()) / 60.0
            feats = bearing_features(w, fs, shaft_hz, orders)
            params = json.loads(r.params_json or "{}")
            rows.append(
                {
                    **dict(zip(FEATURE_NAMES, feats, strict=True)),
                    "label": SIM_CLASS.get(r.fault_class, r.fault_class),
                    "fault_class": r.fault_class,
                    "run_id": r.run_id,
                    "split": r.split,
                    "load_pu": params.get("operation.load_profile[1].load_pu"),
                    "shaft_hz": shaft_hz,
                }
            )
    return pd.DataFrame(rows)


def real_features(
    table: pd.DataFrame,
    *,
    window_s: float = 1.0,
    fs: float = 12000.0,
    orders: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Feature table of real recordings (one row per recording, as :func:`failsim.analysis.
    cwru.load_cwru` returns them), resampled to ``fs`` first where their rate differs."""
    from fractions import Fraction

    from scipy.signal import resample_poly

    orders = orders or CWRU_ORDERS
    rows = []
    for rec in table.itertuples():
        x = np.asarray(rec.accel_g, dtype=np.float64)
        rate = float(rec.sample_rate_hz)
        if rate != fs:
            ratio = Fraction(fs / rate).limit_denominator(1000)
            x = resample_poly(x, ratio.numerator, ratio.denominator)
        shaft_hz = float(rec.shaft_rpm) / 60.0
        for w in windows(x, round(window_s * fs)):
            feats = bearing_features(w, fs, shaft_hz, orders)
            rows.append(
                {
                    **dict(zip(FEATURE_NAMES, feats, strict=True)),
                    "label": str(rec.fault_class),
                    "recording": str(rec.recording),
                    "shaft_hz": shaft_hz,
                }
            )
    return pd.DataFrame(rows)


@dataclass
class SimToRealReport:
    """Result of :func:`evaluate`."""

    balanced_accuracy: float  # over inner, outer, ball on the real windows
    per_class_accuracy: dict[str, float]
    confusion: pd.DataFrame  # rows: true class, columns: predicted
    per_recording: pd.DataFrame  # recording, true class, share of windows per predicted class
    healthy_auc: float  # simulated vs real healthy windows; 0.5 = indistinguishable
    n_train: int
    n_test: int
    extra: dict = field(default_factory=dict)

    def to_text(self) -> str:
        lines = [
            f"balanced accuracy over {', '.join(FAULT_CLASSES)} (real windows): "
            f"{self.balanced_accuracy:.3f}",
            "per-class accuracy: "
            + ", ".join(f"{k} {v:.2f}" for k, v in self.per_class_accuracy.items()),
            f"healthy sim-vs-real ROC AUC: {self.healthy_auc:.3f}",
            f"trained on {self.n_train} simulated windows, tested on {self.n_test} real windows",
            "confusion (rows true, columns predicted):",
            self.confusion.to_string(),
            "per recording (share of windows by predicted class):",
            self.per_recording.to_string(float_format=lambda v: f"{v:.2f}"),
        ]
        return "\n".join(lines)


def _model(seed: int):
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(
        n_estimators=300, min_samples_leaf=2, random_state=seed, n_jobs=1, class_weight="balanced"
    )


def evaluate(sim: pd.DataFrame, real: pd.DataFrame, seed: int = 0) -> SimToRealReport:
    """Train on simulated windows, test on real ones (see the module docstring)."""
    _sklearn()
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    feats = list(FEATURE_NAMES)
    clf = _model(seed).fit(sim[feats].to_numpy(), sim["label"].to_numpy())
    pred = clf.predict(real[feats].to_numpy())
    truth = real["label"].to_numpy()
    classes = sorted(set(sim["label"]) | set(truth))
    confusion = pd.crosstab(
        pd.Categorical(truth, categories=classes),
        pd.Categorical(pred, categories=classes),
        rownames=["true"],
        colnames=["predicted"],
        dropna=False,
    )
    per_class = {c: float(np.mean(pred[truth == c] == c)) for c in classes if np.any(truth == c)}
    faulty = [per_class[c] for c in FAULT_CLASSES if c in per_class]
    per_rec = (
        pd.DataFrame({"recording": real["recording"], "true": truth, "predicted": pred})
        .groupby(["recording", "true"])["predicted"]
        .value_counts(normalize=True)
        .unstack(fill_value=0.0)
    )
    # can a classifier tell simulated healthy windows from real ones?
    sim_h = sim[sim.label == "normal"][feats].to_numpy()
    real_h = real[real.label == "normal"][feats].to_numpy()
    auc = float("nan")
    if len(sim_h) >= 5 and len(real_h) >= 5:
        x = np.vstack([sim_h, real_h])
        y = np.r_[np.zeros(len(sim_h)), np.ones(len(real_h))]
        proba = cross_val_predict(_model(seed), x, y, cv=5, method="predict_proba")[:, 1]
        auc = float(roc_auc_score(y, proba))
    return SimToRealReport(
        balanced_accuracy=float(np.mean(faulty)) if faulty else float("nan"),
        per_class_accuracy=per_class,
        confusion=confusion,
        per_recording=per_rec,
        healthy_auc=auc,
        n_train=len(sim),
        n_test=len(real),
    )
