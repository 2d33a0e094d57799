"""The induction-motor-on-mains kernel against its plain reference (tests/reference).

Each case builds the bundled 7.5 kW pump machine with a short scenario (0.1 s at 20 kHz,
thermal sub-cycle of 20 steps so the thermal network, the relay and the condition triggers
run a hundred times), runs the Numba kernel and the reference, and compares the final carried
state, both streams and the event log. Floating-point operations are not done in the same
order, so values agree to a relative 1e-9 of each quantity's scale; event codes, arguments
and times are identical.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from failsim.components.machine import Machine
from failsim.kernels import layout as L
from failsim.kernels.pack import Packed, pack
from failsim.spec import scenario_from_dict

_REF_PATH = Path(__file__).resolve().parents[2] / "reference" / "machine_kernel_ref.py"


def _load_reference():
    name = "machine_kernel_ref"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _REF_PATH)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


ref = _load_reference()

RATE_HZ = 20_000
FAST_HZ = 10_000
SLOW_HZ = 1_000
TRACE_HZ = 48_000  # above the solver rate: several trace samples per step
SUBSTEPS = 20
DURATION_S = 0.1
RTOL = 1e-9


@pytest.fixture(scope="module")
def advance():
    from failsim.kernels.machine_kernel import advance

    return advance


def build(
    events: list | None = None,
    *,
    supply: dict | None = None,
    operation: dict | None = None,
    initial: dict | None = None,
    duration_s: float = DURATION_S,
    thermal_coupling: bool = True,
    faults: list | None = None,
) -> Packed:
    data = {
        "name": "kernel_vs_reference",
        "machine": "im_7p5kw_pump",
        "duration_s": duration_s,
        "seed": 1,
        "environment": {"ambient_temp_c": 25.0},
        "supply": supply or {"voltage_pu": 1.0},
        "operation": operation or {"start_at_s": 0.0},
        "initial": initial or {},
        "events": events or [],
        "faults": faults or [],
        "streams": {
            "current": {"sample_rate_hz": FAST_HZ},
            "process": {"sample_rate_hz": SLOW_HZ},
        },
        "solver": {"rate_hz": RATE_HZ, "thermal_substeps": SUBSTEPS},
    }
    scenario = scenario_from_dict(data)
    machine = Machine.from_spec(scenario.machine)
    return pack(machine, scenario.data, thermal_coupling=thermal_coupling)


def add_trigger(pk: Packed, row_i: tuple, row_f: tuple) -> Packed:
    pk.trig_i = np.vstack([pk.trig_i, np.array(row_i, dtype=np.int64)])
    row_f = (*row_f, 0.0) if len(row_f) == 3 else row_f  # armed from t = 0
    pk.trig_f = np.vstack([pk.trig_f, np.array(row_f, dtype=np.float64)])
    pk.trig_s = np.vstack([pk.trig_s, np.zeros(2)])
    pk.trigger_labels = [*pk.trigger_labels, "extra"]
    return pk


def n_samples(n_steps: int, fs: int) -> int:
    return -(-n_steps * fs // RATE_HZ)


def run_kernel(advance, packed: Packed, cuts: list[int] | None = None) -> dict:
    """Run the kernel like the simulation engine: one call per chunk, per-chunk buffers."""
    pk = packed.copy()
    cuts = cuts or [pk.n_total]
    fast_parts, slow_parts, trace_parts, events = [], [], [], []
    n0 = 0
    for n1 in cuts:
        kf0, kf1 = n_samples(n0, FAST_HZ), n_samples(n1, FAST_HZ)
        ks0, ks1 = n_samples(n0, SLOW_HZ), n_samples(n1, SLOW_HZ)
        fast = np.full((L.N_F, kf1 - kf0), np.nan)
        slow = np.full((L.N_Q, ks1 - ks0), np.nan)
        kt0, kt1 = n_samples(n0, TRACE_HZ), n_samples(n1, TRACE_HZ)
        trace = np.full((L.N_T, kt1 - kt0), np.nan)
        advance(
            pk.x, pk.s, pk.ii, pk.p, pk.prof, pk.prof_n, pk.th,
            pk.trig_i, pk.trig_f, pk.trig_s, pk.ev, n1,
            FAST_HZ, fast, kf0, SLOW_HZ, slow, ks0, TRACE_HZ, trace, kt0,
        )  # fmt: skip
        events.append(pk.ev[: pk.ii[L.I_N_EVENTS]].copy())
        pk.ii[L.I_N_EVENTS] = 0
        fast_parts.append(fast)
        slow_parts.append(slow)
        trace_parts.append(trace)
        n0 = n1
        if pk.ii[L.I_DIVERGED]:
            break
    return {
        "packed": pk,
        "fast": np.concatenate(fast_parts, axis=1),
        "trace": np.concatenate(trace_parts, axis=1),
        "slow": np.concatenate(slow_parts, axis=1),
        "events": np.concatenate(events, axis=0),
    }


def assert_close(actual, expected, atol, what: str) -> None:
    """|actual - expected| <= atol + RTOL |expected| elementwise (atol may be an array)."""
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    assert actual.shape == expected.shape, what
    excess = np.abs(actual - expected) - (atol + RTOL * np.abs(expected))
    worst = np.unravel_index(np.argmax(excess), excess.shape) if excess.size else ()
    assert not excess.size or excess[worst] <= 0.0, (
        f"{what}: at {worst} kernel {actual[worst]!r}, reference {expected[worst]!r}"
    )


def assert_rows_close(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    """Each row (channel) within RTOL of its own largest magnitude."""
    assert actual.shape == expected.shape, what
    for j in range(expected.shape[0]):
        scale = float(np.max(np.abs(expected[j]), initial=0.0))
        assert_close(actual[j], expected[j], RTOL * scale, f"{what}, row {j}")


def x_scales(pk: Packed) -> np.ndarray:
    """Magnitude of each continuous state that an absolute error is measured against."""
    p = pk.p
    w_sync = 2.0 * math.pi * p[L.P_F_SUPPLY] / p[L.P_POLE_PAIRS]
    scales = np.zeros(L.N_X)
    scales[[L.X_ISA, L.X_ISB]] = p[L.P_I_LIMIT] / 100.0  # rated peak current
    scales[[L.X_PSIRA, L.X_PSIRB]] = p[L.P_V_PEAK] / (2.0 * math.pi * p[L.P_F_SUPPLY])
    scales[[L.X_WM, L.X_WL]] = w_sync
    scales[L.X_TWIST] = p[L.P_LOAD_TN] / p[L.P_K_COUPLING]
    scales[L.X_THM] = w_sync * pk.n_total / p[L.P_RATE_HZ]
    return scales


def compare(kern: dict, expected, start: Packed) -> None:
    pk = kern["packed"]
    # events: identical codes, arguments and times; values within tolerance
    ev_k, ev_r = kern["events"], expected.events
    assert ev_k.shape == ev_r.shape, f"events\nkernel:\n{ev_k}\nreference:\n{ev_r}"
    np.testing.assert_array_equal(ev_k[:, :3], ev_r[:, :3], err_msg="event t, code, arg")
    assert_close(ev_k[:, 3], ev_r[:, 3], RTOL * 1e3, "event values")

    # integer state (the profile cursors and the derivative cache are internal)
    for slot in (
        L.I_STEP,
        L.I_CONTACTOR,
        L.I_PHASE_OPEN,
        L.I_RELAY_TRIPPED,
        L.I_MACHINE_STATE,
        L.I_REACHED_RUNNING,
        L.I_DIVERGED,
        L.I_STATE_LOGGED,
        L.I_K_FAST,
        L.I_K_SLOW,
        L.I_BRAKE,
    ):
        assert pk.ii[slot] == expected.ii[slot], f"ii[{slot}]"
    np.testing.assert_array_equal(pk.trig_s[:, 0], expected.trig_s[:, 0])
    assert_close(pk.trig_s[:, 1], expected.trig_s[:, 1], 1e-15, "trigger hold times")
    np.testing.assert_array_equal(pk.p, expected.p)

    # continuous state
    assert_close(pk.x, expected.x, RTOL * x_scales(start), "x")

    # float carried state
    s_k, s_r = pk.s, expected.s
    for slot in (
        L.S_THETA_SUPPLY,
        L.S_RS,
        L.S_RR,
        L.S_CONTACTOR_OPEN_AT,
        L.S_ACC_DT,
        L.S_BRAKE_AT,
    ):
        assert s_k[slot] == pytest.approx(s_r[slot], rel=RTOL, abs=1e-12), f"s[{slot}]"
    assert_close(s_k[L.S_RELAY_LEVEL], s_r[L.S_RELAY_LEVEL], 1e-15, "relay level")
    assert_close(s_k[L.S_COND_CURRENT_RMS], s_r[L.S_COND_CURRENT_RMS], 1e-12, "rms current")
    acc = slice(L.S_ACC_CU_S, L.S_ACC_BEARING0 + L.N_BEARING_MAX)
    assert_close(s_k[acc], s_r[acc], RTOL * np.max(np.abs(s_r[acc])), "loss integrals")
    heat = slice(L.S_LOSS_INT0, L.S_LOSS_INT_T + 1)
    assert_close(s_k[heat], s_r[heat], RTOL * np.max(np.abs(s_r[heat])), "heat integrals")
    slow_acc = slice(L.S_SLOW_ACC0, L.S_SLOW_ACC0 + L.N_AVG)
    assert_rows_close(s_k[slow_acc, None], s_r[slow_acc, None], "slow-stream integrals")
    # temperatures: compare the rise from the start, which is small in 0.1 s
    temps = slice(L.S_TEMPS0, L.S_TEMPS0 + int(start.p[L.P_N_NODES]))
    rise_k = s_k[temps] - start.s[temps]
    rise_r = s_r[temps] - start.s[temps]
    assert_close(rise_k, rise_r, RTOL * np.max(np.abs(rise_r)), "temperature rise")

    # streams: every sample up to the last step written (all of them unless the run
    # diverged), each channel within RTOL of its scale
    assert expected.fast_k0 == 0 and expected.slow_k0 == 0
    n_fast, n_slow = expected.fast.shape[1], expected.slow.shape[1]
    n_rows = L.Q_TEMP0 + int(start.p[L.P_N_NODES])
    assert not np.isnan(kern["fast"][:, :n_fast]).any()
    assert not np.isnan(kern["slow"][:n_rows, :n_slow]).any()
    if not expected.ii[L.I_DIVERGED]:
        assert n_fast == kern["fast"].shape[1] and n_slow == kern["slow"].shape[1]
    assert_rows_close(kern["fast"][:, :n_fast], expected.fast, "fast stream")
    n_trace = expected.trace.shape[1]
    assert n_trace > 2 * n_fast and not np.isnan(kern["trace"][:, :n_trace]).any()
    assert_rows_close(kern["trace"][:, :n_trace], expected.trace, "kinematic trace")
    assert_rows_close(kern["slow"][: L.Q_TEMP0, :n_slow], expected.slow[: L.Q_TEMP0], "slow")
    # temperatures: rise from the start within RTOL of the largest rise of any node
    temp_rows = slice(L.Q_TEMP0, n_rows)
    t0 = start.s[temps, None]
    rise_k = kern["slow"][temp_rows, :n_slow] - t0
    rise_r = expected.slow[temp_rows] - t0
    assert_close(rise_k, rise_r, RTOL * np.max(np.abs(rise_r)), "slow temperature rise")


def _case_dol() -> Packed:
    return build()


def _case_coast() -> Packed:
    return build([{"at_s": 0.03, "action": "open_contactor"}])


def _case_open_phase() -> Packed:
    return build(
        [
            {"at_s": 0.025, "action": "open_phase", "phase": "b"},
            {"at_s": 0.07, "action": "restore_phase", "phase": "b"},
        ]
    )


def _case_two_lines_open() -> Packed:
    return build(
        [
            {"at_s": 0.03, "action": "open_phase", "phase": "c"},
            {"at_s": 0.05, "action": "open_phase", "phase": "a"},
            {"at_s": 0.08, "action": "restore_phase", "phase": "c"},
        ]
    )


def _case_rotor_asymmetry() -> Packed:
    pk = build()
    pk.p[L.P_ROTOR_ASYM] = 0.2
    return pk


def _case_unbalance() -> Packed:
    return build(supply={"voltage_unbalance_pct": 3.0, "unbalance_angle_deg": 40.0})


def _case_speed_condition() -> Packed:
    return build(
        [
            {
                "when": {"signal": "speed_rpm", "above": 500.0, "for_s": 0.002},
                "action": "open_contactor",
            }
        ]
    )


def _case_condition_armed_later() -> Packed:
    """The speed passes 500 rpm within 0.03 s, but the condition is watched from 0.08 s."""
    return build(
        [
            {
                "when": {"signal": "speed_rpm", "above": 500.0, "after_s": 0.08},
                "action": "open_contactor",
            }
        ]
    )


def _case_many_conditions() -> Packed:
    return build(
        [
            {"when": {"signal": "torque_n_m", "above": 30.0}, "action": "open_phase", "phase": "c"},
            {
                "when": {"signal": "temp_winding_c", "above": 25.06},
                "action": "restore_phase",
                "phase": "c",
            },
            {
                "when": {"signal": "current_rms_a", "below": 60.0, "for_s": 0.004},
                "action": "open_phase",
                "phase": "a",
            },
            {"when": {"signal": "relay_level_pu", "above": 0.005}, "action": "open_contactor"},
            {
                "when": {"signal": "temp_bearing_drive_end_c", "below": 0.0},
                "action": "open_contactor",
            },
        ]
    )


def _case_relay_trip() -> Packed:
    pk = build()
    pk.p[L.P_RELAY_IE] = 5.0
    pk.p[L.P_RELAY_TAU] = 0.5
    return pk


def _case_load_step_hot_60hz() -> Packed:
    return build(
        supply={"voltage_pu": 0.9, "frequency_hz": 60.0},
        operation={
            "start_at_s": 0.004,
            "stop_at_s": 0.07,
            "load_profile": [
                {"at_s": 0.0, "load_pu": 0.5},
                {"at_s": 0.04, "load_pu": 1.2, "ramp_s": 0.01},
                {"at_s": 0.07, "load_pu": 0.2},
            ],
        },
        initial={
            "temperatures_c": {
                "winding": 90.0,
                "rotor": 110.0,
                "stator_iron": 70.0,
                "housing": 60.0,
            },
            "relay_level_pu": 0.3,
        },
    )


def _case_frozen_resistances() -> Packed:
    return build(initial={"temperatures_c": {"winding": 90.0}}, thermal_coupling=False)


def _case_set_param() -> Packed:
    pk = build()
    return add_trigger(pk, (L.TRIG_AT_TIME, L.ACT_SET_PARAM, L.P_EXT_TORQUE, 0), (0.05, 0, 25.0))


def _load_law(kind: int, tn: float = 20.0, a=0.0, b=0.0, c=0.0):
    def make() -> Packed:
        pk = build()
        pk.p[L.P_LOAD_KIND] = kind
        pk.p[L.P_LOAD_TN] = tn
        pk.p[L.P_LOAD_A] = a
        pk.p[L.P_LOAD_B] = b
        pk.p[L.P_LOAD_C] = c
        return pk

    return make


def _with_brake(pk: Packed, torque_n_m: float = 100.0, delay_s: float = 0.005) -> Packed:
    """The pump with a spring-applied brake on the motor shaft (engaged at standstill)."""
    pk.p[L.P_BRAKE_TORQUE] = torque_n_m
    pk.p[L.P_BRAKE_DELAY] = delay_s
    pk.p[L.P_WEPS_BRAKE] = 2.0 * torque_n_m / (RATE_HZ * pk.p[L.P_JM])
    pk.ii[L.I_BRAKE] = 1
    return pk


def _case_brake_stop() -> Packed:
    return _with_brake(build([{"at_s": 0.03, "action": "open_contactor"}]))


def _case_brake_released_while_pending() -> Packed:
    """Opened, and closed again within the brake's delay: the pending engagement is cancelled."""
    return _with_brake(
        build(
            [
                {"at_s": 0.02, "action": "open_contactor"},
                {"at_s": 0.045, "action": "close_contactor"},
            ]
        ),
        delay_s=0.02,
    )


def _seizure(target: str, torque: float, runaway_s: float, static_ratio: float):
    def make() -> Packed:
        fault = {
            "kind": "seizure",
            "target": target,
            "trigger": {"at_s": 0.03},
            "friction_torque_n_m": torque,
            "runaway_s": runaway_s,
            "static_ratio": static_ratio,
            "stribeck_speed_rad_s": 20.0,
        }
        return build(faults=[fault])

    return make


def _case_condition_profiles() -> Packed:
    """Overload, sag and seizure started by conditions: profiles over the time since."""
    speed = {"signal": "speed_rpm", "above": 600.0}
    return build(
        faults=[
            {"kind": "overload", "target": "load", "trigger": {"when": speed},
             "extra_load_pu": 0.8, "ramp_s": 0.01},
            {"kind": "voltage_sag", "target": "supply", "depth_pu": 0.3,
             "trigger": {"when": {"signal": "torque_n_m", "above": 60.0, "after_s": 0.04}}},
            {"kind": "seizure", "target": "load", "friction_torque_n_m": 40.0,
             "runaway_s": 0.02, "trigger": {"when": {**speed, "after_s": 0.07}}},
        ]
    )  # fmt: skip


def _case_lubrication_runaway() -> Packed:
    """A hot bearing losing its lubricant: the friction grows and runs away with the
    bearing's temperature above 60 degC (which the thermal network updates every sub-cycle)."""
    fault = {"kind": "lubrication_loss", "target": "bearing.drive_end", "trigger": {"at_s": 0.02},
             "friction_factor": 40.0, "degradation_s": 0.03, "runaway_temp_c": 60.0,
             "runaway_width_k": 0.5}  # fmt: skip
    return build(faults=[fault], initial={"temperatures_c": {"bearing_drive_end": 62.0}})


def _case_bearing_defects() -> Packed:
    """An outer-race defect on the drive end, active from 0.02 to 0.07 s, and a growing
    inner-race defect on the non-drive end from 0.05 s: their drag pulses in the shaft angle
    and their heat in each bearing's node. The energies per passage are scaled up 10^4-fold
    (tens of N m of mean drag instead of mN m), so that the drag is far above the tolerance,
    and the regularisation speed with them as the packing does."""
    faults = [
        {"kind": "bearing_defect", "target": "bearing.drive_end", "part": "outer_race",
         "size_mm": 1.0, "trigger": {"at_s": 0.02, "duration_s": 0.05}},
        {"kind": "bearing_defect", "target": "bearing.non_drive_end", "part": "inner_race",
         "size_mm": 0.05, "position_deg": 30.0, "trigger": {"at_s": 0.05},
         "growth": {"time_to_failure_s": 0.04}},
    ]  # fmt: skip
    pk = build(faults=faults)
    assert pk.p[L.P_N_DEFECTS] == 2
    peak = 0.0
    for k in range(2):
        j = int(pk.p[L.P_DEF_PROF0 + k])
        pk.prof[j, :, 1:] *= 1e4
        peak += pk.p[L.P_DEF_NORM0 + k] * pk.prof[j, : pk.prof_n[j], 1].max()
    t_m = pk.p[L.P_BEARING_T_TOTAL] + peak
    pk.p[L.P_WEPS_M] = max(1e-3, 2.0 * t_m / (RATE_HZ * pk.p[L.P_JM]))
    return pk


def _case_diverges() -> Packed:
    pk = build()
    pk.p[L.P_I_LIMIT] = 60.0
    return pk


CASES = {
    "dol_start": _case_dol,
    "open_contactor_coast": _case_coast,
    "open_phase_and_restore": _case_open_phase,
    "two_lines_open": _case_two_lines_open,
    "rotor_asymmetry": _case_rotor_asymmetry,
    "voltage_unbalance_3pct": _case_unbalance,
    "speed_condition_trigger": _case_speed_condition,
    "condition_armed_later": _case_condition_armed_later,
    "many_condition_triggers": _case_many_conditions,
    "relay_trip": _case_relay_trip,
    "load_step_hot_60hz": _case_load_step_hot_60hz,
    "frozen_resistances": _case_frozen_resistances,
    "set_param_trigger": _case_set_param,
    "load_constant": _load_law(L.LOAD_CONSTANT),
    "load_linear": _load_law(L.LOAD_LINEAR),
    "load_polynomial": _load_law(L.LOAD_POLYNOMIAL, a=2.0, b=0.05, c=0.002),
    "diverges": _case_diverges,
    "brake_stop": _case_brake_stop,
    "brake_released_while_pending": _case_brake_released_while_pending,
    "seizure_motor_bearing_step": _seizure("bearing.drive_end", 150.0, 0.0, 1.5),
    "seizure_load_shaft_runaway": _seizure("load", 80.0, 0.05, 2.0),
    "condition_started_profiles": _case_condition_profiles,
    "lubrication_runaway": _case_lubrication_runaway,
    "bearing_defects": _case_bearing_defects,
}


@pytest.fixture(scope="module")
def reference_runs() -> dict:
    """Reference runs are slow (seconds each): run each case once per module."""
    return {}


def reference(name: str, pk: Packed, cache: dict):
    if name not in cache:
        cache[name] = ref.simulate(pk, pk.n_total, FAST_HZ, SLOW_HZ, TRACE_HZ)
    return cache[name]


@pytest.mark.parametrize("name", list(CASES))
def test_kernel_matches_reference(name: str, advance, reference_runs) -> None:
    pk = CASES[name]()
    kern = run_kernel(advance, pk)
    compare(kern, reference(name, pk, reference_runs), pk)


def _codes(events: np.ndarray) -> list[int]:
    return [int(c) for c in events[:, 1]]


def test_cases_exercise_what_they_claim(reference_runs) -> None:
    """Guard against cases that silently test nothing."""
    runs = {name: reference(name, CASES[name](), reference_runs) for name in CASES}
    assert runs["dol_start"].ii[L.I_MACHINE_STATE] == L.MS_RUNNING
    coast = runs["open_contactor_coast"]
    opened = coast.events[_codes(coast.events).index(L.EV_CONTACTOR_OPENED), 0]
    assert opened == pytest.approx(0.05)
    after = np.arange(coast.fast.shape[1]) / FAST_HZ >= opened
    assert np.all(coast.fast[L.F_IA : L.F_IC + 1, after] == 0.0)  # no current once open
    assert np.max(np.abs(coast.fast[L.F_UA, after])) > 10.0  # voltage induced by the rotor
    assert L.EV_PHASE_OPENED in _codes(runs["open_phase_and_restore"].events)
    assert L.EV_PHASE_RESTORED in _codes(runs["open_phase_and_restore"].events)
    assert _codes(runs["two_lines_open"].events).count(L.EV_PHASE_OPENED) == 2
    speed = runs["speed_condition_trigger"]
    assert speed.trig_s[1, 0] == 1.0 and L.EV_CONTACTOR_OPENED in _codes(speed.events)
    armed = runs["condition_armed_later"]
    fired = armed.events[_codes(armed.events).index(L.EV_TRIGGER_FIRED, 1), 0]
    assert 0.08 <= fired < 0.082 and L.EV_CONTACTOR_OPEN_COMMAND in _codes(armed.events)
    many = runs["many_condition_triggers"]
    assert many.trig_s[1:5, 0].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert many.trig_s[5, 0] == 0.0
    for code in (L.EV_PHASE_OPENED, L.EV_PHASE_RESTORED, L.EV_CONTACTOR_OPENED):
        assert code in _codes(many.events)
    relay = runs["relay_trip"]
    assert relay.ii[L.I_RELAY_TRIPPED] == 1 and relay.ii[L.I_CONTACTOR] == 0
    assert relay.ii[L.I_MACHINE_STATE] == L.MS_TRIPPED
    assert runs["load_step_hot_60hz"].ii[L.I_CONTACTOR] == 0
    assert L.EV_PARAM_SET in _codes(runs["set_param_trigger"].events)
    div = runs["diverges"]
    assert div.ii[L.I_DIVERGED] == L.DIV_CURRENT and div.ii[L.I_STEP] < 2000
    brake = runs["brake_stop"]
    ev = brake.events
    released = ev[_codes(ev).index(L.EV_BRAKE)]
    assert released[0] == 0.0 and released[2] == 0  # released at the start
    engaged = ev[len(ev) - 1 - _codes(ev)[::-1].index(L.EV_BRAKE)]
    assert engaged[2] == 1 and engaged[0] == pytest.approx(0.055)  # opened 0.05 + 5 ms
    assert brake.ii[L.I_BRAKE] == 1
    coast = runs["open_contactor_coast"].x[L.X_WM]
    assert brake.x[L.X_WM] < coast - 5.0  # the brake decelerates faster than the coast
    pending = runs["brake_released_while_pending"]
    assert _codes(pending.events).count(L.EV_BRAKE) == 1  # only the release at the start
    assert pending.ii[L.I_BRAKE] == 0 and pending.s[L.S_BRAKE_AT] == -1.0
    for name in ("seizure_motor_bearing_step", "seizure_load_shaft_runaway"):
        assert runs[name].x[L.X_WM] < runs["dol_start"].x[L.X_WM] - 10.0, name
    lube = runs["lubrication_runaway"]
    assert lube.p[L.P_LUBE_NODE] >= 0 and lube.x[L.X_WM] < runs["dol_start"].x[L.X_WM] - 10.0
    rel = runs["condition_started_profiles"]
    starts = rel.s[L.S_REL_T0 : L.S_REL_T0 + 3]
    assert (starts > 0.0).all() and starts[1] >= 0.04 and 0.07 <= starts[2] < 0.1, starts
    # the defects drag on the shaft and heat both bearings' nodes
    defects, dol = runs["bearing_defects"], runs["dol_start"]
    assert defects.x[L.X_WM] < dol.x[L.X_WM] - 0.5
    for slot in range(2):
        node = L.S_TEMPS0 + int(defects.p[L.P_NODE_BEARING0 + slot])
        assert defects.s[node] - 25.0 > 10.0 * (dol.s[node] - 25.0), slot
    # the motor bearing's seizure heats its node (slot 0), the load-shaft one heats none
    step = runs["seizure_motor_bearing_step"]
    dol = runs["dol_start"]
    node = L.S_TEMPS0 + int(step.p[L.P_NODE_BEARING0])
    assert step.s[node] - dol.s[node] > 10.0 * (dol.s[node] - 25.0)


def test_contactor_opens_exactly_after_its_drop_out_delay(advance) -> None:
    """A stop command at 0.07 s with the machine's 20 ms drop-out delay (both multiples of
    the 50 us step) should open the contacts at 0.09 s, step 1800."""
    pk = build(operation={"start_at_s": 0.0, "stop_at_s": 0.07})
    assert pk.p[L.P_CONTACTOR_DELAY] == 0.02
    ev = run_kernel(advance, pk)["events"]
    command = ev[_codes(ev).index(L.EV_CONTACTOR_OPEN_COMMAND), 0]
    opened = ev[_codes(ev).index(L.EV_CONTACTOR_OPENED), 0]
    assert round(command * RATE_HZ) == 1400
    assert round(opened * RATE_HZ) == 1800


@pytest.mark.parametrize(
    "cuts", [[137, 500, 501, 1200, 2000], [1, 2, 20, 40, 999, 1000, 1999, 2000]]
)
def test_chunked_kernel_is_identical(cuts: list[int], advance) -> None:
    pk = _case_many_conditions()
    pk = add_trigger(pk, (L.TRIG_AT_TIME, L.ACT_OPEN_CONTACTOR, 0, 0), (0.09, 0.0, 0.0))
    whole = run_kernel(advance, pk)
    parts = run_kernel(advance, pk, cuts)
    for key in ("fast", "slow", "trace", "events"):
        np.testing.assert_array_equal(parts[key], whole[key], err_msg=key)
    for key in ("x", "s", "trig_s", "p"):
        np.testing.assert_array_equal(getattr(parts["packed"], key), getattr(whole["packed"], key))
    ii_whole = whole["packed"].ii.copy()
    ii_parts = parts["packed"].ii.copy()
    ii_whole[L.I_N_EVENTS] = ii_parts[L.I_N_EVENTS] = 0
    np.testing.assert_array_equal(ii_parts, ii_whole)
    # and the chunked run matches the reference too
    expected = ref.simulate(pk, pk.n_total, FAST_HZ, SLOW_HZ, TRACE_HZ)
    parts["packed"].ii[L.I_N_EVENTS] = len(parts["events"])
    compare(parts, expected, pk)


def test_chunked_kernel_with_bearing_defects_is_identical(advance) -> None:
    """Chunk ends at the defect's onset (step 400) and end (step 1400) and around them."""
    pk = _case_bearing_defects()
    whole = run_kernel(advance, pk)
    parts = run_kernel(advance, pk, [1, 399, 400, 401, 1000, 1399, 1400, 1401, 2000])
    for key in ("fast", "slow", "trace", "events"):
        np.testing.assert_array_equal(parts[key], whole[key], err_msg=key)
    for key in ("x", "s"):
        np.testing.assert_array_equal(getattr(parts["packed"], key), getattr(whole["packed"], key))


@pytest.mark.parametrize(
    "name", ["dol_start", "rotor_asymmetry", "open_phase_and_restore", "open_contactor_coast"]
)
def test_reference_conserves_energy(name: str) -> None:
    """The reference's equations are checked against physics on their own: at every
    instant, power into the stator = copper losses + rate of change of magnetic energy +
    electromagnetic power T_e w_m, and the mechanical energy balances the same way."""
    model = ref.MachineReference(CASES[name]())
    rate = model.param(L.P_RATE_HZ)
    checked = 0
    for n_end in range(100, 1801, 100):
        model.run(n_end)
        t = model.step / rate
        x = model.x
        d = model.derivative(x, t, model.theta_supply)
        i_s = complex(x[L.X_ISA], x[L.X_ISB])
        p_stator = 1.5 * ref.dot(d.terminal_voltage, i_s)
        eps = 1e-6
        dw_dt = (
            ref.magnetic_energy_j(x + eps * d.dx, model.p)
            - ref.magnetic_energy_j(x - eps * d.dx, model.p)
        ) / (2 * eps)
        p_mech = d.torque_e * x[L.X_WM]
        balance = d.loss_cu_stator + d.loss_cu_rotor + dw_dt + p_mech
        scale = abs(d.loss_cu_stator) + abs(d.loss_cu_rotor) + abs(dw_dt) + abs(p_mech)
        assert p_stator == pytest.approx(balance, abs=1e-9 * scale + 1e-9)
        # the shunt takes the iron loss, and the terminal power is the sum of both
        y = model.outputs(x, d)
        assert y[L.Y_P] == pytest.approx(p_stator + d.loss_iron, rel=1e-12, abs=1e-9)
        # mechanics: motor and load inertia, spring, damper, friction and load
        p = model.param
        e_kin_rate = (
            p(L.P_JM) * x[L.X_WM] * d.dx[L.X_WM]
            + p(L.P_JL) * x[L.X_WL] * d.dx[L.X_WL]
            + p(L.P_K_COUPLING) * x[L.X_TWIST] * d.dx[L.X_TWIST]
        )
        dissipated = (
            d.loss_windage
            + sum(d.loss_bearings)
            + p(L.P_C_COUPLING) * (x[L.X_WM] - x[L.X_WL]) ** 2
            + d.load.torque * x[L.X_WL]
        )
        assert e_kin_rate == pytest.approx(p_mech - dissipated, rel=1e-9, abs=1e-9 * abs(p_mech))
        checked += 1
    assert checked == 18
