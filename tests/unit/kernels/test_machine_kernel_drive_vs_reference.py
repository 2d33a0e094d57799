"""The machine kernel's drive, gearbox and conveyor paths against the plain reference.

The cases use the bundled conveyor machine (7.5 kW motor on a V/f drive, 19:1 gearbox, 80 m belt
conveyor) and, for one gearbox case, the mains-fed pump, at 10 kHz for at most 0.2 s with a
thermal sub-cycle of 20 steps. To see a whole start, stop or trip in that time, some packed
parameters are shortened (ramps, DC-link capacitance) and some cases start from a running state
written into the packed state (the steady state of the motor equations at the given frequency
and torque, the belt at its creep speed). The kernel and the reference (tests/reference) are
compared like the mains cases: final carried state, fast and slow streams, kinematic trace and
event log, values within a relative 1e-9 of each quantity's scale, event codes, arguments and
times identical.

Three safe-stop details where the kernel contradicts its documentation are demonstrated by
tests at the end (they were strict xfail tests until the kernel was fixed).
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

RATE_HZ = 10_000
FAST_HZ = 8_000  # does not divide the solver rate: samples fall inside steps
SLOW_HZ = 1_000
TRACE_HZ = 25_600  # above the solver rate: several trace samples per step
SUBSTEPS = 20
RTOL = 1e-9


@pytest.fixture(scope="module")
def advance():
    from failsim.kernels.machine_kernel import advance

    return advance


# ---------------------------------------------------------------------------- building cases
def build(
    events: list | None = None,
    *,
    machine: str = "conveyor_7p5kw",
    operation: dict | None = None,
    duration_s: float = 0.1,
) -> Packed:
    data = {
        "name": "drive_kernel_vs_reference",
        "machine": machine,
        "duration_s": duration_s,
        "seed": 1,
        "environment": {"ambient_temp_c": 25.0},
        "supply": {"voltage_pu": 1.0},
        "operation": operation or {"start_at_s": 0.0},
        "events": events or [],
        "streams": {
            "current": {"sample_rate_hz": FAST_HZ},
            "process": {"sample_rate_hz": SLOW_HZ},
        },
        "solver": {"rate_hz": RATE_HZ, "thermal_substeps": SUBSTEPS},
    }
    scenario = scenario_from_dict(data)
    return pack(Machine.from_spec(scenario.machine), scenario.data)


def add_trigger(pk: Packed, row_i: tuple, row_f: tuple) -> Packed:
    pk.trig_i = np.vstack([pk.trig_i, np.array(row_i, dtype=np.int64)])
    row_f = (*row_f, 0.0) if len(row_f) == 3 else row_f  # armed from t = 0
    pk.trig_f = np.vstack([pk.trig_f, np.array(row_f, dtype=np.float64)])
    pk.trig_s = np.vstack([pk.trig_s, np.zeros(2)])
    pk.trigger_labels = [*pk.trigger_labels, "extra"]
    return pk


def plain_load(pk: Packed, kind: int, torque_n_m: float, ratio=None, efficiency=None) -> Packed:
    """Replace the conveyor by a load law at the gearbox output (optionally another gearbox)."""
    pk.p[L.P_CONVEYOR] = 0.0
    pk.p[L.P_LOAD_KIND] = kind
    pk.p[L.P_LOAD_TN] = torque_n_m
    if ratio is not None:
        pk.p[L.P_GEAR_RATIO] = ratio
        pk.p[L.P_GEAR_EFF] = efficiency
    return pk


def _steady_motor(pk: Packed, f_hz: float, slip: float):
    """Stator current and rotor flux phasors (at output angle 0), speed and torque of the
    motor in steady state at frequency f and slip s on the drive's V/f voltage:
    psi_r = (R_r L_m / L_r) i_s / (R_r / L_r + j s w_e),
    u = (R_s + j w_e sigma L_s) i_s + (L_m / L_r) j w_e psi_r."""
    p, s = pk.p, pk.s
    npp = p[L.P_POLE_PAIRS]
    l_s, l_r, l_m = p[L.P_LS], p[L.P_LR], p[L.P_LM]
    r_s, r_r = s[L.S_RS], s[L.S_RR]
    w_e = 2.0 * math.pi * f_hz
    boost = p[L.P_DRV_BOOST]
    u = p[L.P_DRV_VN] * (boost + (1.0 - boost) * min(f_hz / p[L.P_DRV_FN], 1.0))
    u = min(u, pk.x[L.X_VDC] / math.sqrt(3.0))
    flux_per_current = (r_r * l_m / l_r) / (r_r / l_r + 1j * slip * w_e)
    z = r_s + 1j * w_e * (l_s - l_m**2 / l_r) + (l_m / l_r) * 1j * w_e * flux_per_current
    i_s = u / z
    psi_r = flux_per_current * i_s
    torque = 1.5 * npp * (l_m / l_r) * (psi_r.conjugate() * i_s).imag
    return i_s, psi_r, (1.0 - slip) * w_e / npp, torque


def running(pk: Packed, f_hz: float, torque_n_m: float) -> Packed:
    """Drive running at f_hz (reached), motor in steady state at the given air-gap torque."""
    lo, hi = -0.3, 0.3
    for _ in range(80):  # bisection on the slip (torque rises with slip near synchronism)
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _steady_motor(pk, f_hz, mid)[3] < torque_n_m else (lo, mid)
    i_s, psi_r, w_m, torque = _steady_motor(pk, f_hz, 0.5 * (lo + hi))
    x = pk.x
    x[L.X_ISA], x[L.X_ISB] = i_s.real, i_s.imag
    x[L.X_PSIRA], x[L.X_PSIRB] = psi_r.real, psi_r.imag
    x[L.X_WM] = x[L.X_WL] = w_m
    x[L.X_TWIST] = torque / pk.p[L.P_K_COUPLING]
    pk.s[L.S_F_OUT] = pk.s[L.S_F_REF] = f_hz
    pk.ii[L.I_DRIVE_MODE] = L.DRV_RUN
    pk.ii[L.I_REACHED_RUNNING] = 1
    return pk


def conveyor_running(pk: Packed, f_hz: float) -> Packed:
    """Conveyor at its steady running point: the pulley grips the belt with the running
    resistance inside the creep band, F_t = F_max,static tanh(v_rel / v_eps) = F_res."""
    p = pk.p
    q_g = pk.x[L.X_MLOAD] / p[L.P_CONV_LEN]
    f_res = (
        p[L.P_CONV_CFLG] * (p[L.P_CONV_QFIX] + q_g * p[L.P_CONV_COSD])
        + p[L.P_CONV_SPECIAL]
        + q_g * p[L.P_CONV_LIFT] * 9.80665
    )
    f_max = p[L.P_BELT_T2] * (math.exp(p[L.P_BELT_MU_S] * p[L.P_BELT_WRAP]) - 1.0)
    v_rel = p[L.P_BELT_VEPS] * math.atanh(f_res / f_max)
    torque = f_res * p[L.P_PULLEY_R] / (p[L.P_GEAR_RATIO] * p[L.P_GEAR_EFF])
    running(pk, f_hz, torque + p[L.P_LOAD_BREAKAWAY] + 0.3)  # + motor friction, roughly
    pk.x[L.X_TWIST] = (torque + p[L.P_LOAD_BREAKAWAY]) / p[L.P_K_COUPLING]
    pk.x[L.X_VBELT] = pk.x[L.X_WL] / p[L.P_GEAR_RATIO] * p[L.P_PULLEY_R] - v_rel
    return pk


def _case_start_below_limit() -> Packed:
    pk = plain_load(build(duration_s=0.2), L.LOAD_CONSTANT, 100.0)
    pk.p[L.P_DRV_RAMP_UP] = 50.0
    pk.s[L.S_F_REF] = 8.0
    return pk


def _case_start_current_limit() -> Packed:
    pk = plain_load(build(duration_s=0.2), L.LOAD_CONSTANT, 100.0)
    pk.p[L.P_DRV_RAMP_UP] = 1000.0
    pk.s[L.S_F_REF] = 15.0
    return pk


def _case_ramp_stop() -> Packed:
    """Start to 12 Hz, ramp stop to 0 Hz (gates off), and a restart."""
    pk = plain_load(
        build(
            [{"at_s": 0.17, "action": "drive_start"}],
            duration_s=0.2,
            operation={"start_at_s": 0.0, "stop_at_s": 0.09},
        ),
        L.LOAD_LINEAR,
        40.0,
    )
    pk.p[L.P_LOAD_WN] = 8.0  # load speed at which the linear law gives its rated torque
    pk.p[L.P_DRV_RAMP_UP] = 200.0
    pk.p[L.P_DRV_RAMP_DOWN] = 300.0
    pk.s[L.S_F_REF] = 12.0
    return pk


def _ss1_drive(events: list, duration_s: float) -> Packed:
    """Running at 25 Hz under a light load; a short SS1 ramp, a small DC link, and the
    overvoltage control above the chopper threshold (the chopper takes the braking energy)."""
    pk = running(plain_load(build(events, duration_s=duration_s), L.LOAD_CONSTANT, 20.0), 25.0, 1.2)
    pk.p[L.P_DRV_C] = 0.25e-3
    pk.p[L.P_DRV_SS1_RAMP] = 250.0
    pk.p[L.P_DRV_VOV_CTRL] = 770.0
    return pk


def _case_ss1_chopper() -> Packed:
    watch_dc_link = {"signal": "dc_link_voltage_v", "above": 700.0}
    return _ss1_drive(
        [
            {"at_s": 0.01, "action": "ss1"},
            {"when": watch_dc_link, "action": "set_frequency", "frequency_hz": 10.0},
        ],
        0.15,
    )


def _case_ss2_holding() -> Packed:
    """SS2 to standstill, holding at 0 Hz with the output on; then SS1 (at 0 Hz already:
    the gates block at once)."""
    events = [{"at_s": 0.01, "action": "ss2"}, {"at_s": 0.11, "action": "ss1"}]
    pk = build(events, duration_s=0.12)
    pk = running(plain_load(pk, L.LOAD_CONSTANT, 20.0), 20.0, 1.2)
    pk.p[L.P_DRV_SS1_RAMP] = 400.0
    return pk


def _case_sto_coast() -> Packed:
    events = [
        {"at_s": 0.02, "action": "sto"},
        {"at_s": 0.05, "action": "drive_start"},  # refused: STO is latched
        {"at_s": 0.06, "action": "set_frequency", "frequency_hz": 30.0},
    ]
    return running(plain_load(build(events, duration_s=0.08), L.LOAD_CONSTANT, 50.0), 50.0, 2.9)


def _case_overvoltage_trip() -> Packed:
    """Ramp stop without a braking resistor: the overvoltage control holds the ramp, the DC
    link still rises past the trip level; the fault commands STO."""
    pk = build([{"at_s": 0.01, "action": "drive_stop"}], duration_s=0.1)
    pk = running(plain_load(pk, L.LOAD_CONSTANT, 20.0), 25.0, 1.2)
    pk.p[L.P_DRV_C] = 0.25e-3
    pk.p[L.P_DRV_RAMP_DOWN] = 250.0
    pk.p[L.P_DRV_RBRAKE] = 0.0
    return pk


def _case_undervoltage_trip() -> Packed:
    return conveyor_running(build([{"at_s": 0.01, "action": "open_contactor"}]), 50.0)


def _case_relay_trip_on_drive() -> Packed:
    pk = conveyor_running(build(), 50.0)
    pk.p[L.P_RELAY_IE] = 6.0
    pk.p[L.P_RELAY_TAU] = 0.2
    return pk


def _case_gearbox_motoring_mains() -> Packed:
    """A 5:1 gearbox of efficiency 0.9 before a polynomial load, on mains; drive commands
    (which the scenario schema refuses on mains, packed here directly) act on the contactor
    (ss2 and set_frequency do nothing)."""
    pk = plain_load(build(machine="im_7p5kw_pump"), L.LOAD_POLYNOMIAL, 0.0, 5.0, 0.9)
    for at_s, action in (
        (0.02, L.ACT_SS2),
        (0.03, L.ACT_DRIVE_SETPOINT),
        (0.06, L.ACT_STO),
        (0.09, L.ACT_DRIVE_START),
    ):
        add_trigger(pk, (L.TRIG_AT_TIME, action, 0, 0), (at_s, 0.0, 20.0))
    pk.p[L.P_LOAD_A] = 60.0
    pk.p[L.P_LOAD_B] = 0.5
    pk.p[L.P_LOAD_C] = 0.01
    return pk


def _case_gearbox_regenerating() -> Packed:
    """An overhauling load (lowering) through a 5:1 gearbox of efficiency 0.9: the motor
    brakes, the DC link rises to the chopper, which switches on and off."""
    pk = plain_load(build(duration_s=0.15), L.LOAD_CONSTANT, -60.0, 5.0, 0.9)
    pk = running(pk, 25.0, -60.0 * 0.9 / 5.0 + 0.1)
    pk.p[L.P_DRV_C] = 0.2e-3
    return pk


def _case_conveyor_running() -> Packed:
    return conveyor_running(build(duration_s=0.2), 50.0)


def _case_conveyor_takeup_loss() -> Packed:
    """The take-up tension drops to 400 N: the pulley can no longer drive the belt; gross
    slip is detected and a slip monitor (condition trigger) commands SS1."""
    watch_slip = {"signal": "belt_slip_pct", "above": 4.0, "for_s": 0.004}
    pk = conveyor_running(build([{"when": watch_slip, "action": "ss1"}], duration_s=0.2), 50.0)
    return add_trigger(pk, (L.TRIG_AT_TIME, L.ACT_SET_PARAM, L.P_BELT_T2, 0), (0.02, 0, 400.0))


def _case_conveyor_start_low_takeup() -> Packed:
    """Start from rest with a take-up tension too low to move the loaded belt."""
    pk = build(duration_s=0.2)
    pk.p[L.P_BELT_T2] = 1000.0
    pk.p[L.P_DRV_RAMP_UP] = 50.0
    return pk


def _case_conveyor_slip_recovers() -> Packed:
    """The belt starts 10 % slower than the pulley: slip at once, gripping again soon."""
    pk = conveyor_running(build(duration_s=0.15), 50.0)
    pk.x[L.X_VBELT] *= 0.9
    return pk


def _case_conveyor_feeder_incline() -> Packed:
    """Inclined conveyor (4 m lift): the feeder stops and then delivers twice the design
    feed; the feeder follows the belt speed (clipped at the design speed, set just below the
    running speed); a condition trigger lowers the speed set-point."""
    operation = {
        "start_at_s": 0.0,
        "load_profile": [
            {"at_s": 0.0, "load_pu": 1.0},
            {"at_s": 0.02, "load_pu": 0.0},
            {"at_s": 0.1, "load_pu": 2.0, "ramp_s": 0.05},
        ],
    }
    watch_belt = {"signal": "belt_speed_m_s", "below": 10.0}
    event = {"when": watch_belt, "action": "set_frequency", "frequency_hz": 45.0}
    pk = build([event], operation=operation, duration_s=0.2)
    pk.p[L.P_CONV_LIFT] = 4.0
    pk.p[L.P_CONV_COSD] = math.cos(math.asin(4.0 / pk.p[L.P_CONV_LEN]))
    pk.p[L.P_BELT_VN] = 1.9
    pk.p[L.P_DRV_RAMP_DOWN] = 50.0
    return conveyor_running(pk, 50.0)


def _case_output_phase_loss() -> Packed:
    """One motor lead of the running drive opens and is reconnected."""
    events = [
        {"at_s": 0.02, "action": "open_phase", "phase": "a"},
        {"at_s": 0.06, "action": "restore_phase", "phase": "a"},
    ]
    return running(plain_load(build(events), L.LOAD_CONSTANT, 200.0), 50.0, 11.2)


def _case_precharge_then_start() -> Packed:
    """DC link at 300 V with the mains contactor open (below the undervoltage level, which
    only counts while the output is on); the contactor closes and the rectifier charges the
    link through its source resistance; then the drive starts."""
    pk = build(
        [{"at_s": 0.01, "action": "close_contactor"}],
        operation={"start_at_s": 0.03},
        duration_s=0.06,
    )
    pk = plain_load(pk, L.LOAD_CONSTANT, 100.0)
    pk.ii[L.I_CONTACTOR] = 0
    pk.x[L.X_VDC] = 300.0
    pk.p[L.P_DRV_RAMP_UP] = 200.0
    return pk


def set_voltage_profile(pk: Packed, points: list[tuple[float, float]]) -> Packed:
    """Replace the supply-voltage profile by breakpoints (t_s, voltage_pu)."""
    from failsim.kernels.pack import profile_arrays

    lists = [
        [tuple(row[:2]) for row in pk.prof[j, : pk.prof_n[j]]] for j in range(pk.prof.shape[0])
    ]
    lists[L.PROF_VOLTAGE] = list(points)
    pk.prof, pk.prof_n = profile_arrays(lists)
    return pk


def _case_voltage_sag() -> Packed:
    """A mains sag to 80 % for 20 ms under the running conveyor: the rectifier stops
    conducting, the DC link feeds the motor, then recharges."""
    pk = conveyor_running(build(duration_s=0.1), 50.0)
    sag = [(0.0, 1.0), (0.02, 1.0), (0.022, 0.8), (0.04, 0.8), (0.042, 1.0)]
    return set_voltage_profile(pk, sag)


def _case_conveyor_incline_rollback() -> Packed:
    """A loaded inclined conveyor (15 m lift) with the drive off rolls back and drives the
    motor backwards through the gearbox; the drive then starts."""
    pk = build([{"at_s": 0.1, "action": "drive_start"}], operation={"start_at_s": None})
    pk.n_total = round(0.2 * RATE_HZ)
    pk.p[L.P_CONV_LIFT] = 15.0
    pk.p[L.P_CONV_COSD] = math.cos(math.asin(15.0 / pk.p[L.P_CONV_LEN]))
    pk.p[L.P_DRV_RAMP_UP] = 100.0
    return pk


CASES = {
    "drive_start_below_current_limit": _case_start_below_limit,
    "drive_start_at_current_limit": _case_start_current_limit,
    "drive_ramp_stop": _case_ramp_stop,
    "ss1_regeneration_chopper": _case_ss1_chopper,
    "ss2_holding": _case_ss2_holding,
    "sto_coast": _case_sto_coast,
    "overvoltage_trip_without_resistor": _case_overvoltage_trip,
    "undervoltage_trip_contactor_open": _case_undervoltage_trip,
    "relay_trip_on_drive": _case_relay_trip_on_drive,
    "gearbox_motoring_mains": _case_gearbox_motoring_mains,
    "gearbox_regenerating_drive": _case_gearbox_regenerating,
    "conveyor_running": _case_conveyor_running,
    "conveyor_takeup_loss_slip": _case_conveyor_takeup_loss,
    "conveyor_start_low_takeup": _case_conveyor_start_low_takeup,
    "conveyor_slip_recovers": _case_conveyor_slip_recovers,
    "conveyor_feeder_incline": _case_conveyor_feeder_incline,
    "drive_output_phase_loss": _case_output_phase_loss,
    "dc_link_precharge_then_start": _case_precharge_then_start,
    "voltage_sag_on_rectifier": _case_voltage_sag,
    "conveyor_incline_rollback": _case_conveyor_incline_rollback,
}


# ---------------------------------------------------------------------------- running, comparing
def n_samples(n_steps: int, fs: int) -> int:
    return -(-n_steps * fs // RATE_HZ)


def run_kernel(advance, packed: Packed, cuts: list[int] | None = None) -> dict:
    """Run the kernel like the simulation engine: one call per chunk, per-chunk buffers."""
    pk = packed.copy()
    cuts = cuts or [pk.n_total]
    parts: dict[str, list] = {"fast": [], "slow": [], "trace": [], "events": []}
    n0 = 0
    for n1 in cuts:
        kf0, kf1 = n_samples(n0, FAST_HZ), n_samples(n1, FAST_HZ)
        ks0, ks1 = n_samples(n0, SLOW_HZ), n_samples(n1, SLOW_HZ)
        kt0, kt1 = n_samples(n0, TRACE_HZ), n_samples(n1, TRACE_HZ)
        fast = np.full((L.N_F, kf1 - kf0), np.nan)
        slow = np.full((L.N_Q, ks1 - ks0), np.nan)
        trace = np.full((L.N_T, kt1 - kt0), np.nan)
        advance(
            pk.x, pk.s, pk.ii, pk.p, pk.prof, pk.prof_n, pk.th,
            pk.trig_i, pk.trig_f, pk.trig_s, pk.ev, n1,
            FAST_HZ, fast, kf0, SLOW_HZ, slow, ks0, TRACE_HZ, trace, kt0,
        )  # fmt: skip
        parts["events"].append(pk.ev[: pk.ii[L.I_N_EVENTS]].copy())
        pk.ii[L.I_N_EVENTS] = 0
        parts["fast"].append(fast)
        parts["slow"].append(slow)
        parts["trace"].append(trace)
        n0 = n1
    out = {key: np.concatenate(val, axis=1) for key, val in parts.items() if key != "events"}
    out["events"] = np.concatenate(parts["events"], axis=0)
    out["packed"] = pk
    return out


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
    i_rated = p[L.P_I_LIMIT] / 100.0  # rated peak current
    psi_rated = p[L.P_V_PEAK] / (2.0 * math.pi * p[L.P_F_SUPPLY])
    torque = 1.5 * p[L.P_POLE_PAIRS] * p[L.P_LM] / p[L.P_LR] * psi_rated * i_rated
    scales = np.zeros(L.N_X)
    scales[[L.X_ISA, L.X_ISB]] = i_rated
    scales[[L.X_PSIRA, L.X_PSIRB]] = psi_rated
    scales[[L.X_WM, L.X_WL]] = w_sync
    scales[L.X_TWIST] = torque / p[L.P_K_COUPLING]
    scales[L.X_THM] = w_sync * pk.n_total / p[L.P_RATE_HZ]
    if p[L.P_SUPPLY_KIND] == L.SUPPLY_VFD:
        scales[L.X_VDC] = p[L.P_DRV_VRECT]
    if p[L.P_CONVEYOR] != 0.0:
        scales[L.X_VBELT] = p[L.P_BELT_VN]
        scales[L.X_MLOAD] = p[L.P_FEED_KG_S] * p[L.P_CONV_LEN] / p[L.P_BELT_VN]
    return scales


II_SLOTS = (
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
    L.I_K_TRACE,
    L.I_DRIVE_MODE,
    L.I_CHOPPER_ON,
    L.I_DRIVE_FAULT,
    L.I_BELT_SLIPPING,
)
S_SLOTS = (
    L.S_THETA_SUPPLY,
    L.S_RS,
    L.S_RR,
    L.S_CONTACTOR_OPEN_AT,
    L.S_ACC_DT,
    L.S_THETA_OUT,
    L.S_F_OUT,
    L.S_F_REF,
    L.S_STO_AT,
    L.S_ACC_CHOPPER,
)


def compare(kern: dict, expected, start: Packed) -> None:
    pk = kern["packed"]
    # events: identical codes, arguments and times; values within tolerance
    ev_k, ev_r = kern["events"], expected.events
    assert ev_k.shape == ev_r.shape, f"events\nkernel:\n{ev_k}\nreference:\n{ev_r}"
    np.testing.assert_array_equal(ev_k[:, :3], ev_r[:, :3], err_msg="event t, code, arg")
    assert_close(ev_k[:, 3], ev_r[:, 3], RTOL * 1e3, "event values")

    # integer state (the profile cursors and the derivative cache are internal)
    for slot in II_SLOTS:
        assert pk.ii[slot] == expected.ii[slot], f"ii[{slot}]"
    np.testing.assert_array_equal(pk.trig_s[:, 0], expected.trig_s[:, 0])
    assert_close(pk.trig_s[:, 1], expected.trig_s[:, 1], 1e-15, "trigger hold times")
    np.testing.assert_array_equal(pk.p, expected.p)

    # continuous state
    assert_close(pk.x, expected.x, RTOL * x_scales(start), "x")

    # float carried state
    s_k, s_r = pk.s, expected.s
    for slot in S_SLOTS:
        assert s_k[slot] == pytest.approx(s_r[slot], rel=RTOL, abs=1e-12), f"s[{slot}]"
    assert_close(s_k[L.S_RELAY_LEVEL], s_r[L.S_RELAY_LEVEL], 1e-15, "relay level")
    assert_close(s_k[L.S_COND_CURRENT_RMS], s_r[L.S_COND_CURRENT_RMS], 1e-12, "rms current")
    acc = slice(L.S_ACC_CU_S, L.S_ACC_BEARING0 + L.N_BEARING_MAX)
    assert_close(s_k[acc], s_r[acc], RTOL * np.max(np.abs(s_r[acc])), "loss integrals")
    slow_acc = slice(L.S_SLOW_ACC0, L.S_SLOW_ACC0 + L.N_AVG)
    assert_rows_close(s_k[slow_acc, None], s_r[slow_acc, None], "slow-stream integrals")
    # temperatures: compare the rise from the start, which is small in 0.2 s
    temps = slice(L.S_TEMPS0, L.S_TEMPS0 + int(start.p[L.P_N_NODES]))
    rise_k = s_k[temps] - start.s[temps]
    rise_r = s_r[temps] - start.s[temps]
    assert_close(rise_k, rise_r, RTOL * np.max(np.abs(rise_r)), "temperature rise")

    # streams: every sample, each channel within RTOL of its scale
    assert expected.fast_k0 == 0 and expected.slow_k0 == 0 and expected.trace_k0 == 0
    n_rows = L.Q_TEMP0 + int(start.p[L.P_N_NODES])
    assert kern["fast"].shape == expected.fast.shape
    assert kern["trace"].shape == expected.trace.shape
    assert kern["slow"].shape == expected.slow.shape
    assert not np.isnan(kern["fast"]).any() and not np.isnan(kern["trace"]).any()
    assert not np.isnan(kern["slow"][:n_rows]).any()
    assert_rows_close(kern["fast"], expected.fast, "fast stream")
    assert_rows_close(kern["trace"], expected.trace, "kinematic trace")
    assert_rows_close(kern["slow"][: L.Q_TEMP0], expected.slow[: L.Q_TEMP0], "slow")
    temp_rows = slice(L.Q_TEMP0, n_rows)
    t0 = start.s[temps, None]
    rise_k = kern["slow"][temp_rows] - t0
    rise_r = expected.slow[temp_rows] - t0
    assert_close(rise_k, rise_r, RTOL * np.max(np.abs(rise_r)), "slow temperature rise")


@pytest.fixture(scope="module")
def reference_runs() -> dict:
    """Reference runs are slow (seconds each): run each case once per module."""
    return {}


def reference(name: str, cache: dict):
    if name not in cache:
        pk = CASES[name]()
        cache[name] = ref.simulate(pk, pk.n_total, FAST_HZ, SLOW_HZ, TRACE_HZ)
    return cache[name]


@pytest.mark.parametrize("name", list(CASES))
def test_kernel_matches_reference(name: str, advance, reference_runs) -> None:
    pk = CASES[name]()
    compare(run_kernel(advance, pk), reference(name, reference_runs), pk)


# ---------------------------------------------------------------------------- the cases' content
def _codes(events: np.ndarray) -> list[int]:
    return [int(c) for c in events[:, 1]]


def _rows(events: np.ndarray, code: int) -> np.ndarray:
    return events[events[:, 1] == code]


def _modes(events: np.ndarray) -> list[int]:
    return [int(a) for a in _rows(events, L.EV_DRIVE_MODE)[:, 2]]


def _stator_peak(run) -> np.ndarray:
    """Peak of the line-current space vector at the fast-stream samples, A."""
    f = run.fast
    return np.hypot(f[L.F_IA], (f[L.F_IB] - f[L.F_IC]) / math.sqrt(3.0))


def test_cases_exercise_what_they_claim(reference_runs) -> None:
    """Guard against cases that silently test nothing (checked on the reference runs)."""
    runs = {name: reference(name, reference_runs) for name in CASES}
    i_lim = CASES["drive_start_below_current_limit"]().p[L.P_DRV_ILIM]

    below = runs["drive_start_below_current_limit"]
    assert below.ii[L.I_MACHINE_STATE] == L.MS_RUNNING and below.s[L.S_F_OUT] == 8.0
    assert np.max(_stator_peak(below)) < 0.97 * i_lim
    # at the limit: the frequency falls back (stall prevention) and reaches 15 Hz late
    limit = runs["drive_start_at_current_limit"]
    f_out = limit.slow[L.Q_FOUT]
    assert np.max(_stator_peak(limit)) > 1.1 * i_lim and np.min(np.diff(f_out)) < -0.1
    assert np.argmax(f_out >= 15.0) > 0.05 * SLOW_HZ  # 15 ms on the bare ramp

    stop = runs["drive_ramp_stop"]
    assert _modes(stop.events) == [L.DRV_RUN, L.DRV_RAMP_STOP, L.DRV_OFF, L.DRV_RUN]
    gates_off = _rows(stop.events, L.EV_DRIVE_MODE)[2, 0]
    off = slice(round(gates_off * FAST_HZ) + 1, round(0.17 * FAST_HZ))
    assert np.all(stop.fast[:3, off] == 0.0) and np.all(stop.fast[:3, -10:] != 0.0)

    ss1 = runs["ss1_regeneration_chopper"]
    assert _modes(ss1.events) == [L.DRV_SS1, L.DRV_STO]
    assert len(_rows(ss1.events, L.EV_STO_ACTIVE)) == 1 and ss1.ii[L.I_DRIVE_FAULT] == 0
    assert np.min(ss1.slow[L.Q_P]) < -1000.0  # regeneration
    chopping = ss1.slow[L.Q_PCHOP] > 0.0
    assert np.sum(np.diff(chopping.astype(int)) != 0) >= 6  # the chopper switches repeatedly
    assert ss1.trig_s[1, 0] == 1.0  # the DC-link condition fired

    ss2 = runs["ss2_holding"]
    assert _modes(ss2.events) == [L.DRV_SS2, L.DRV_SS1, L.DRV_STO]
    holding = ss2.slow[:, 70:110]
    assert np.all(holding[L.Q_FOUT] == 0.0) and np.all(holding[L.Q_ISQ] > 3 * 3.0**2)

    sto = runs["sto_coast"]
    assert _rows(sto.events, L.EV_STO_ACTIVE)[:, 0].tolist() == [0.03]
    assert sto.ii[L.I_DRIVE_MODE] == L.DRV_STO and sto.s[L.S_F_REF] == 30.0
    assert np.all(sto.fast[:3, round(0.031 * FAST_HZ) :] == 0.0)

    ov = runs["overvoltage_trip_without_resistor"]
    fault = _rows(ov.events, L.EV_DRIVE_FAULT)
    assert fault[:, 2].tolist() == [L.FAULT_OVERVOLTAGE] and fault[0, 3] > 800.0
    # a trip blocks the power stage at once (no STO response time)
    assert _rows(ov.events, L.EV_STO_ACTIVE)[0, 0] == pytest.approx(fault[0, 0])
    assert ov.ii[L.I_MACHINE_STATE] == L.MS_TRIPPED and ov.ii[L.I_CHOPPER_ON] == 0
    held = np.diff(ov.slow[L.Q_FOUT, 10:40]) == 0.0  # the ramp held at the control level
    assert held.any()

    uv = runs["undervoltage_trip_contactor_open"]
    assert _rows(uv.events, L.EV_DRIVE_FAULT)[:, 2].tolist() == [L.FAULT_UNDERVOLTAGE]
    assert uv.ii[L.I_CONTACTOR] == 0

    relay = runs["relay_trip_on_drive"]
    assert L.EV_RELAY_TRIPPED in _codes(relay.events)
    assert _rows(relay.events, L.EV_DRIVE_FAULT)[:, 2].tolist() == [L.FAULT_OVERLOAD]

    mains = runs["gearbox_motoring_mains"]
    assert _codes(mains.events).count(L.EV_CONTACTOR_CLOSED) == 2
    assert _rows(mains.events, L.EV_CONTACTOR_OPENED)[:, 0].tolist() == [0.08]
    regen = runs["gearbox_regenerating_drive"]
    assert np.all(regen.slow[L.Q_P, 5:] < 0.0) and np.max(regen.slow[L.Q_PCHOP]) > 0.0

    steady = runs["conveyor_running"]
    for row in (L.Q_VBELT, L.Q_VPULLEY, L.Q_WM):
        assert np.ptp(steady.slow[row, 1:]) < 2e-3 * np.max(steady.slow[row])
    assert not _rows(steady.events, L.EV_BELT_SLIP).size

    takeup = runs["conveyor_takeup_loss_slip"]
    assert _rows(takeup.events, L.EV_BELT_SLIP)[0, 2] == 1
    assert takeup.trig_s[1, 0] == 1.0 and L.DRV_SS1 in _modes(takeup.events)
    low = runs["conveyor_start_low_takeup"]
    assert _rows(low.events, L.EV_BELT_SLIP)[:, 2].tolist() == [1] and low.x[L.X_VBELT] < 0.01
    recover = runs["conveyor_slip_recovers"]
    assert _rows(recover.events, L.EV_BELT_SLIP)[:, 2].tolist() == [1, 0]

    feeder = runs["conveyor_feeder_incline"]
    mass = feeder.slow[L.Q_MLOAD]
    assert np.min(np.diff(mass[25:95])) < 0.0 < np.max(np.diff(mass[160:]))
    assert feeder.s[L.S_F_REF] == 45.0 and feeder.s[L.S_F_OUT] == 45.0

    phase = runs["drive_output_phase_loss"]
    lead_open = slice(round(0.021 * FAST_HZ), round(0.06 * FAST_HZ))
    assert np.all(phase.fast[L.F_IA, lead_open] == 0.0) and phase.ii[L.I_PHASE_OPEN] == 0
    precharge = runs["dc_link_precharge_then_start"]
    assert precharge.ii[L.I_DRIVE_FAULT] == 0
    assert precharge.slow[L.Q_VDC, 5] == pytest.approx(300.0) and precharge.x[L.X_VDC] > 530.0
    assert precharge.s[L.S_F_OUT] > 5.0 and precharge.slow[L.Q_ISQ, -1] > 3 * 3.0**2
    sag = runs["voltage_sag_on_rectifier"]
    assert np.min(sag.slow[L.Q_VDC]) < 0.82 * sag.p[L.P_DRV_VRECT] and sag.x[L.X_VDC] > 530.0
    rollback = runs["conveyor_incline_rollback"]
    back = rollback.slow[:, 20:100]
    assert np.all(back[L.Q_VBELT] < 0.0) and np.all(back[L.Q_WM] < 0.0)
    loaded = CASES["conveyor_incline_rollback"]().x[L.X_MLOAD]
    assert rollback.x[L.X_MLOAD] == pytest.approx(loaded, rel=1e-12)  # no feed, no discharge


@pytest.mark.parametrize(
    ("name", "cuts"),
    [
        ("ss1_regeneration_chopper", [1, 20, 333, 334, 1040, 1101, 1500]),
        ("conveyor_takeup_loss_slip", [200, 201, 299, 777, 1999, 2000]),
        ("overvoltage_trip_without_resistor", [402, 403, 503, 1000]),
    ],
)
def test_chunked_kernel_is_identical(name: str, cuts: list[int], advance, reference_runs) -> None:
    pk = CASES[name]()
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
    parts["packed"].ii[L.I_N_EVENTS] = len(parts["events"])
    compare(parts, reference(name, reference_runs), pk)


# ---------------------------------------------------------------------------- reference physics
@pytest.mark.parametrize(
    "name",
    [
        "gearbox_motoring_mains",
        "gearbox_regenerating_drive",
        "ss1_regeneration_chopper",
        "conveyor_takeup_loss_slip",
        "conveyor_feeder_incline",
    ],
)
def test_reference_balances_power(name: str) -> None:
    """The reference's drive train on its own against physics, at instants along the run:

    * DC link: C V dV/dt = V i_rect - p_terminal - p_chop, with the terminal power summed
      over the three phases (u_a i_a + u_b i_b + u_c i_c);
    * mechanics: the rate of change of the kinetic and elastic energy (motor, load shaft,
      coupling, belt) equals the air-gap power minus everything dissipated: windage,
      bearings, coupling damper, gearbox loss, breakaway, belt slip on the pulley, running
      resistance and lift, or the power taken by a load law;
    * the gearbox and the pulley friction only ever dissipate."""
    pk = CASES[name]()
    model = ref.MachineReference(pk)
    p = model.param
    checked = 0
    for n_end in range(100, pk.n_total + 1, 100):
        model.run(n_end)
        t = model.step / p(L.P_RATE_HZ)
        x = model.x
        d = model.derivative(x, t, model.source_angle())
        y = model.outputs(x, d)
        if model.on_drive:
            v_dc = x[L.X_VDC]
            p_terminal = y[L.Y_P] if model.stator_conducts() else 0.0
            expected = v_dc * d.rectifier_current - p_terminal - d.p_chopper
            stored = p(L.P_DRV_C) * v_dc * d.dx[L.X_VDC]
            assert stored == pytest.approx(expected, rel=1e-9, abs=1e-9 * abs(p_terminal))
        load = d.load
        w_m, w_l = x[L.X_WM], x[L.X_WL]
        breakaway = p(L.P_LOAD_BREAKAWAY) * math.tanh(w_l / p(L.P_WEPS_L)) + p(L.P_EXT_TORQUE)
        gear_loss = (load.torque - breakaway) * w_l - load.torque_out * load.w_out
        assert gear_loss >= 0.0
        if p(L.P_CONVEYOR) != 0.0:
            slip_loss = load.belt_force * (load.v_pulley - x[L.X_VBELT])
            assert slip_loss >= 0.0
            load_power = slip_loss + load.resistance * x[L.X_VBELT]
            belt_mass = p(L.P_BELT_MASS) + max(x[L.X_MLOAD], 0.0)
            belt_rate = belt_mass * x[L.X_VBELT] * d.dx[L.X_VBELT]
        else:
            load_power = load.torque_out * load.w_out
            belt_rate = 0.0
        e_rate = (
            p(L.P_JM) * w_m * d.dx[L.X_WM]
            + p(L.P_JL) * w_l * d.dx[L.X_WL]
            + p(L.P_K_COUPLING) * x[L.X_TWIST] * d.dx[L.X_TWIST]
            + belt_rate
        )
        p_airgap = d.torque_e * w_m
        dissipated = (
            d.loss_windage
            + sum(d.loss_bearings)
            + p(L.P_C_COUPLING) * (w_m - w_l) ** 2
            + gear_loss
            + breakaway * w_l
            + load_power
        )
        scale = abs(p_airgap) + abs(dissipated) + abs(e_rate)
        assert e_rate == pytest.approx(p_airgap - dissipated, abs=1e-9 * scale + 1e-9)
        checked += 1
    assert checked >= 9


# ---------------------------------------------------------------------------- safe stops
def _ss1_then(events: list, duration_s: float, sto_delay_s: float | None = None) -> Packed:
    pk = _ss1_drive([{"at_s": 0.01, "action": "ss1"}, *events], duration_s)
    if sto_delay_s is not None:
        pk.p[L.P_DRV_STO_DELAY] = sto_delay_s
    return pk


SAFE_STOP_SCENARIOS = {
    # a second SS1 command (a second e-stop button, a condition) during the SS1 ramp
    "repeated_ss1": lambda: _ss1_then([{"at_s": 0.02, "action": "ss1"}], 0.12),
    # a start command while SS1 decelerates
    "start_during_ss1": lambda: _ss1_then([{"at_s": 0.02, "action": "drive_start"}], 0.05),
    # STO commanded during SS1, reaching the power stage after SS1 has blocked the gates
    "sto_after_ss1_completes": lambda: _ss1_then([{"at_s": 0.105, "action": "sto"}], 0.17, 0.05),
}


def _check_ss1_completes(events: np.ndarray, ii: np.ndarray) -> None:
    """SS1 (stop category 1): the SS1 ramp runs to 0 Hz (25 Hz at 250 Hz/s from 0.01 s),
    then the gates block, once."""
    modes = [(round(t, 4), int(a)) for t, a in _rows(events, L.EV_DRIVE_MODE)[:, [0, 2]]]
    assert [m for _, m in modes] == [L.DRV_SS1, L.DRV_STO]
    sto = _rows(events, L.EV_STO_ACTIVE)[:, 0]
    assert len(sto) == 1 and sto[0] >= 0.11
    assert ii[L.I_DRIVE_MODE] == L.DRV_STO


@pytest.mark.parametrize("name", ["repeated_ss1", "sto_after_ss1_completes"])
def test_reference_completes_ss1(name: str) -> None:
    pk = SAFE_STOP_SCENARIOS[name]()
    expected = ref.simulate(pk, pk.n_total, FAST_HZ, SLOW_HZ)
    _check_ss1_completes(expected.events, expected.ii)


def test_reference_start_does_not_cancel_ss1() -> None:
    pk = SAFE_STOP_SCENARIOS["start_during_ss1"]()
    expected = ref.simulate(pk, pk.n_total, FAST_HZ, SLOW_HZ)
    assert _modes(expected.events) == [L.DRV_SS1] and expected.ii[L.I_DRIVE_MODE] == L.DRV_SS1


def test_kernel_repeated_ss1_keeps_the_controlled_stop(advance) -> None:
    kern = run_kernel(advance, SAFE_STOP_SCENARIOS["repeated_ss1"]())
    _check_ss1_completes(kern["events"], kern["packed"].ii)


def test_kernel_start_does_not_cancel_ss1(advance) -> None:
    kern = run_kernel(advance, SAFE_STOP_SCENARIOS["start_during_ss1"]())
    assert _modes(kern["events"]) == [L.DRV_SS1]
    assert kern["packed"].ii[L.I_DRIVE_MODE] == L.DRV_SS1


def test_kernel_logs_sto_active_once(advance) -> None:
    kern = run_kernel(advance, SAFE_STOP_SCENARIOS["sto_after_ss1_completes"]())
    _check_ss1_completes(kern["events"], kern["packed"].ii)
