"""Hybrid data: simulated faults added to a (simulated or real) healthy recording."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import failsim
from failsim.analysis.compare import Signal, signal_from_file
from failsim.analysis.cwru import cwru_path
from failsim.analysis.inject import inject_fault
from failsim.analysis.spectra import (
    amplitude_spectrum,
    db_above_local_median,
    peak_near,
    rms,
    squared_envelope_spectrum,
)
from failsim.errors import SpecError
from failsim.io.provenance import read_file_metadata
from failsim.spec.loader import derive_scenario

COLUMN = "accel_drive_end_vertical_m_s2"
BASELINE = "accel_drive_end_vertical_baseline_m_s2"
BPFO, BPFI = 3.5848, 5.4152  # drive-end 6205, multiples of the shaft frequency
ONSET_S = 1.5


def _outer_race(at_s: float = ONSET_S, **extra) -> dict:
    return {
        "kind": "bearing_defect",
        "target": "bearing.drive_end",
        "trigger": {"at_s": at_s},
        "part": "outer_race",
        "size_mm": 0.178,
        "position_deg": 0.0,
        **extra,
    }


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> tuple[Path, float]:
    """A healthy 3 s run of the CWRU rig at 0 hp, its drive-end channel written as a CSV (in
    m/s²), and its steady shaft speed (rpm)."""
    res = failsim.simulate("cwru_rig_0hp", duration_s=3.0)
    vib = res.streams["vibration"].to_pandas()
    proc = res.streams["process"].to_pandas()
    rpm = float(proc.loc[proc.t_s >= 1.0, "speed_rpm"].mean())
    path = tmp_path_factory.mktemp("recording") / "healthy.csv"
    vib[["t_s", COLUMN]].to_csv(path, index=False)
    return path, rpm


def _signal(recording) -> Signal:
    path, rpm = recording
    return signal_from_file(path, column=COLUMN, unit="m/s2", shaft_rpm=rpm)


def test_outer_race_defect_added_to_a_recording(recording, tmp_path):
    path, rpm = recording
    sig = _signal(recording)
    assert sig.fs_hz == pytest.approx(12_000.0, rel=1e-9)
    out = inject_fault(
        sig, "cwru_rig", [_outer_race()], accelerometer="drive_end_vertical", source=str(path)
    )
    target = out.write(tmp_path / "injected.parquet")
    assert not list(tmp_path.glob("*.partial"))
    table = pq.read_table(target)
    df = table.to_pandas()
    t = df.t_s.to_numpy()
    assert np.array_equal(t, np.arange(len(sig.x_m_s2)) / 12_000.0)
    assert table.schema.field(COLUMN).type == "float"
    assert table.schema.field(COLUMN).metadata[b"unit"] == b"m/s^2"
    assert table.schema.field("t_s").type == "double"

    # (a) the difference is the fault-only synthesis: the same faults added to a silent
    # recording give it sample for sample (up to float32 storage of the columns)
    diff = df[COLUMN].to_numpy(np.float64) - df[BASELINE].to_numpy(np.float64)
    silent = Signal("silence", np.zeros_like(sig.x_m_s2), sig.fs_hz, sig.shaft_hz)
    alone = inject_fault(silent, "cwru_rig", [_outer_race()], accelerometer="drive_end_vertical")
    tol = 2 * np.finfo(np.float32).eps * np.max(np.abs(df[COLUMN]))
    np.testing.assert_allclose(diff, alone.fault_m_s2, rtol=0, atol=tol)
    np.testing.assert_array_equal(out.fault_m_s2, alone.fault_m_s2)
    # its squared-envelope spectrum carries BPFO at the recording's shaft speed
    after = t >= ONSET_S + 0.1
    f, ses = squared_envelope_spectrum(diff[after], 12_000.0, (2000.0, 5500.0))
    bpfo = BPFO * rpm / 60.0
    f_peak, _ = peak_near(f, ses, bpfo, rel_tol=0.03)
    assert abs(f_peak - bpfo) / bpfo < 0.03
    assert db_above_local_median(f, ses, f_peak, 20.0) > 20.0

    # (b) labels: false before the onset, true from it; the response starts there too
    before = t < ONSET_S
    assert not df.is_anomaly[before].any()
    assert df.is_anomaly[~before].all()
    assert set(df.active_faults[before]) == {""}
    assert set(df.active_faults[~before]) == {"bearing_defect"}
    assert (df.fault_mask[before] == 0).all() and (df.fault_mask[~before] == 1).all()
    assert not np.any(out.fault_m_s2[before])
    assert np.array_equal(df[COLUMN][before], df[BASELINE][before])

    meta = read_file_metadata(table.schema.metadata)
    assert meta["machine"] == "cwru_rig"
    assert meta["machine_sha256"] == failsim.load_machine("cwru_rig").sha256
    assert meta["faults"][0]["size_mm"] == 0.178
    assert meta["seed"] == 0 and meta["source"] == str(path)
    assert meta["sample_rate_hz"] == pytest.approx(12_000.0)
    assert meta["shaft_rpm"] == pytest.approx(rpm) and meta["shaft_speed_from"] == "recording"
    assert meta["resampling"] == "daq" and meta["synthesis_rate_hz"] == 24_000
    assert meta["fault_windows"] == {"0": [[ONSET_S, None]]}
    assert meta["versions"]["failsim"] == failsim.__version__
    assert meta["bearing_multipliers"]["drive_end"]["bpfo"] == pytest.approx(BPFO, abs=1e-3)


def test_a_fault_after_the_end_leaves_the_recording_as_it_was(recording):
    sig = _signal(recording)
    out = inject_fault(sig, "cwru_rig", [_outer_race(at_s=10.0)], accelerometer="drive_end")
    df = out.to_pandas()
    assert np.array_equal(df[COLUMN].to_numpy(), df[BASELINE].to_numpy())
    assert np.array_equal(df[BASELINE].to_numpy(), sig.x_m_s2.astype(np.float32))
    assert not df.is_anomaly.any() and (df.fault_mask == 0).all()
    assert out.events == [] and out.metadata["fault_windows"] == {}


def test_growing_defect_is_labelled_with_width_health_and_rul():
    fs, rpm = 12_000.0, 1794.0
    silent = Signal("silence", np.zeros(int(2 * fs)), fs, rpm / 60.0)
    fault = _outer_race(at_s=0.5, growth={"time_to_failure_s": 1.0})
    out = inject_fault(silent, "cwru_rig", [fault], accelerometer="drive_end_vertical", seed=4)
    df = out.to_pandas()
    t = df.t_s.to_numpy()
    w, h, rul = (df[f"fault_0_{k}"].to_numpy() for k in ("width_mm", "health", "rul_s"))
    assert np.isnan(w[t < 0.5]).all() and not np.isnan(w[t >= 0.5]).any()
    failure_mm = 0.25 * 7.94  # a quarter of the 6205's ball diameter
    assert w[t >= 0.5][0] == pytest.approx(0.178, rel=1e-6)
    assert w[-1] == pytest.approx(failure_mm, rel=1e-3)
    assert np.all(np.diff(w[t >= 0.5]) >= 0) and np.all(np.diff(h[t >= 0.5]) <= 0)
    assert h[t >= 1.5].max() == 0.0
    np.testing.assert_allclose(rul[t >= 0.5], np.maximum(1.5 - t[t >= 0.5], 0.0), atol=1e-4)
    # the response grows with the defect (up to the saturation of the strike)
    assert rms(out.fault_m_s2[(t > 1.3)]) > rms(out.fault_m_s2[(t > 0.55) & (t < 0.7)])
    labels = out.labels_table().to_pandas()
    assert set(labels.fault_kind) == {"bearing_defect"}
    assert labels.health.iloc[-1] == 0.0 and labels.phase.iloc[-1] == "failed"


def test_fault_only_response_matches_a_full_run_minus_its_healthy_twin(tmp_path):
    """What is compared: the rms (and band rms) of the drive-end channel of a full faulty run
    minus its healthy twin (same seed: the healthy sources and the sensor noise cancel; the
    difference is exactly 0 before the onset) against the rms of the injected response at the
    twin's speed. Sample for sample they differ: the full run's shaft angle runs up from
    standstill, so its impacts fall at other instants than on the constant-speed trace of
    the injection; their statistics agree."""
    base = failsim.load_scenario("cwru_rig_outer_race_007")
    # a scenario without a path, so that its healthy twin keeps the shorter duration
    spec = derive_scenario(base, {"duration_s": 4.0})
    failsim.run(spec, tmp_path, paired=True)
    runs = pd.read_parquet(tmp_path / "runs.parquet").set_index("pair_role")

    def stream(stream: str, role: str) -> pd.DataFrame:
        run_id = runs.loc[role, "run_id"]
        return pd.read_parquet(next(tmp_path.glob(f"{stream}/*/run_id={run_id}/part-0.parquet")))

    faulty, twin = stream("vibration", "faulty"), stream("vibration", "healthy_twin")
    assert len(faulty) == len(twin) == 48_000
    diff = faulty[COLUMN].to_numpy(np.float64) - twin[COLUMN].to_numpy(np.float64)
    t = twin.t_s.to_numpy()
    proc = stream("process", "healthy_twin")
    rpm = float(proc.loc[proc.t_s >= 1.0, "speed_rpm"].mean())
    sig = Signal("twin", twin[COLUMN].to_numpy(np.float64), 12_000.0, rpm / 60.0)
    fault = _outer_race(at_s=1.0)
    out = inject_fault(sig, "cwru_rig", [fault], accelerometer="drive_end_vertical", seed=1)

    assert not np.any(diff[t < 1.0]) and not np.any(out.fault_m_s2[t < 1.0])
    steady = t >= 1.5
    rms_full, rms_injected = rms(diff[steady]), rms(out.fault_m_s2[steady])
    assert rms_injected == pytest.approx(rms_full, rel=0.02)  # measured: 0.02 % apart
    f, a_full = amplitude_spectrum(diff[steady], 12_000.0)
    _, a_inj = amplitude_spectrum(out.fault_m_s2[steady], 12_000.0)
    for lo, hi in ((0.0, 2000.0), (2000.0, 4000.0), (4000.0, 6000.0)):
        band = (f >= lo) & (f < hi)
        full, inj = np.sqrt(np.sum(a_full[band] ** 2)), np.sqrt(np.sum(a_inj[band] ** 2))
        assert inj == pytest.approx(full, rel=0.05), (lo, hi)


@pytest.mark.skipif(not cwru_path().exists(), reason="CWRU recordings not available")
def test_inner_race_defect_injected_into_the_real_cwru_normal_baseline():
    sig = signal_from_file(cwru_path(), column="accel_g", recording="Normal_0")
    assert sig.fs_hz == 48_000.0 and sig.shaft_hz * 60.0 == pytest.approx(1796.0)
    fault = {
        "kind": "bearing_defect",
        "target": "bearing.drive_end",
        "trigger": {"at_s": 1.0},
        "part": "inner_race",
        "size_mm": 0.178,
    }
    out = inject_fault(sig, "cwru_rig", [fault], accelerometer="drive_end_vertical")
    assert out.metadata["shaft_speed_from"] == "recording"
    assert out.metadata["synthesis_rate_hz"] == 96_000
    after = out.t_s >= 1.0
    bpfi = BPFI * sig.shaft_hz
    band = (2000.0, 5000.0)
    f, ses_out = squared_envelope_spectrum(out.injected_m_s2[after], sig.fs_hz, band)
    _, ses_base = squared_envelope_spectrum(out.baseline_m_s2[after], sig.fs_hz, band)
    f_peak, _ = peak_near(f, ses_out, bpfi, rel_tol=0.03)
    assert abs(f_peak - bpfi) / bpfi < 0.01
    db_out = db_above_local_median(f, ses_out, f_peak, 20.0)
    db_base = db_above_local_median(f, ses_base, f_peak, 20.0)
    assert db_out > 25.0  # measured 35.4 dB
    assert db_base < 3.0  # measured -10.9 dB at the same bin: no line there
    # the recording itself is kept, only the fault's response is added
    np.testing.assert_array_equal(out.baseline_m_s2, sig.x_m_s2)
    assert not np.any(out.fault_m_s2[~after])


# ------------------------------------------------------------------------------ bad input


def _fails(match: str, field: str, **kwargs) -> SpecError:
    sig = kwargs.pop("signal", Signal("r", np.zeros(24_000), 12_000.0, 29.9))
    faults = kwargs.pop("faults", [_outer_race()])
    kwargs.setdefault("accelerometer", "drive_end_vertical")
    with pytest.raises(SpecError, match=match) as info:
        inject_fault(sig, "cwru_rig", faults, **kwargs)
    assert info.value.field == field
    return info.value


def test_unknown_or_unsupported_fault_kind_names_the_allowed_ones():
    err = _fails("did you mean 'bearing_defect'", "faults[0].kind", faults=[{"kind": "bearing"}])
    for kind in ("bearing_defect", "imbalance", "misalignment", "looseness", "gear_tooth_damage"):
        assert kind in err.message
    overload = {"kind": "overload", "target": "load", "trigger": {"at_s": 0.5}}
    _fails("'overload' is not allowed: only faults the vibration stage", "faults[1].kind",
           faults=[_outer_race(), overload])  # fmt: skip


def test_missing_shaft_speed_asks_for_it():
    no_speed = Signal("r", np.zeros(24_000), 12_000.0, math.nan)
    _fails("shaft speed is not known.*give shaft_rpm", "shaft_rpm", signal=no_speed)
    _fails("rpm > 0", "shaft_rpm", shaft_rpm=-100.0)


def test_a_bearing_the_machine_does_not_have_is_named_with_the_allowed_ones():
    err = _fails(
        "no bearing 'middle'.*bearing.drive_end, bearing.fan_end",
        "faults[0].target",
        faults=[_outer_race(target="bearing.middle")],
    )
    assert err.value == "bearing.middle"


def test_bad_fault_parameters_get_the_scenario_messages():
    _fails("must be a number greater than 0", "faults[0].size_mm", faults=[_outer_race(size_mm=-1)])
    _fails("did you mean 'outer_race'", "faults[0].part", faults=[_outer_race(part="outer")])


def test_accelerometer_must_be_known():
    _fails("has 2 accelerometers.*drive_end_vertical, fan_end_vertical", "accelerometer",
           accelerometer=None)  # fmt: skip
    _fails("did you mean 'drive_end_vertical'", "accelerometer", accelerometer="drive_end_vert")


def test_cli_inject_writes_the_file_and_its_labels(tmp_path):
    from click.testing import CliRunner

    from failsim.cli import main

    result = failsim.simulate("cwru_rig_0hp", duration_s=2.0)
    vib = result.to_pandas("vibration")
    csv = tmp_path / "rec.csv"
    vib[["t_s", "accel_drive_end_vertical_m_s2"]].to_csv(csv, index=False)
    faults = tmp_path / "faults.yaml"
    faults.write_text(
        "faults:\n  - {kind: bearing_defect, target: bearing.drive_end, part: outer_race,"
        " size_mm: 0.178, trigger: {at_s: 1.0}}\n",
        encoding="utf-8",
    )
    out, labels = tmp_path / "inj.parquet", tmp_path / "labels.parquet"
    args = ["inject", "--baseline", str(csv), "--machine", "cwru_rig", "--column",
            "accel_drive_end_vertical_m_s2", "--unit", "m/s2", "--shaft-rpm", "1796",
            "--accelerometer", "drive_end_vertical", "--out", str(out)]  # fmt: skip
    ok = CliRunner().invoke(main, [*args, "--fault", str(faults), "--labels", str(labels)])
    assert ok.exit_code == 0, ok.output
    table = pd.read_parquet(out)
    assert len(table) == len(vib)
    assert not table.is_anomaly[table.t_s < 1.0].any() and table.is_anomaly[table.t_s >= 1.0].all()
    assert labels.exists()
    inline = CliRunner().invoke(
        main,
        [*args[:-1], str(tmp_path / "inline.parquet"), "--fault",
         "{kind: imbalance, target: rotor, unbalance_g_mm: 300, trigger: {at_s: 0.5}}"],
    )  # fmt: skip
    assert inline.exit_code == 0, inline.output
    bad = CliRunner().invoke(main, [*args, "--fault", "{kind: overload, target: load}"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert "bearing_defect" in bad.output  # names the kinds it can inject
    assert not (tmp_path / "inj.parquet.partial").exists()
