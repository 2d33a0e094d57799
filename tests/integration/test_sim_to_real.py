"""The sim-to-real check on the CWRU recordings: a classifier trained only on the simulated
CWRU test matrix (scenarios/cwru_bearing_faults.yaml), tested on real windows.

What is asserted: the simulated classes are separable on simulated runs held out by machine
instance (the signatures are there), and on the real recordings the classifier does better
than chance over inner, outer and ball. The figures themselves (per-class accuracy,
confusion matrix, healthy sim-vs-real AUC) are printed and documented in
docs/realism-cwru.md; the target of 90 % balanced accuracy is not reached yet.
"""

from __future__ import annotations

import numpy as np
import pytest

from failsim.analysis.cwru import cwru_path
from failsim.sweep import sweep

pytest.importorskip("sklearn")

from failsim.analysis.sim_to_real import (
    FAULT_CLASSES,
    evaluate,
    real_features,
    simulated_features,
)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    out = tmp_path_factory.mktemp("cwru") / "sweep"
    summary = sweep("cwru_bearing_faults", out, jobs=2)
    assert summary.completed == summary.planned == 144
    return simulated_features(out)


@pytest.mark.slow
def test_simulated_classes_are_separable_on_held_out_runs(simulated):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import balanced_accuracy_score

    from failsim.analysis.features import FEATURE_NAMES

    train = simulated[simulated.split == "train"]
    test = simulated[simulated.split != "train"]
    assert set(train.run_id).isdisjoint(test.run_id)
    clf = RandomForestClassifier(n_estimators=200, random_state=0).fit(
        train[list(FEATURE_NAMES)], train.label
    )
    score = balanced_accuracy_score(test.label, clf.predict(test[list(FEATURE_NAMES)]))
    assert score > 0.9, score


@pytest.mark.slow
def test_classifier_trained_on_simulation_beats_chance_on_real_recordings(simulated):
    path = cwru_path()
    if not path.exists():
        pytest.skip(f"no CWRU recordings at {path}")
    from failsim.analysis.cwru import load_cwru

    table = load_cwru(path)
    real = real_features(table)
    # every recording at 12 kHz, the 48 kHz normal baseline resampled: equal window lengths
    n_windows = real.groupby("recording").size()
    expected = {
        rec.recording: int(len(rec.accel_g) * 12000 / rec.sample_rate_hz) // 12000
        for rec in table.itertuples()
    }
    assert n_windows.to_dict() == expected
    report = evaluate(simulated, real)
    print("\n" + report.to_text())
    assert set(report.per_class_accuracy) >= set(FAULT_CLASSES)
    assert report.balanced_accuracy > 1.0 / 3.0  # better than chance over three classes
    assert np.isfinite(report.healthy_auc)
