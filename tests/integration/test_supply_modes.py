"""Electrical modes the fault catalogue builds on, checked against sequence-circuit results:
voltage unbalance, an open line, and condition-triggered events."""

from __future__ import annotations

import math

import numpy as np
import pytest

import failsim
from failsim.simulation import SolverOptions

from .conftest import IDEAL

FROZEN = SolverOptions(thermal_coupling=False)
R_S, R_R, L_LS, L_LR, L_M = 0.7384, 0.7402, 0.003045, 0.003045, 0.1241
V_PH = 400.0 / math.sqrt(3.0)
W_E = 2 * math.pi * 50.0


def z_phase(slip: float) -> complex:
    """Per-phase impedance of the T circuit at ``slip`` (no iron loss), ohm."""
    zr = R_R / slip + 1j * W_E * L_LR
    zm = 1j * W_E * L_M
    return R_S + 1j * W_E * L_LS + zm * zr / (zm + zr)


def _machine(load_n_m: float) -> dict:
    return {
        **IDEAL,
        "load": {"type": "constant", "rated_torque_n_m": load_n_m, "breakaway_torque_n_m": 0.0},
        "bearings": [
            {
                "name": "drive_end",
                "designation": "6308",
                "bore_diameter_m": 0.04,
                "radial_load_n": 0.0,
            },
            {
                "name": "non_drive_end",
                "designation": "6208",
                "bore_diameter_m": 0.04,
                "radial_load_n": 0.0,
            },
        ],
    }


def _sequence_currents(result, t_from: float, t_to: float) -> tuple[complex, complex, float]:
    """Positive- and negative-sequence current phasors (peak, A) over a whole number of
    cycles, and the mean slip."""
    cur = result.to_pandas("current")
    sel = cur[(cur.t_s >= t_from) & (cur.t_s < t_to)]
    t = sel.t_s.to_numpy()
    ia, ib, ic = (
        sel[c].to_numpy(dtype=float) for c in ("current_a_a", "current_b_a", "current_c_a")
    )
    i_ab = (2.0 / 3.0) * (ia - 0.5 * (ib + ic)) + 1j * (ib - ic) / math.sqrt(3.0)
    i1 = np.mean(i_ab * np.exp(-1j * W_E * t))
    i2 = np.mean(i_ab * np.exp(1j * W_E * t))
    proc = result.to_pandas("process")
    speed = proc[(proc.t_s > t_from) & (proc.t_s <= t_to)].speed_rpm.mean()
    return i1, i2, 1.0 - speed / 1500.0


def test_voltage_unbalance_draws_negative_sequence_current(write_specs):
    # I2 / I1 = (V2 / V1) |Z(s)| / |Z(2 - s)|: the negative sequence sees the rotor at slip 2 - s
    vuf = 0.03
    path = write_specs(
        _machine(30.0), {"duration_s": 2.0, "supply": {"voltage_unbalance_pct": 100 * vuf}}
    )
    result = failsim.simulate(path, options=FROZEN)
    i1, i2, slip = _sequence_currents(result, 1.0, 2.0)
    expected = vuf * abs(z_phase(slip)) / abs(z_phase(2.0 - slip))
    assert abs(i2) / abs(i1) == pytest.approx(expected, rel=0.02)
    assert abs(i1) == pytest.approx(math.sqrt(2) * V_PH / abs(z_phase(slip)), rel=0.01)


@pytest.mark.parametrize("load_n_m", [24.75, 49.5])
def test_open_line_currents_follow_the_sequence_circuits(write_specs, load_n_m):
    # line a open: I_a = 0, I_b = -I_c, |I_b| = sqrt(3) V / |Z(s) + Z(2 - s)| at the new slip
    path = write_specs(
        _machine(load_n_m),
        {"duration_s": 3.0, "events": [{"at_s": 1.0, "action": "open_phase", "phase": "a"}]},
    )
    result = failsim.simulate(path, options=FROZEN)
    cur = result.to_pandas("current")
    after = cur[cur.t_s >= 2.0]
    assert np.abs(after.current_a_a.to_numpy()).max() < 1e-3
    np.testing.assert_allclose(after.current_b_a, -after.current_c_a, atol=2e-3)
    _, _, slip = _sequence_currents(result, 2.0, 3.0)
    rms_b = float(np.sqrt(np.mean(after.current_b_a.to_numpy(dtype=float) ** 2)))
    expected = math.sqrt(3.0) * V_PH / abs(z_phase(slip) + z_phase(2.0 - slip))
    assert rms_b == pytest.approx(expected, rel=0.01)
    ev = result.to_pandas("events")
    assert list(ev[ev.kind == "phase_opened"].target) == ["a"]


def test_condition_trigger_opens_contactor(write_specs):
    # an over-current condition held for 0.3 s opens the contactor of a stalled motor
    changes = _machine(0.0)
    changes["motor"] = {**changes["motor"], "inertia_kg_m2": 1.0e5}
    changes["load"] = {**changes["load"], "inertia_kg_m2": 1.0e5}
    event = {
        "when": {"signal": "current_rms_a", "above": 60.0, "for_s": 0.3},
        "action": "open_contactor",
        "label": "overcurrent_stop",
    }
    path = write_specs(changes, {"duration_s": 1.0, "events": [event]})
    result = failsim.simulate(path)
    ev = result.to_pandas("events")
    fired = ev[ev.kind == "trigger_fired"]
    assert list(fired.target) == ["operation.start_at_s", "overcurrent_stop"]
    t_fire = float(fired.t_s.iloc[1])
    assert 0.3 <= t_fire <= 0.35
    assert float(fired.value.iloc[1]) > 60.0
    t_open = float(ev[ev.kind == "contactor_opened"].t_s.iloc[0])
    assert t_open == pytest.approx(t_fire + 0.02, abs=1e-9)
    assert "relay_trip" not in set(ev.kind)
    cur = result.to_pandas("current")
    assert np.abs(cur[cur.t_s > t_open][["current_a_a", "current_b_a"]].to_numpy()).max() < 1e-3
