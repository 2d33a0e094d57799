"""Pack a machine and a scenario into the arrays the induction-machine kernel works on."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..components.electrical import DCMotor
from ..components.machine import Machine
from ..config import EVENT_LOG_CAPACITY
from ..faults.machine_faults import (
    BeltContext,
    MachineContext,
    combine,
    compile_machine_faults,
)
from ..physics.induction_motor import breakdown
from . import layout as L

SIGNAL_NAMES_FIXED = {
    "speed_rpm": L.SIG_SPEED_RPM,
    "torque_n_m": L.SIG_TORQUE_N_M,
    "current_rms_a": L.SIG_CURRENT_RMS_A,
    "relay_level_pu": L.SIG_RELAY_LEVEL,
    "dc_link_voltage_v": L.SIG_DC_LINK_V,
    "belt_speed_m_s": L.SIG_BELT_SPEED,
    "belt_slip_pct": L.SIG_BELT_SLIP_PCT,
}
ACTIONS = {
    "close_contactor": L.ACT_CLOSE_CONTACTOR,
    "open_contactor": L.ACT_OPEN_CONTACTOR,
    "open_phase": L.ACT_OPEN_PHASE,
    "restore_phase": L.ACT_RESTORE_PHASE,
    "drive_start": L.ACT_DRIVE_START,
    "drive_stop": L.ACT_DRIVE_STOP,
    "sto": L.ACT_STO,
    "ss1": L.ACT_SS1,
    "ss2": L.ACT_SS2,
    "set_frequency": L.ACT_DRIVE_SETPOINT,
}
PHASES = {"a": 0, "b": 1, "c": 2}
LOAD_KINDS = {
    "constant": L.LOAD_CONSTANT,
    "linear": L.LOAD_LINEAR,
    "quadratic": L.LOAD_QUADRATIC,
    "polynomial": L.LOAD_POLYNOMIAL,
    "conveyor": L.LOAD_CONSTANT,  # unused: the conveyor model replaces the load law
}
MATERIAL_K = {"copper": 234.5, "aluminium": 225.0}


@dataclass
class Packed:
    """All arrays of one run, ready for :func:`failsim.kernels.machine_kernel.advance`."""

    x: np.ndarray
    s: np.ndarray
    ii: np.ndarray
    p: np.ndarray
    prof: np.ndarray
    prof_n: np.ndarray
    th: np.ndarray
    trig_i: np.ndarray
    trig_f: np.ndarray
    trig_s: np.ndarray
    ev: np.ndarray
    n_total: int
    trigger_labels: list[str]
    #: trigger index -> (fault index in the scenario's faults, "onset" or "end")
    fault_triggers: dict = field(default_factory=dict)
    #: fault index -> (kind, target, severity, severity unit, severity profile or None, label)
    fault_info: dict = field(default_factory=dict)

    def copy(self) -> Packed:
        return Packed(
            **{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in self.__dict__.items()}
        )


def signal_index(name: str, machine: Machine) -> int:
    """Kernel index of a condition signal named as in the scenario schema."""
    if name in SIGNAL_NAMES_FIXED:
        return SIGNAL_NAMES_FIXED[name]
    node = name[len("temp_") : -len("_c")]
    return L.SIG_TEMP0 + machine.thermal.index(node)


def condition_rows(
    when: dict, action: int, arg: int, value: float, machine: Machine
) -> tuple[tuple[int, int, int, int], tuple[float, float, float, float]]:
    """Kernel trigger rows (trig_i, trig_f) of a condition ``when`` (the scenario mapping:
    signal, above or below, for_s, after_s) carrying out ``action``."""
    above = when.get("above")
    kind = L.TRIG_ABOVE if above is not None else L.TRIG_BELOW
    threshold = float(above if above is not None else when["below"])
    hold_s = float(when.get("for_s") or 0.0)
    armed_from_s = float(when.get("after_s") or 0.0)
    return (
        (kind, action, arg, signal_index(when["signal"], machine)),
        (threshold, hold_s, value, armed_from_s),
    )


def _breakpoints(points: list[tuple[float, float]]) -> np.ndarray:
    return np.asarray(points, dtype=np.float64).reshape(-1, 2)


def load_profile_points(load_profile: list[dict]) -> list[tuple[float, float]]:
    """Breakpoints (t_s, load_pu) of a scenario load profile: each set-point is reached at
    ``at_s + ramp_s`` by a linear ramp starting at ``at_s`` from the previous value."""
    pts: list[tuple[float, float]] = []
    prev = None
    for item in load_profile:
        at = float(item["at_s"])
        val = float(item["load_pu"])
        ramp = float(item.get("ramp_s", 0.0))
        if prev is None:
            pts.append((at, val))
        else:
            pts.append((at, prev))
            pts.append((at + ramp, val))
        prev = val
    return pts


def profile_arrays(
    prof_lists: list[list[tuple[float, float]]],
) -> tuple[np.ndarray, np.ndarray]:
    """Kernel profile arrays from breakpoint lists: prof[j, m] = (time, value, slope to the
    next point; 0 across a step), prof_n[j] = number of points."""
    m = max(1, *(len(pl) for pl in prof_lists))
    prof = np.zeros((len(prof_lists), m, 3))
    prof_n = np.zeros(len(prof_lists), dtype=np.int64)
    for j, pl in enumerate(prof_lists):
        pts = _breakpoints(pl)
        prof[j, : len(pl), :2] = pts
        for k in range(len(pl) - 1):
            dt_k = pts[k + 1, 0] - pts[k, 0]
            prof[j, k, 2] = (pts[k + 1, 1] - pts[k, 1]) / dt_k if dt_k > 0 else 0.0
        prof_n[j] = len(pl)
    return prof, prof_n


def thermal_substeps(requested: int | None, rate_hz: int, supply_hz: float) -> int:
    """Solver steps per thermal step: as requested, or a whole number of supply half-periods
    near 20 ms (i^2 has the half-period, so its mean over the step is the rms value)."""
    if requested is not None:
        return int(requested)
    half_periods = max(1, round(0.02 * 2.0 * supply_hz))
    return max(1, round(half_periods * rate_hz / (2.0 * supply_hz)))


def pack(
    machine: Machine,
    scenario: dict,
    *,
    thermal_coupling: bool = True,
) -> Packed:
    """Build the kernel arrays for ``machine`` under the validated scenario mapping."""
    motor = machine.motor
    supply = machine.supply
    solver = scenario["solver"]
    rate = int(solver["rate_hz"])
    dt = 1.0 / rate
    n_total = round(float(scenario["duration_s"]) * rate)
    sc_supply = scenario["supply"]
    f_supply = float(sc_supply.get("frequency_hz") or supply.frequency_hz)
    ambient = float(scenario["environment"]["ambient_temp_c"])

    p = np.zeros(L.N_P)
    p[L.P_RATE_HZ] = rate
    dc = isinstance(motor, DCMotor)
    if dc:
        _pack_dc_motor(motor, p)
    else:
        p[L.P_MOTOR_KIND] = L.MOTOR_INDUCTION
        p[L.P_POLE_PAIRS] = motor.pole_pairs
        p[L.P_RS_REF] = motor.stator_resistance_ohm
        p[L.P_RR_REF] = motor.rotor_resistance_ohm
        p[L.P_LS] = motor.magnetizing_inductance_h + motor.stator_leakage_inductance_h
        p[L.P_LR] = motor.magnetizing_inductance_h + motor.rotor_leakage_inductance_h
        p[L.P_LM] = motor.magnetizing_inductance_h
        p[L.P_RS_TEMP_K] = MATERIAL_K[motor.stator_conductor]
        p[L.P_RR_TEMP_K] = MATERIAL_K[motor.rotor_conductor]
        r_fe = motor.circuit(f_supply).iron_loss_resistance_ohm
        p[L.P_G_FE] = 0.0 if math.isinf(r_fe) else 1.0 / r_fe
    p[L.P_R_REF_TEMP_C] = motor.resistance_reference_temp_c
    p[L.P_THERMAL_COUPLING] = 1.0 if thermal_coupling else 0.0
    p[L.P_ROTOR_ASYM] = 0.0
    p[L.P_V_PEAK] = math.sqrt(2.0 / 3.0) * supply.line_voltage_v
    p[L.P_F_SUPPLY] = f_supply
    p[L.P_UNBALANCE] = float(sc_supply["voltage_unbalance_pct"]) / 100.0
    p[L.P_UNBALANCE_ANGLE] = math.radians(float(sc_supply["unbalance_angle_deg"]))
    p[L.P_CONTACTOR_DELAY] = supply.contactor_drop_delay_s
    p[L.P_JM] = motor.inertia_kg_m2
    gear = machine.gearbox
    ratio = gear.ratio if gear is not None else 1.0
    # everything beyond the coupling, seen from the motor side of the gearbox
    p[L.P_JL] = (gear.input_inertia_kg_m2 if gear else 0.0) + (
        (gear.output_inertia_kg_m2 if gear else 0.0) + machine.load.inertia_kg_m2
    ) / ratio**2
    p[L.P_K_COUPLING] = machine.shaft.coupling_stiffness_n_m_rad
    p[L.P_C_COUPLING] = machine.shaft.coupling_damping_n_m_s_rad
    p[L.P_B_VISCOUS] = motor.viscous_friction_n_m_s_rad
    p[L.P_K_WINDAGE] = motor.windage_coefficient()
    bearing_t = [b.friction_torque_n_m for b in machine.bearings]
    if len(bearing_t) > L.N_BEARING_MAX:
        raise ValueError(f"at most {L.N_BEARING_MAX} bearings are supported")
    # Coulomb friction sgn(w) is regularised as tanh(w / w_eps); w_eps keeps the RK4 step
    # stable (slope T / w_eps over J well below the stability limit of 2.8 / dt).
    t_m = sum(bearing_t)
    p[L.P_WEPS_M] = max(1e-3, 2.0 * dt * t_m / motor.inertia_kg_m2)
    load = machine.load
    p[L.P_LOAD_KIND] = LOAD_KINDS[load.type]
    p[L.P_LOAD_TN] = load.rated_torque_n_m
    p[L.P_LOAD_WN] = load.rated_speed_rad_s if load.rated_speed_rpm else 1.0
    p[L.P_LOAD_BREAKAWAY] = load.breakaway_torque_n_m
    p[L.P_LOAD_A] = load.a_n_m
    p[L.P_LOAD_B] = load.b_n_m_s_rad
    p[L.P_LOAD_C] = load.c_n_m_s2_rad2
    max_scale = max(float(i["load_pu"]) for i in scenario["operation"]["load_profile"])
    t_l = (
        load.breakaway_torque_n_m
        + max_scale * (load.rated_torque_n_m if load.type == "constant" else load.a_n_m) / ratio
    )
    p[L.P_WEPS_L] = max(1e-3, 2.0 * dt * t_l / p[L.P_JL])
    p[L.P_GEAR_RATIO] = ratio
    p[L.P_GEAR_EFF] = gear.efficiency if gear is not None else 1.0
    _pack_drive(machine, p, f_supply)
    _pack_dc_drive(machine, p)
    _pack_conveyor(machine, p, dt)
    p[L.P_N_BEARINGS] = len(bearing_t)
    p[L.P_BEARING_T_TOTAL] = t_m
    for j, tb in enumerate(bearing_t):
        p[L.P_BEARING_T0 + j] = tb

    net = machine.thermal
    n_nodes = len(net.nodes)
    if n_nodes > L.N_NODE_MAX:
        raise ValueError(f"at most {L.N_NODE_MAX} thermal nodes are supported")
    p[L.P_N_NODES] = n_nodes
    p[L.P_NODE_WINDING] = net.index("winding")
    p[L.P_NODE_IRON] = net.index("stator_iron")
    p[L.P_NODE_ROTOR] = net.index("rotor")
    p[L.P_NODE_HOUSING] = net.index("housing")
    for j, b in enumerate(machine.bearings):
        p[L.P_NODE_BEARING0 + j] = net.index(f"bearing_{b.name}")
    p[L.P_THERMAL_SUBSTEPS] = thermal_substeps(solver.get("thermal_substeps"), rate, f_supply)
    p[L.P_T_AMBIENT] = ambient
    p[L.P_FAN_STANDSTILL] = net.standstill_ratio
    p[L.P_FAN_EXPONENT] = net.speed_exponent
    if dc:
        w_sync = motor.rated.voltage_v / motor.emf_constant_v_s_rad  # no-load speed
    else:
        w_sync = motor.synchronous_speed_rad_s(f_supply)
    p[L.P_W_RATED] = motor.rated_speed_rad_s
    relay = machine.relay
    p[L.P_RELAY_ENABLED] = 1.0 if relay.enabled else 0.0
    p[L.P_RELAY_IE] = relay.current_setting_a
    p[L.P_RELAY_K] = relay.k_factor
    p[L.P_RELAY_TAU] = relay.time_constant_s
    if dc:
        p[L.P_W_RUNNING] = 0.9 * motor.rated_speed_rad_s
    else:
        n_sync = 60.0 * motor.rated.frequency_hz / motor.pole_pairs
        rated_slip = 1.0 - motor.rated.speed_rpm / n_sync
        p[L.P_W_RUNNING] = w_sync * (1.0 - min(0.5, 3.0 * rated_slip))
    p[L.P_W_STANDSTILL] = 0.005 * w_sync
    p[L.P_W_STALL] = 0.02 * w_sync  # a locked rotor creeps within the friction's regularisation
    p[L.P_I_LIMIT] = 100.0 * motor.rated.current_a * math.sqrt(2.0)
    p[L.P_W_LIMIT] = 5.0 * w_sync

    g, g_amb = net.matrices()
    g_internal = g - np.diag(g_amb)  # node-to-node part; the kernel adds g_amb * fan(w)
    th = np.zeros((n_nodes, n_nodes + 2))
    th[:, :n_nodes] = g_internal
    th[:, n_nodes] = g_amb
    th[:, n_nodes + 1] = net.capacity_j_k

    # profiles: the operation's load and the supply voltage, with the machine faults on them
    faults = compile_machine_faults(
        scenario.get("faults", []),
        float(scenario["duration_s"]),
        MachineContext(
            supply_kind=int(p[L.P_SUPPLY_KIND]),
            bearing_names=tuple(b.name for b in machine.bearings),
            bearing_friction_n_m=tuple(b.friction_torque_n_m for b in machine.bearings),
            rotor_bars=None if dc else motor.rotor_bars,
            breakdown_torque_n_m=_breakdown_torque_n_m(machine, f_supply),
            base_unbalance=float(p[L.P_UNBALANCE]),
            base_unbalance_angle_rad=float(p[L.P_UNBALANCE_ANGLE]),
            belt=_belt_context(p, machine) if machine.conveyor is not None else None,
        ),
        int(scenario["seed"]),
    )
    _pack_brake(machine, p, dt)
    _pack_seizure(faults, machine, p, dt)
    v_pu = float(sc_supply["voltage_pu"])
    prof_lists: list[list[tuple[float, float]]] = [
        combine(
            load_profile_points(scenario["operation"]["load_profile"]),
            faults.load_extra,
            lambda u, v: u + v,
        ),
        [(t, v_pu * factor) for t, factor in faults.voltage_factor],
        faults.friction,
        *(pts for _, pts in faults.relative),
    ]
    _pack_bearing_defects(machine, scenario, p, prof_lists, dt)
    prof, prof_n = profile_arrays(prof_lists)

    # triggers: the operation's start and stop, then the scenario's events
    rows_i: list[tuple[int, int, int, int]] = []
    rows_f: list[tuple[float, float, float, float]] = []
    labels: list[str] = []
    op = scenario["operation"]
    driven = machine.drive is not None or machine.dc_drive is not None
    if op.get("start_at_s") is not None:
        start = L.ACT_DRIVE_START if driven else L.ACT_CLOSE_CONTACTOR
        rows_i.append((L.TRIG_AT_TIME, start, 0, 0))
        rows_f.append((float(op["start_at_s"]), 0.0, 0.0, 0.0))
        labels.append("operation.start_at_s")
    if op.get("stop_at_s") is not None:
        stop = L.ACT_DRIVE_STOP if driven else L.ACT_OPEN_CONTACTOR
        rows_i.append((L.TRIG_AT_TIME, stop, 0, 0))
        rows_f.append((float(op["stop_at_s"]), 0.0, 0.0, 0.0))
        labels.append("operation.stop_at_s")
    for j, e in enumerate(scenario.get("events", [])):
        action = ACTIONS[e["action"]]
        arg = PHASES.get(e.get("phase") or "", 0)
        value = float(e.get("frequency_hz") or 0.0)
        if e.get("at_s") is not None:
            rows_i.append((L.TRIG_AT_TIME, action, arg, 0))
            rows_f.append((float(e["at_s"]), 0.0, value, 0.0))
        else:
            row_i, row_f = condition_rows(e["when"], action, arg, value, machine)
            rows_i.append(row_i)
            rows_f.append(row_f)
        labels.append(e.get("label") or f"events[{j}]")
    fault_triggers: dict[int, tuple[int, str]] = {}
    for ft in faults.triggers:
        fault_triggers[len(rows_i)] = (ft.fault_index, ft.role)
        if ft.when is None:
            rows_i.append((L.TRIG_AT_TIME, ft.action, ft.arg, 0))
            rows_f.append((ft.at_s, 0.0, ft.value, 0.0))
        else:
            row_i, row_f = condition_rows(ft.when, ft.action, ft.arg, ft.value, machine)
            rows_i.append(row_i)
            rows_f.append(row_f)
        labels.append(f"faults[{ft.fault_index}].{ft.role}")
    trig_i = np.array(rows_i, dtype=np.int64).reshape(-1, 4)
    trig_f = np.array(rows_f, dtype=np.float64).reshape(-1, 4)
    trig_s = np.zeros((len(rows_i), 2))

    # initial state
    x = np.zeros(L.N_X)
    s = np.zeros(L.N_S)
    s[L.S_CONTACTOR_OPEN_AT] = -1.0
    s[L.S_RELAY_LEVEL] = float(scenario["initial"]["relay_level_pu"])
    init_t = scenario["initial"]["temperatures_c"]
    for i, node in enumerate(net.nodes):
        s[L.S_TEMPS0 + i] = float(init_t.get(node, ambient))
    tref = motor.resistance_reference_temp_c
    if thermal_coupling:
        tw = s[L.S_TEMPS0 + net.index("winding")]
        tr = s[L.S_TEMPS0 + net.index("rotor")]
        s[L.S_RS] = p[L.P_RS_REF] * (p[L.P_RS_TEMP_K] + tw) / (p[L.P_RS_TEMP_K] + tref)
        s[L.S_RR] = p[L.P_RR_REF] * (p[L.P_RR_TEMP_K] + tr) / (p[L.P_RR_TEMP_K] + tref)
    else:
        s[L.S_RS] = p[L.P_RS_REF]
        s[L.S_RR] = p[L.P_RR_REF]
    if dc and motor.field is not None:
        x[L.X_ISB] = motor.field.voltage_v / motor.field.resistance_ohm  # field excited
    s[L.S_STO_AT] = -1.0
    s[L.S_BRAKE_AT] = -1.0
    s[L.S_REL_T0 : L.S_REL_T0 + L.N_REL_MAX] = -1.0
    p[L.P_N_REL] = len(faults.relative)
    for r, (target, _) in enumerate(faults.relative):
        p[L.P_REL_TARGET0 + r] = target
    ii = np.zeros(L.N_I, dtype=np.int64)
    if p[L.P_BRAKE_TORQUE] > 0.0:
        ii[L.I_BRAKE] = 1  # the machine stands still and unpowered: the brake holds it
    if machine.dc_drive is not None:
        ii[L.I_CONTACTOR] = 1
        s[L.S_F_REF] = machine.dc_drive.speed_setpoint_rpm * math.pi / 30.0
    if machine.drive is not None:
        # the drive is energised before the run: contactor closed, DC link charged
        ii[L.I_CONTACTOR] = 1
        x[L.X_VDC] = p[L.P_DRV_VRECT] * float(sc_supply["voltage_pu"])
        s[L.S_F_REF] = p[L.P_DRV_FSET]
    if machine.conveyor is not None:
        # the belt stands loaded as the feeder left it
        c = machine.conveyor
        x[L.X_MLOAD] = p[L.P_FEED_KG_S] * c.length_m / c.design_belt_speed_m_s * prof_lists[0][0][1]
    ev = np.zeros((EVENT_LOG_CAPACITY, L.N_EV_COLS))
    return Packed(
        x=x,
        s=s,
        ii=ii,
        p=p,
        prof=prof,
        prof_n=prof_n,
        th=th,
        trig_i=trig_i,
        trig_f=trig_f,
        trig_s=trig_s,
        ev=ev,
        n_total=n_total,
        trigger_labels=labels,
        fault_triggers=fault_triggers,
        fault_info=faults.info,
    )


def _belt_context(p: np.ndarray, machine: Machine) -> BeltContext:
    """Grip and running resistance of the packed belt conveyor (at the design throughput:
    q_G = feed / belt speed)."""
    q_g = p[L.P_FEED_KG_S] / p[L.P_BELT_VN]
    f_u = (
        p[L.P_CONV_CFLG] * (p[L.P_CONV_QFIX] + q_g * p[L.P_CONV_COSD])
        + p[L.P_CONV_SPECIAL]
        + q_g * p[L.P_CONV_LIFT] * 9.80665
    )
    return BeltContext(
        takeup_tension_n=float(p[L.P_BELT_T2]),
        friction_static=float(p[L.P_BELT_MU_S]),
        friction_kinetic=float(p[L.P_BELT_MU_K]),
        wrap_rad=float(p[L.P_BELT_WRAP]),
        special_resistance_n=float(p[L.P_CONV_SPECIAL]),
        rated_resistance_n=float(f_u),
        carry_load_kg_m=float(machine.conveyor.belt_mass_kg_m + q_g),
    )


def _breakdown_torque_n_m(machine: Machine, f_supply: float) -> float:
    """Largest torque the motor can deliver (N m): the induction motor's breakdown torque at
    rated voltage and the supply frequency, or the DC motor's torque at its drive's current
    limit (twice rated current without a drive)."""
    motor = machine.motor
    if isinstance(motor, DCMotor):
        i_max = (
            machine.dc_drive.current_limit_a
            if machine.dc_drive is not None
            else 2.0 * motor.rated.current_a
        )
        return motor.emf_constant_v_s_rad * i_max
    v = machine.supply.line_voltage_v
    return float(breakdown(motor.circuit(f_supply), v, f_supply)[1])


def _pack_brake(machine: Machine, p: np.ndarray, dt: float) -> None:
    """Spring-applied brake: torque, delay, and a regularisation speed that keeps the RK4 step
    stable (slope T_B / w_eps over J_m below 1 / (2 dt))."""
    brake = machine.brake
    if brake is None:
        return
    p[L.P_BRAKE_TORQUE] = brake.torque_n_m
    p[L.P_BRAKE_DELAY] = brake.engage_delay_s
    p[L.P_WEPS_BRAKE] = max(1e-3, 2.0 * dt * brake.torque_n_m / p[L.P_JM])


def _pack_seizure(faults, machine: Machine, p: np.ndarray, dt: float) -> None:
    """Where a seizure's friction acts, its Stribeck curve and regularisation speed (from the
    largest static friction torque on that shaft's inertia, as for the bearings)."""
    p[L.P_SEIZE_BEARING] = -1.0
    p[L.P_LUBE_NODE] = -1.0
    z = faults.seizure
    if z is None:
        return
    p[L.P_SEIZE_SHAFT] = z.shaft
    p[L.P_SEIZE_STATIC] = z.static_ratio
    p[L.P_SEIZE_WS] = z.stribeck_speed_rad_s
    p[L.P_SEIZE_BEARING] = float(z.bearing_slot)
    levels = [v for _, v in faults.friction]
    for target, pts in faults.relative:
        if target == L.REL_FRICTION:
            levels += [v for _, v in pts]
    t_max = max(levels) * z.static_ratio
    if z.runaway is not None:
        # the runaway ends in a seized bearing: twice the motor's breakdown torque
        p[L.P_LUBE_NODE] = p[L.P_NODE_BEARING0 + z.bearing_slot]
        p[L.P_LUBE_T_RUN], p[L.P_LUBE_DT] = z.runaway
        p[L.P_LUBE_TMAX] = 2.0 * _breakdown_torque_n_m(machine, p[L.P_F_SUPPLY])
        t_max = max(t_max, p[L.P_LUBE_TMAX])
    inertia = p[L.P_JM] if z.shaft == L.SHAFT_MOTOR else p[L.P_JL]
    p[L.P_WEPS_SEIZE] = max(1e-3, 2.0 * dt * t_max / inertia)


def _pack_bearing_defects(
    machine: Machine, scenario: dict, p: np.ndarray, prof_lists: list, dt: float
) -> None:
    """Drag torques of the bearing defects: pulse parameters, bearing slot, and the row of
    each one's energy profile E(t) (appended to ``prof_lists``). The motor's Coulomb
    regularisation speed is widened to keep the RK4 step stable with their peak torque too
    (slope (T_b + sum c E_max) / w_eps over J_m below 1 / (2 dt))."""
    from ..faults.bearing_defects import drag_torques

    drags = drag_torques(
        scenario.get("faults", []),
        machine.bearings,
        int(scenario["seed"]),
        float(scenario["duration_s"]),
        machine.motor.rated_speed_rad_s,
        float(p[L.P_RATE_HZ]),
    )
    p[L.P_N_DEFECTS] = len(drags)
    peak = 0.0
    for k, drag in enumerate(drags):
        p[L.P_DEF_ORDER0 + k] = drag.order
        p[L.P_DEF_KAPPA0 + k] = drag.kappa
        p[L.P_DEF_NORM0 + k] = drag.norm
        p[L.P_DEF_SLOT0 + k] = drag.slot
        p[L.P_DEF_PROF0 + k] = len(prof_lists)
        prof_lists.append(drag.energy)
        peak += drag.norm * max(e for _, e in drag.energy)
    if drags:
        t_m = p[L.P_BEARING_T_TOTAL] + peak
        p[L.P_WEPS_M] = max(1e-3, 2.0 * dt * t_m / machine.motor.inertia_kg_m2)


def _pack_drive(machine: Machine, p: np.ndarray, f_supply: float) -> None:
    """Drive parameters (V/f law, ramps as rates, DC link, chopper, trips)."""
    d = machine.drive
    if d is None:
        p[L.P_SUPPLY_KIND] = L.SUPPLY_MAINS
        return
    p[L.P_SUPPLY_KIND] = L.SUPPLY_VFD
    p[L.P_DRV_FN] = d.rated_frequency_hz
    p[L.P_DRV_VN] = math.sqrt(2.0 / 3.0) * d.rated_voltage_v
    p[L.P_DRV_BOOST] = d.boost_pct / 100.0
    p[L.P_DRV_RAMP_UP] = d.rated_frequency_hz / d.ramp_up_s
    p[L.P_DRV_RAMP_DOWN] = d.rated_frequency_hz / d.ramp_down_s
    p[L.P_DRV_SS1_RAMP] = d.rated_frequency_hz / d.safe_stop_ramp_s
    p[L.P_DRV_ILIM] = math.sqrt(2.0) * d.current_limit_a
    p[L.P_DRV_C] = d.dc_link_capacitance_f
    p[L.P_DRV_RSRC] = d.rectifier_resistance_ohm
    p[L.P_DRV_VRECT] = 3.0 * math.sqrt(2.0) / math.pi * machine.supply.line_voltage_v
    p[L.P_DRV_VCHOP_ON] = d.chopper_on_v
    p[L.P_DRV_VCHOP_OFF] = d.chopper_off_v
    p[L.P_DRV_RBRAKE] = d.braking_resistor_ohm or 0.0
    p[L.P_DRV_VOV] = d.overvoltage_trip_v
    p[L.P_DRV_VUV] = d.undervoltage_trip_v
    p[L.P_DRV_VOV_CTRL] = d.overvoltage_control_v
    p[L.P_DRV_STO_DELAY] = d.sto_response_s
    p[L.P_DRV_FSET] = d.frequency_setpoint_hz
    p[L.P_DRV_PWM_HZ] = d.switching_frequency_hz


def _pack_conveyor(machine: Machine, p: np.ndarray, dt: float) -> None:
    """Belt conveyor parameters; the friction regularisation keeps the RK4 step stable."""
    c = machine.conveyor
    if c is None:
        return
    g = 9.80665
    cos_d = c.cos_incline
    p[L.P_CONVEYOR] = 1.0
    p[L.P_PULLEY_R] = 0.5 * c.pulley_diameter_m
    p[L.P_BELT_MASS] = c.length_m * (
        2.0 * c.belt_mass_kg_m + c.carry_idler_mass_kg_m + c.return_idler_mass_kg_m
    )
    p[L.P_CONV_LEN] = c.length_m
    p[L.P_CONV_CFLG] = c.coefficient_c_value * c.friction_factor * c.length_m * g
    p[L.P_CONV_QFIX] = (
        c.carry_idler_mass_kg_m + c.return_idler_mass_kg_m + 2.0 * c.belt_mass_kg_m * cos_d
    )
    p[L.P_CONV_COSD] = cos_d
    p[L.P_CONV_LIFT] = c.lift_m
    p[L.P_CONV_SPECIAL] = c.special_resistance_n
    p[L.P_BELT_T2] = c.takeup_tension_n
    p[L.P_BELT_WRAP] = math.radians(c.wrap_angle_deg)
    p[L.P_BELT_MU_S] = c.friction_static
    p[L.P_BELT_MU_K] = c.friction_kinetic
    p[L.P_BELT_VSTRIB] = c.stribeck_velocity_m_s
    p[L.P_FEED_KG_S] = c.design_throughput_t_h / 3.6
    p[L.P_BELT_VN] = c.design_belt_speed_m_s
    p[L.P_SLIP_DETECT] = c.slip_detect_pct / 100.0
    # stiffness of the regularised friction, F_max / v_eps, against the reduced mass of
    # belt and pulley side: keep dt * F_max / (v_eps m_r) <= 0.5
    r = p[L.P_PULLEY_R]
    ratio = p[L.P_GEAR_RATIO]
    m_pulley = p[L.P_JL] * ratio**2 / r**2
    m_belt = p[L.P_BELT_MASS]
    m_r = m_pulley * m_belt / (m_pulley + m_belt)
    f_max = c.takeup_tension_n * (math.exp(c.friction_static * p[L.P_BELT_WRAP]) - 1.0)
    p[L.P_BELT_VEPS] = max(1e-3, 2.0 * dt * f_max / m_r)
    f_res = p[L.P_CONV_CFLG] * p[L.P_CONV_QFIX] + c.special_resistance_n
    p[L.P_BELT_VEPS_RES] = max(1e-3, 2.0 * dt * f_res / m_belt)


def _pack_dc_motor(motor: DCMotor, p: np.ndarray) -> None:
    """DC motor: armature (its resistance follows the rotor node, copper), field or magnets.

    The stator-side slots are filled so that the thermal code's resistance updates work:
    the armature resistance is the 'rotor' resistance, the field's the 'stator' one."""
    p[L.P_MOTOR_KIND] = L.MOTOR_DC
    p[L.P_POLE_PAIRS] = 1.0
    p[L.P_RR_REF] = motor.armature_resistance_ohm
    p[L.P_RR_TEMP_K] = MATERIAL_K["copper"]
    p[L.P_RS_TEMP_K] = MATERIAL_K["copper"]
    p[L.P_DC_RA] = motor.armature_resistance_ohm
    p[L.P_DC_LA] = motor.armature_inductance_h
    if motor.field is not None:
        p[L.P_DC_RF] = motor.field.resistance_ohm
        p[L.P_RS_REF] = motor.field.resistance_ohm
        p[L.P_DC_LF] = motor.field.inductance_h
        p[L.P_DC_LFC] = motor.field.field_constant_h
        p[L.P_DC_UF] = motor.field.voltage_v
    else:
        p[L.P_DC_KE] = motor.back_emf_constant_v_s_rad
        p[L.P_RS_REF] = 1.0
    # harmless values for the induction slots (never used for a DC motor)
    p[L.P_LS] = p[L.P_LR] = p[L.P_LM] = 1.0


def _pack_dc_drive(machine: Machine, p: np.ndarray) -> None:
    """DC drive: ramps as speed rates, limits, and PI gains tuned from the motor.

    Current loop: K_p = L_a w_c, K_i = R_a w_c (pole-zero cancellation, bandwidth w_c).
    Speed loop: K_p = J w_s / k_e, K_i = K_p w_s / 4 (symmetric optimum-like margin), J the
    total inertia at the motor shaft."""
    d = machine.dc_drive
    if d is None:
        return
    motor = machine.motor
    p[L.P_SUPPLY_KIND] = L.SUPPLY_DC_DRIVE
    w_n = motor.rated_speed_rad_s
    p[L.P_DRV_RAMP_UP] = w_n / d.ramp_up_s
    p[L.P_DRV_RAMP_DOWN] = w_n / d.ramp_down_s
    p[L.P_DRV_SS1_RAMP] = w_n / d.safe_stop_ramp_s
    p[L.P_DRV_ILIM] = d.current_limit_a
    p[L.P_DRV_STO_DELAY] = d.sto_response_s
    p[L.P_DRV_FSET] = d.speed_setpoint_rpm * math.pi / 30.0
    p[L.P_DC_VMAX] = d.max_voltage_v
    p[L.P_DC_4Q] = 1.0 if d.four_quadrant else 0.0
    wc = 2.0 * math.pi * d.current_loop_bandwidth_hz
    p[L.P_DC_KP_I] = motor.armature_inductance_h * wc
    p[L.P_DC_KI_I] = motor.armature_resistance_ohm * wc
    ws = 2.0 * math.pi * d.speed_loop_bandwidth_hz
    j_total = p[L.P_JM] + p[L.P_JL]
    p[L.P_DC_KP_W] = j_total * ws / motor.emf_constant_v_s_rad
    p[L.P_DC_KI_W] = p[L.P_DC_KP_W] * ws / 4.0
