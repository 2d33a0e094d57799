"""A damaged pinion tooth: the mesh force loses ``loss`` while that tooth is in mesh (1 / Z
of each turn), which puts sidebands at the mesh order Z +/- k with the Fourier coefficients
of that gap: (loss / Z) |sinc(k / Z)| against the carrier's 1 - loss / Z."""

from __future__ import annotations

import math

import numpy as np
import pytest

import failsim
from failsim.components.machine import Machine
from failsim.kernels import layout as L
from failsim.vibration.stage import VibrationStage

FS = 51_200.0


def _mesh_force(loss: float | None, turns: int = 64, w: float = 150.0) -> tuple[np.ndarray, int]:
    machine = Machine.from_spec(failsim.load_machine("conveyor_7p5kw"))
    stage = VibrationStage(machine, 1, 25_600, 2, 50.0)
    stage.mesh_modulation = 0.0  # without the gear's runout: the gap alone modulates
    if loss is not None:
        stage.damage_tooth(loss, [(0.0, None)], 0.3)
    n = round(turns * 2 * math.pi / w * FS)
    trace = np.zeros((L.N_T, n))
    trace[L.T_THETA_M] = np.arange(n) * (2 * math.pi * turns / n)
    trace[L.T_WM] = w
    trace[L.T_TSHAFT] = stage.torque_rated
    extra = stage._extra_forces(trace)
    return extra[stage.mesh_location, 1], stage.mesh_teeth


def _orders(x: np.ndarray, turns: int) -> np.ndarray:
    """Amplitude per shaft order (the record holds a whole number of turns)."""
    return 2.0 * np.abs(np.fft.rfft(x)) / x.size


@pytest.mark.parametrize("loss", [0.2, 0.6])
def test_tooth_gap_sidebands_follow_the_fourier_coefficients(loss):
    turns = 64
    x, z = _mesh_force(loss, turns)
    amp = _orders(x, turns)
    carrier = amp[z * turns]
    healthy = _orders(_mesh_force(None, turns)[0], turns)
    for k in range(1, 7):
        expected = loss / z * abs(np.sinc(k / z)) / (1.0 - loss / z)
        # the gap also modulates the negative mesh frequency, whose image adds up to
        # sinc(2 + k / Z) / sinc(k / Z) (about 3 %) at the same orders
        image = abs(np.sinc(2 + k / z) / np.sinc(k / z))
        for side in (-1, 1):
            ratio = amp[(z + side * k) * turns] / carrier
            assert ratio == pytest.approx(expected, rel=image + 0.005)
            assert healthy[(z + side * k) * turns] < 1e-9 * healthy[z * turns]


def test_tooth_damage_shows_in_the_conveyor_vibration():
    fault = {"kind": "gear_tooth_damage", "target": "gearbox", "trigger": {"at_s": 0.0},
             "stiffness_loss_pct": 60.0}  # fmt: skip
    res = failsim.simulate("conveyor_7p5kw_normal", duration_s=20.0, overrides={"faults": [fault]})
    healthy = failsim.simulate("conveyor_7p5kw_normal", duration_s=20.0)

    def sidebands(r) -> float:
        vib, proc = r.to_pandas("vibration"), r.to_pandas("process")
        f_r = float(proc[proc.t_s >= 14.0].speed_rpm.mean()) / 60.0
        x = vib[vib.t_s >= 14.0].accel_drive_end_vertical_m_s2.to_numpy(float)
        spec = np.abs(np.fft.rfft(x * np.hanning(x.size))) * 4 / x.size
        f = np.fft.rfftfreq(x.size, 1 / 25_600)
        total = 0.0
        for k in (-6, -5, -4, -3, -2, 2, 3, 4, 5, 6):
            j = int(np.argmin(np.abs(f - (17 + k) * f_r)))
            total += float(spec[j - 1 : j + 2].max())
        return total

    assert sidebands(res) > 3.0 * sidebands(healthy)
    lab = res.labels.to_pandas()
    assert set(lab.fault_kind) == {"gear_tooth_damage"}
    np.testing.assert_allclose(lab.health, 0.4, rtol=1e-6)
