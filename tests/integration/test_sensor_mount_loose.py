"""A loosened accelerometer mount (``sensor_mount_loose``): the measured vibration channel is
seen through the loose mount's second-order response inside the fault window, and nothing
else of the run changes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import signal

from failsim.cli import main
from failsim.errors import SpecError
from failsim.simulation import SolverOptions, simulate

SCENARIO = "im_7p5kw_pump_rated"
DURATION_S = 1.2
ON_S, OFF_S = 0.6, 1.0
FS = 25_600  # the scenario's vibration rate (schema default)
CHANNEL = "accel_drive_end_vertical_m_s2"
TARGET = f"vibration.{CHANNEL}"
RESONANCE_HZ = 2000.0  # where the healthy drive-end vertical signal is ~30 dB above the noise
ZETA = 0.1  # the default damping ratio


def _mount_db(f_hz: np.ndarray, fn: float, zeta: float) -> np.ndarray:
    """|H|^2 in dB of the mount response 1 / (1 - r^2 + 2 j zeta r), r = f / fn."""
    r = np.asarray(f_hz) / fn
    return -10.0 * np.log10((1.0 - r * r) ** 2 + (2.0 * zeta * r) ** 2)


def _fault(**changes):
    fault = {
        "kind": "sensor_mount_loose",
        "target": TARGET,
        "trigger": {"at_s": ON_S, "duration_s": OFF_S - ON_S},
        "resonance_hz": RESONANCE_HZ,
        "label": "magnet base knocked loose",
    }
    fault.update(changes)
    return fault


def _run(faults, options=None, duration_s=DURATION_S, **overrides):
    return simulate(
        SCENARIO,
        duration_s=duration_s,
        overrides={"faults": faults, **overrides},
        options=options,
    )


@pytest.fixture(scope="module")
def healthy():
    return _run([])


@pytest.fixture(scope="module")
def loose():
    return _run([_fault()])


def _channel(res, name=CHANNEL):
    v = res.streams["vibration"]
    return v.column("t_s").to_numpy(), v.column(name).to_numpy().astype(np.float64)


def test_psd_ratio_shows_the_loose_mount_response(healthy, loose):
    t, x = _channel(healthy)
    _, y = _channel(loose)
    # the fault window of both runs, after the mount's start-up ringing (time constant
    # 1 / (zeta 2 pi fn) = 0.8 ms) has died away
    sel = (t >= ON_S + 0.02) & (t < OFF_S)
    f, p_healthy = signal.welch(x[sel], fs=FS, nperseg=4096)
    _, p_loose = signal.welch(y[sel], fs=FS, nperseg=4096)
    ratio_db = 10.0 * np.log10(p_loose / p_healthy)

    # resonance peak: at fn sqrt(1 - 2 zeta^2) = 0.99 fn, about 1 / (2 zeta) high (14 dB)
    near = (f > 0.5 * RESONANCE_HZ) & (f < 1.5 * RESONANCE_HZ)
    i = np.argmax(np.where(near, ratio_db, -np.inf))
    assert abs(f[i] / RESONANCE_HZ - 1.0) < 0.03, f[i]
    assert abs(ratio_db[i] - 20.0 * math.log10(1.0 / (2.0 * ZETA))) < 1.5, ratio_db[i]

    # roll-off: |H|^2 at r = 3 is 1 / ((1 - 9)^2 + (0.6)^2) = -18.1 dB, and it falls further
    # up to r = 4 (-23.5 dB); 3 dB of margin for the sensor noise floor, which the loose
    # mount does not filter, and the spectral estimate
    x_db = -_mount_db(3.0 * RESONANCE_HZ, RESONANCE_HZ, ZETA) - 3.0
    assert x_db == pytest.approx(15.1, abs=0.1)
    band = (f >= 3.0 * RESONANCE_HZ) & (f <= 4.0 * RESONANCE_HZ)
    assert band.sum() > 100
    assert ratio_db[band].max() < -x_db, ratio_db[band].max()
    # and the slope follows the formula: power in 250 Hz bands against the healthy power
    # weighted by |H|^2 (the bilinear transform makes the digital filter fall slightly faster
    # towards Nyquist, and the stud mount's own rise adds a little)
    for lo in np.arange(1.5, 4.0, 0.125) * RESONANCE_HZ:
        b = (f >= lo) & (f < lo + 250.0)
        measured = 10.0 * np.log10(p_loose[b].sum() / p_healthy[b].sum())
        h2 = 10.0 ** (_mount_db(f[b], RESONANCE_HZ, ZETA) / 10.0)
        expected = 10.0 * np.log10((p_healthy[b] * h2).sum() / p_healthy[b].sum())
        assert abs(measured - expected) < 2.0, (lo, measured, expected)


def test_only_the_vibration_channel_changes(healthy, loose):
    for name, table in healthy.streams.items():
        other = loose.streams[name]
        for col in table.column_names:
            if name == "vibration" and col in (CHANNEL, "sensor_fault_mask"):
                continue
            assert table.column(col).equals(other.column(col)), f"{name}.{col} changed"
        if name != "vibration":
            assert table.column("sensor_fault_mask").equals(other.column("sensor_fault_mask"))

    t, x = _channel(healthy)
    _, y = _channel(loose)
    before = t < ON_S
    np.testing.assert_array_equal(x[before], y[before])
    inside = (t >= ON_S) & (t < OFF_S)
    assert np.any(x[inside] != y[inside])
    # after the window the stud mount is back; only the memory of the DAQ's AC coupling
    # (0.5 Hz high-pass) keeps a trace of the window, far below the signal
    late = t >= OFF_S + 0.01
    assert np.max(np.abs(y[late] - x[late])) < 1e-3 * np.std(x[late])

    mask = loose.streams["vibration"].column("sensor_fault_mask").to_numpy()
    np.testing.assert_array_equal(mask, np.where(inside, 1, 0))
    for table in loose.streams.values():
        assert not table.column("is_anomaly").to_numpy().any()
    ev = loose.events.to_pandas()
    sf = ev[ev.category == "sensor_fault"]
    assert len(sf) == 1
    row = sf.iloc[0]
    assert row.kind == "sensor_mount_loose" and row.target == TARGET
    assert row.t_s == ON_S and row.end_s == pytest.approx(OFF_S)
    assert row.value == RESONANCE_HZ and row.value_unit == "Hz"
    assert row.source == "scenario: magnet base knocked loose"
    assert row.fault_index == 0


def test_output_does_not_depend_on_the_chunk_size():
    # an intermittent loose mount switches many times, across chunk boundaries too
    fault = _fault(
        trigger={"at_s": 0.3, "duration_s": 0.4, "intermittent": {"on_s": 0.05, "off_s": 0.03}},
        resonance_hz=1500.0,
        damping_ratio=0.05,
    )
    a = _run([fault], SolverOptions(chunk_s=0.07), duration_s=0.8)
    b = _run([fault], duration_s=0.8)
    for name in a.streams:
        assert a.streams[name].equals(b.streams[name]), name
    mask = a.streams["vibration"].column("sensor_fault_mask").to_numpy()
    assert np.count_nonzero(np.diff(mask)) >= 9  # five windows: on and off edges


def test_same_seed_same_output(loose):
    again = _run([_fault()])
    assert again.streams["vibration"].equals(loose.streams["vibration"])


@pytest.mark.parametrize(
    ("change", "overrides", "field", "words"),
    [
        ({"resonance_hz": None}, {}, "faults[0].resonance_hz", "needs 'resonance_hz'"),
        ({"resonance_hz": -5.0}, {}, "faults[0].resonance_hz", "greater than 0"),
        ({"resonance_hz": 0.0}, {}, "faults[0].resonance_hz", "greater than 0"),
        # the vibration stream at 25.6 kHz: Nyquist 12.8 kHz
        ({"resonance_hz": 12_800.0}, {}, "faults[0].resonance_hz", "(0, 12800) Hz"),
        (
            {"resonance_hz": 20_000.0},
            {"streams.vibration.sample_rate_hz": 32_000},
            "faults[0].resonance_hz",
            "(0, 16000) Hz",
        ),
        # the pump's accelerometers sit on 30 kHz stud mounts
        (
            {"resonance_hz": 40_000.0},
            {"streams.vibration.sample_rate_hz": 102_400},
            "faults[0].resonance_hz",
            "mounted_resonance_hz = 30000 Hz",
        ),
        ({"damping_ratio": 0.0}, {}, "faults[0].damping_ratio", "greater than 0"),
        ({"damping_ratio": 1.0}, {}, "faults[0].damping_ratio", "less than 1"),
        ({"target": "current.current_a_a"}, {}, "faults[0].target", "vibration stream"),
        ({"target": "process.temp_winding_c"}, {}, "faults[0].target", "accelerometer"),
        ({"offset": 1.0}, {}, "faults[0]", "takes only 'resonance_hz', 'damping_ratio'"),
        (
            {"target": "vibration.accel_drive_end_vertcal_m_s2"},
            {},
            "faults[0].target",
            "accel_drive_end_vertical_m_s2",
        ),
    ],
)
def test_bad_parameters_are_one_clear_error(change, overrides, field, words):
    fault = _fault(**change)
    fault = {k: v for k, v in fault.items() if v is not None}
    with pytest.raises(SpecError) as err:
        _run([fault], **overrides)
    msg = str(err.value)
    assert field in msg and words in msg, msg


def test_validate_names_file_field_value_and_range(tmp_path):
    scen = tmp_path / "loose.yaml"
    scen.write_text(
        "name: loose\nmachine: im_7p5kw_pump\nduration_s: 1.0\nfaults:\n"
        "  - kind: sensor_mount_loose\n"
        "    target: vibration.accel_drive_end_vertical_m_s2\n"
        "    trigger: {at_s: 0.5}\n"
        "    resonance_hz: 14000\n"
    )
    result = CliRunner().invoke(main, ["validate", str(scen)])
    assert result.exit_code == 2
    out = result.output
    assert "loose.yaml" in out and "faults[0].resonance_hz" in out, out
    assert "14000" in out and "(0, 12800) Hz" in out and "Nyquist" in out, out
    assert "Traceback" not in out
