"""Imbalance and misalignment: the forces against their laws (a 1x force U w^2; 2x radial
and 1x axial forces from the transmitted torque), and their lines in the pump's vibration."""

from __future__ import annotations

import math

import numpy as np
import pytest

import failsim
from failsim.components.machine import Machine
from failsim.faults.shaft_faults import COUPLING_LENGTH_M, COUPLING_RADIUS_M, shaft_force
from failsim.kernels import layout as L
from failsim.vibration.stage import VibrationStage

FS = 51_200.0


def _trace(w_rad_s: float, torque_n_m: float, n: int = 51_200) -> np.ndarray:
    t = np.arange(n) / FS
    trace = np.zeros((L.N_T, n))
    trace[L.T_THETA_M] = w_rad_s * t
    trace[L.T_WM] = w_rad_s
    trace[L.T_PSIRA] = 1.0
    trace[L.T_TSHAFT] = torque_n_m
    return trace


def _fault_forces(fault: dict, trace: np.ndarray) -> list[np.ndarray]:
    """Forces (3, n) of the fault alone at each bearing: the stage with it minus without."""
    machine = Machine.from_spec(failsim.load_machine("im_7p5kw_pump"))
    base = VibrationStage(machine, 1, 25_600, 2, 50.0)
    with_fault = VibrationStage(machine, 1, 25_600, 2, 50.0)
    src, *_ = shaft_force(fault, 0, len(with_fault.locations), 1, 10.0)
    with_fault.add_shaft_force(src)
    a, b = with_fault.forces(trace), base.forces(trace)
    return [a[loc] - b[loc] for loc in base.locations]


def _amplitude(x: np.ndarray, order: float, w_rad_s: float) -> float:
    """Amplitude of the component at order x the shaft frequency (whole periods)."""
    t = np.arange(x.size) / FS
    ph = np.exp(-1j * order * w_rad_s * t)
    return float(2.0 * abs(np.mean(x * ph)))


@pytest.mark.parametrize("w", [80.0, 150.0])
def test_imbalance_force_is_u_w_squared(w):
    u_g_mm = 500.0
    fault = {"kind": "imbalance", "target": "rotor", "trigger": {"at_s": 0.0},
             "unbalance_g_mm": u_g_mm}  # fmt: skip
    n = round(FS * 2 * math.pi / w) * 40  # 40 whole turns
    trace = _trace(w, 0.0, n)
    trace[L.T_THETA_M] = np.arange(n) * (2 * math.pi * 40 / n)  # exactly 40 turns
    w_exact = 2 * math.pi * 40 / n * FS
    trace[L.T_WM] = w_exact
    forces = _fault_forces(fault, trace)
    expected = u_g_mm * 1e-6 * w_exact**2 / len(forces)  # shared by the bearings
    for f in forces:
        assert _amplitude(f[0], 1, w_exact) == pytest.approx(expected, rel=1e-9)
        assert _amplitude(f[1], 1, w_exact) == pytest.approx(expected, rel=1e-9)
        assert np.all(f[2] == 0.0)


def test_misalignment_forces_are_2x_radial_and_1x_axial_from_the_torque():
    offset_mm, angular = 0.3, 0.1  # mm, mm per 100 mm
    fault = {"kind": "misalignment", "target": "coupling", "trigger": {"at_s": 0.0},
             "offset_mm": offset_mm, "angular_mm_per_100mm": angular}  # fmt: skip
    n = 51_200
    w = 2 * math.pi * 25 * FS / n  # 25 whole turns
    torque = 49.5
    forces = _fault_forces(fault, _trace(w, torque, n))
    alpha = angular / 100.0
    radial = torque / COUPLING_RADIUS_M * (offset_mm * 1e-3 / COUPLING_LENGTH_M + alpha)
    axial = torque / COUPLING_RADIUS_M * alpha
    de, nde = forces
    assert _amplitude(de[0], 2, w) == pytest.approx(radial, rel=1e-9)
    assert _amplitude(de[1], 2, w) == pytest.approx(radial, rel=1e-9)
    assert _amplitude(de[2], 1, w) == pytest.approx(axial, rel=1e-9)
    assert _amplitude(de[0], 1, w) < 1e-9 * radial
    assert np.all(nde == 0.0)  # on the coupling's bearing only


def _line(res, col: str, order: int, t0: float, t1: float) -> float:
    vib, proc = res.to_pandas("vibration"), res.to_pandas("process")
    f_r = float(proc[(proc.t_s > t0) & (proc.t_s < t1)].speed_rpm.mean()) / 60.0
    x = vib[(vib.t_s >= t0) & (vib.t_s < t1)][col].to_numpy(float)
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size))) * 4 / x.size
    f = np.fft.rfftfreq(x.size, 1 / 25_600)
    k = int(np.argmin(np.abs(f - order * f_r)))
    return float(spec[k - 2 : k + 3].max())


H, V = "accel_drive_end_horizontal_m_s2", "accel_drive_end_vertical_m_s2"


@pytest.mark.parametrize(
    ("fault", "order", "gain", "col"),
    [
        ({"kind": "imbalance", "target": "rotor", "unbalance_g_mm": 500.0}, 1, 2.0, H),
        ({"kind": "misalignment", "target": "coupling", "offset_mm": 0.3}, 2, 3.0, H),
        ({"kind": "looseness", "target": "bearing.drive_end", "looseness_pct": 80.0}, 4, 5.0, V),
    ],
)
def test_the_fault_raises_its_line_in_the_vibration(fault, order, gain, col):
    fault = {**fault, "trigger": {"at_s": 3.0}}
    res = failsim.simulate(
        "im_7p5kw_pump_rated",
        duration_s=6.0,
        overrides={"faults": [fault], "operation.stop_at_s": None},
    )
    assert _line(res, col, order, 3.5, 5.5) > gain * _line(res, col, order, 1.0, 3.0)
    ev = res.to_pandas("events")
    assert list(ev[ev.category == "fault"].kind) == [fault["kind"]]
    lab = res.labels.to_pandas()
    assert float(lab.t_s.min()) == 3.0 and lab.health.between(0.0, 1.0).all()


def _cap_harmonic(k: int, loss: float) -> float:
    """Fourier amplitude (per unit F_1) of max(0, cos u - c) for |u| < a = arccos(c),
    c = 1 - loss: the cap a loose support adds once per turn."""
    c = 1.0 - loss
    a = math.acos(c)
    if k == 1:
        return abs(a + math.sin(2 * a) / 2 - 2 * c * math.sin(a)) / math.pi
    return (
        abs(
            math.sin((k - 1) * a) / (k - 1)
            + math.sin((k + 1) * a) / (k + 1)
            - 2 * c * math.sin(k * a) / k
        )
        / math.pi
    )


@pytest.mark.parametrize("loss", [0.3, 0.8])
def test_loose_support_adds_the_harmonics_of_its_truncated_1x_force(loss):
    machine = Machine.from_spec(failsim.load_machine("im_7p5kw_pump"))
    base = VibrationStage(machine, 1, 25_600, 2, 50.0)
    loose = VibrationStage(machine, 1, 25_600, 2, 50.0)
    loose.loosen_support("drive_end", loss, [(0.0, None)])
    n = 51_200
    w = 2 * math.pi * 25 * FS / n  # 25 whole turns
    trace = _trace(w, 0.0, n)
    added = loose.forces(trace)["drive_end"] - base.forces(trace)["drive_end"]
    f_1 = base.share * base.mass_ecc * w**2
    for k in range(1, 7):
        assert _amplitude(added[1], k, w) == pytest.approx(f_1 * _cap_harmonic(k, loss), rel=1e-4)
    assert np.all(added[0] == 0.0) and np.all(added[1] >= 0.0)
    assert np.all(loose.forces(trace)["non_drive_end"] == base.forces(trace)["non_drive_end"])
