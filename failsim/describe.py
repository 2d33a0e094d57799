"""Human-readable description of a machine: parameters with units and derived quantities."""

from __future__ import annotations

import math

from .components.electrical import DCMotor
from .components.machine import Machine
from .physics.induction_motor import (
    breakdown,
    equivalent_circuit,
    locked_rotor,
    slip_for_torque,
    synchronous_speed_rpm,
)
from .physics.mechanics import torsional_frequency_hz
from .physics.overload_relay import DEFAULT_K_FACTOR, steady_level, trip_time_s
from .spec import load_machine


def _fmt_time(t: float) -> str:
    if math.isinf(t):
        return "no trip"
    if t >= 120:
        return f"{t / 60:.1f} min"
    return f"{t:.1f} s"


def _describe_induction(m: Machine, v: float, f: float, add) -> None:
    motor = m.motor
    r = motor.rated
    add("motor (induction, nameplate)")
    add(f"  rated power               {r.power_w / 1e3:10.2f} kW")
    add(f"  rated speed               {r.speed_rpm:10.1f} rpm")
    add(f"  rated current             {r.current_a:10.2f} A")
    add(f"  pole pairs                {motor.pole_pairs:10d}")
    add(
        f"  R_s, R_r (at {motor.resistance_reference_temp_c:g} degC)     "
        f"{motor.stator_resistance_ohm:.4f}, {motor.rotor_resistance_ohm:.4f} ohm"
    )
    l_ls = motor.stator_leakage_inductance_h * 1e3
    l_lr = motor.rotor_leakage_inductance_h * 1e3
    l_m = motor.magnetizing_inductance_h * 1e3
    add(f"  L_ls, L_lr, L_m           {l_ls:.3f}, {l_lr:.3f}, {l_m:.2f} mH")
    add(f"  rotor inertia             {motor.inertia_kg_m2:10.4f} kg m^2")
    add(f"  iron loss (rated V, f)    {motor.iron_loss_w:10.1f} W")
    add(f"  windage loss (rated speed){motor.windage_loss_w:10.1f} W")
    add("")
    circ = motor.circuit(f)
    n_sync = synchronous_speed_rpm(f, motor.pole_pairs)
    w_rated = r.speed_rpm * math.pi / 30
    t_rated = r.power_w / w_rated
    add("motor (derived from the equivalent circuit at reference temperature)")
    add(f"  synchronous speed         {n_sync:10.1f} rpm")
    add(f"  nameplate slip            {100 * (1 - r.speed_rpm / n_sync):10.2f} %")
    add(f"  rated torque P/w          {t_rated:10.2f} N m")
    try:
        s_r = slip_for_torque(circ, v, f, t_rated)
        ss = equivalent_circuit(circ, v, f, s_r)
        add(f"  slip at rated torque      {100 * s_r:10.2f} %  ({ss.speed_rpm:.1f} rpm)")
        add(
            f"  current at rated torque   {float(ss.stator_current_a):10.2f} A  "
            f"(PF {float(ss.power_factor):.3f})"
        )
        eff = float(ss.mechanical_power_w / ss.input_power_w)
        add(f"  efficiency (no friction)  {100 * eff:10.1f} %")
    except ValueError as exc:
        add(f"  rated torque not reachable: {exc}")
    s_b, t_b = breakdown(circ, v, f)
    lr = locked_rotor(circ, v, f)
    nl = equivalent_circuit(circ, v, f, 1e-9)
    add(f"  breakdown torque          {t_b:10.1f} N m  ({t_b / t_rated:.2f} T_N at slip {s_b:.3f})")
    add(
        f"  locked-rotor current      {float(lr.stator_current_a):10.1f} A  "
        f"({float(lr.stator_current_a) / r.current_a:.2f} I_N)"
    )
    add(
        f"  locked-rotor torque       {float(lr.torque_n_m):10.1f} N m  "
        f"({float(lr.torque_n_m) / t_rated:.2f} T_N)"
    )
    add(f"  no-load current           {float(nl.stator_current_a):10.2f} A")
    l_r = motor.magnetizing_inductance_h + motor.rotor_leakage_inductance_h
    add(f"  rotor time constant L_r/R_r {l_r / motor.rotor_resistance_ohm:8.3f} s")
    add("")


def _describe_dc(m: Machine, add) -> None:
    from .physics.dc_motor import DCMotor as DCPhysics
    from .physics.dc_motor import (
        electrical_time_constant_s,
        mechanical_time_constant_s,
        no_load_speed_rad_s,
        stall_current_a,
    )

    motor = m.motor
    r = motor.rated
    add("motor (DC, nameplate)")
    add(f"  rated power               {r.power_w / 1e3:10.2f} kW")
    add(f"  rated armature voltage    {r.voltage_v:10.1f} V")
    add(f"  rated armature current    {r.current_a:10.2f} A")
    add(f"  rated speed               {r.speed_rpm:10.1f} rpm")
    add(
        f"  armature R, L             {motor.armature_resistance_ohm:.4f} ohm, "
        f"{motor.armature_inductance_h * 1e3:.2f} mH"
    )
    ke = motor.emf_constant_v_s_rad
    field = "permanent magnets" if motor.field is None else "separately excited"
    add(f"  k_e = k_t                 {ke:10.4f} V s/rad ({field})")
    add(f"  rotor inertia             {motor.inertia_kg_m2:10.4f} kg m^2")
    phys = DCPhysics(
        armature_resistance_ohm=motor.armature_resistance_ohm,
        armature_inductance_h=motor.armature_inductance_h,
        back_emf_constant_v_s_rad=ke,
    )
    add("")
    add("motor (derived)")
    n0 = no_load_speed_rad_s(phys, r.voltage_v) * 30 / math.pi
    add(f"  no-load speed at rated V  {n0:10.1f} rpm")
    add(f"  stall current V/R_a       {stall_current_a(phys, r.voltage_v):10.1f} A")
    add(f"  rated torque k_t I_N      {ke * r.current_a:10.2f} N m")
    add(f"  electrical time constant  {electrical_time_constant_s(phys) * 1e3:10.2f} ms")
    j = motor.inertia_kg_m2
    tau_m = mechanical_time_constant_s(phys, j) * 1e3
    add(f"  mechanical time constant  {tau_m:10.1f} ms (motor alone)")
    if m.dc_drive is not None:
        d = m.dc_drive
        add("")
        add(f"DC drive ({'four' if d.four_quadrant else 'two'}-quadrant)")
        add(f"  max armature voltage      {d.max_voltage_v:10.1f} V")
        add(f"  current limit             {d.current_limit_a:10.1f} A")
        ramps = f"{d.ramp_up_s:g} / {d.ramp_down_s:g} / {d.safe_stop_ramp_s:g}"
        add(f"  ramps up/down/safe stop   {ramps} s")
        add(f"  speed set-point           {d.speed_setpoint_rpm:10.1f} rpm")


def _describe_conveyor(m: Machine, add) -> None:
    from .physics.conveyor import capstan_ratio

    c = m.conveyor
    q_g = c.design_load_kg_m
    q_fix = c.carry_idler_mass_kg_m + c.return_idler_mass_kg_m + 2 * c.belt_mass_kg_m
    g = 9.80665
    f_u = c.coefficient_c_value * c.friction_factor * c.length_m * g * (q_fix + q_g)
    f_u += c.special_resistance_n + q_g * c.lift_m * g
    wrap = math.radians(c.wrap_angle_deg)
    grip_s = c.takeup_tension_n * (float(capstan_ratio(c.friction_static, wrap)) - 1.0)
    grip_k = c.takeup_tension_n * (float(capstan_ratio(c.friction_kinetic, wrap)) - 1.0)
    add("")
    add("belt conveyor")
    add(f"  length, lift              {c.length_m:g} m, {c.lift_m:g} m")
    v, q = c.design_belt_speed_m_s, c.design_throughput_t_h
    add(f"  design speed, throughput  {v:g} m/s, {q:g} t/h")
    add(f"  bulk load at design       {q_g:10.2f} kg/m")
    add(f"  coefficient C, f          {c.coefficient_c_value:.3f}, {c.friction_factor:g}")
    p_belt = f_u * c.design_belt_speed_m_s / 1e3
    add(f"  running resistance F_U    {f_u:10.0f} N  ({p_belt:.2f} kW at the belt)")
    add(f"  take-up tension T2        {c.takeup_tension_n:10.0f} N")
    ratio = f"{grip_s / f_u:.2f} / {grip_k / f_u:.2f} F_U"
    add(f"  pulley grip static/kin.   {grip_s:.0f} / {grip_k:.0f} N  ({ratio})")


def _describe_drive(m: Machine, add) -> None:
    d = m.drive
    v_dc = 3 * math.sqrt(2) / math.pi * m.supply.line_voltage_v
    add("")
    add("variable-frequency drive (V/f)")
    add(f"  base frequency, voltage   {d.rated_frequency_hz:g} Hz, {d.rated_voltage_v:g} V")
    ramps = f"{d.ramp_up_s:g} / {d.ramp_down_s:g} / {d.safe_stop_ramp_s:g}"
    add(f"  ramps up/down/safe stop   {ramps} s")
    add(f"  current limit             {d.current_limit_a:10.1f} A")
    add(f"  DC link (no load)         {v_dc:10.1f} V, {d.dc_link_capacitance_f * 1e3:g} mF")
    brake = "none" if d.braking_resistor_ohm is None else f"{d.braking_resistor_ohm:g} ohm"
    chop = f"chopper {d.chopper_on_v:g}/{d.chopper_off_v:g} V"
    add(f"  braking resistor          {brake:>10}  ({chop})")
    trips = f"overvoltage {d.overvoltage_trip_v:g} V, undervoltage {d.undervoltage_trip_v:g} V"
    add(f"  trips                     {trips}")
    add(f"  STO response              {d.sto_response_s * 1e3:10.1f} ms")


def describe_machine(name_or_path: str) -> str:
    """Text block describing the machine (parameters, derived quantities, protection)."""
    spec = load_machine(name_or_path)
    m = Machine.from_spec(spec)
    motor = m.motor
    v = m.supply.line_voltage_v
    f = m.supply.frequency_hz
    lines: list[str] = []
    add = lines.append
    add(f"machine {m.name}")
    desc = " ".join(str(spec.data.get("description", "")).split())
    if desc:
        add(f"  {desc}")
    add(f"  source: {' '.join(str(spec.data['source']).split())}")
    add("")
    add("supply")
    add(f"  line voltage              {v:10.1f} V")
    add(f"  frequency                 {f:10.2f} Hz")
    add(f"  contactor drop-out delay  {m.supply.contactor_drop_delay_s * 1e3:10.1f} ms")
    add("")
    r = motor.rated
    if isinstance(motor, DCMotor):
        _describe_dc(m, add)
    else:
        _describe_induction(m, v, f, add)
    add("shaft and load")
    add(f"  coupling stiffness        {m.shaft.coupling_stiffness_n_m_rad:10.1f} N m/rad")
    f_t = torsional_frequency_hz(
        m.shaft.coupling_stiffness_n_m_rad, motor.inertia_kg_m2, m.load.inertia_kg_m2
    )
    add(f"  torsional frequency       {f_t:10.1f} Hz")
    if m.gearbox is not None:
        g = m.gearbox
        add(f"  gearbox ratio, efficiency {g.ratio:10.2f}, {g.efficiency:.3f}")
        add(f"  gear mesh order           {g.input_teeth:10d} x input shaft speed")
    add(f"  load law                  {m.load.type:>10}")
    if m.load.type != "conveyor":
        add(f"  load rated torque         {m.load.rated_torque_n_m:10.2f} N m")
    add(f"  load inertia              {m.load.inertia_kg_m2:10.4f} kg m^2")

    for b in m.bearings:
        add(f"  bearing {b.name:<17} {b.designation:>10}  friction {b.friction_torque_n_m:.4f} N m")
    if m.conveyor is not None:
        _describe_conveyor(m, add)
    if m.drive is not None:
        _describe_drive(m, add)
    add("")
    f_r = r.speed_rpm / 60.0
    add(f"bearing defect frequencies at rated speed ({r.speed_rpm:g} rpm, f_r = {f_r:.2f} Hz)")
    add("  bearing                    FTF      BPFO      BPFI       BSF     2xBSF  (Hz)")
    for b in m.bearings:
        mult = b.multipliers()
        if mult is None:
            add(f"  {b.name:<20} no geometry (designation not in the catalogue)")
            continue
        add(
            f"  {b.name:<20} {mult.ftf * f_r:9.2f} {mult.bpfo * f_r:9.2f} "
            f"{mult.bpfi * f_r:9.2f} {mult.bsf * f_r:9.2f} {2 * mult.bsf * f_r:9.2f}"
        )
        add(
            f"  {'  (x f_r)':<20} {mult.ftf:9.4f} {mult.bpfo:9.4f} {mult.bpfi:9.4f} "
            f"{mult.bsf:9.4f} {2 * mult.bsf:9.4f}"
        )
    if m.vibration is not None:
        vib = m.vibration
        add("")
        add("vibration")
        w_n = motor.rated_speed_rad_s
        add(f"  rotor mass                {vib.rotor_mass_kg:10.2f} kg")
        add(
            f"  balance grade             {'G' + format(vib.balance_grade_mm_s, 'g'):>10}"
            f"  (e = {vib.eccentricity_m(w_n) * 1e6:.1f} um)"
        )
        add(f"  imbalance force at rated  {vib.imbalance_force_n(w_n, w_n):10.2f} N")
        add(f"  2x line magnetic force    {vib.magnetic_force_n:10.2f} N")
        for mode in vib.modes:
            add(
                f"  mode {mode.name:<20} {mode.frequency_hz:8.1f} Hz  zeta {mode.damping_ratio:.3f}"
                f"  m {mode.modal_mass_kg:g} kg  {mode.direction}"
            )
        for a in m.accelerometers:
            add(
                f"  accelerometer {a.name:<24} {a.location} {a.axis}, "
                f"{a.sensitivity_mv_per_g:g} mV/g, +/-{a.range_g:g} g, "
                f"{a.noise_ug_per_sqrt_hz:g} ug/sqrt(Hz), "
                f"mount {a.mounted_resonance_hz / 1e3:g} kHz"
            )
    add("")
    add("thermal network")
    net = m.thermal
    for node, c in zip(net.nodes, net.capacity_j_k, strict=True):
        add(f"  C {node:<23}{c:10.0f} J/K")
    for a, b, res in net.resistance_k_w:
        add(f"  R {a + ' - ' + b:<23}{res:10.4f} K/W")
    taus = net.time_constants_s()
    add("  time constants            " + ", ".join(_fmt_time(float(t)) for t in taus))
    add("")
    relay = m.relay
    add(
        f"overload relay (class {relay.trip_class}, I_e = {relay.current_setting_a:g} A, "
        f"k = {relay.k_factor:g}, tau = {relay.time_constant_s:.0f} s)"
    )
    if not relay.enabled:
        add("  disabled")
    k = relay.k_factor or DEFAULT_K_FACTOR
    for mult, init, label in (
        (7.2, 0.0, "7.2 I_e from cold"),
        (1.5, steady_level(1.0, k), "1.5 I_e from hot (after I_e)"),
        (1.2, steady_level(1.0, k), "1.2 I_e from hot"),
        (1.05, 0.0, "1.05 I_e from cold"),
    ):
        t = trip_time_s(mult, relay.trip_class, k, init, relay.time_constant_s)
        add(f"  trip at {label:<28} {_fmt_time(float(t)):>10}")
    return "\n".join(lines)
