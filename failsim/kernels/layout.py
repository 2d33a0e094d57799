"""Index layout of the packed arrays the machine kernel works on.

The kernel sees only arrays. This module names every slot so that the packing code
(:mod:`failsim.kernels.pack`), the kernel and the reference implementation agree.
All values are SI (A, V, Wb, rad, rad/s, N m, K, W, s) unless the name says otherwise.
"""

from __future__ import annotations

# ---------------------------------------------------------------- continuous state (RK4) ----
X_ISA = 0  # stator current, alpha axis, A
X_ISB = 1  # stator current, beta axis, A
X_PSIRA = 2  # rotor flux linkage, alpha axis, Wb
X_PSIRB = 3  # rotor flux linkage, beta axis, Wb
X_WM = 4  # motor shaft speed, rad/s
X_WL = 5  # load shaft speed, rad/s
X_TWIST = 6  # coupling twist theta_motor - theta_load, rad
X_THM = 7  # motor shaft angle, rad (unwrapped)
X_VDC = 8  # drive DC-link voltage, V (drive-fed machines; 0 on mains)
X_VBELT = 9  # belt speed, m/s (conveyors)
X_MLOAD = 10  # bulk material on the belt, kg (conveyors)
X_INT_SPEED = 11  # DC drive: integral of the speed error, rad
X_INT_CURRENT = 12  # DC drive: integral of the armature-current error, A s
# DC motor: X_ISA is the armature current (A), X_ISB the field current (A)
N_X = 13

# -------------------------------------------------------------- other carried state (float) --
S_THETA_SUPPLY = 0  # supply (positive-sequence) angle, rad, wrapped to [0, 2 pi)
S_RELAY_LEVEL = 1  # overload-relay thermal replica level, per unit (trip at 1)
S_RS = 2  # stator resistance at the present winding temperature, ohm
S_RR = 3  # rotor resistance at the present rotor temperature, ohm
S_CONTACTOR_OPEN_AT = 4  # step index at which the contacts open (pending command); -1 if none
S_ACC_DT = 5  # thermal accumulators: time integrated since the last thermal step, s
S_ACC_CU_S = 6  # integral of stator copper loss, J
S_ACC_CU_R = 7  # integral of rotor copper loss, J
S_ACC_FE = 8  # integral of iron loss, J
S_ACC_FW = 9  # integral of windage and viscous friction loss, J
S_ACC_I2A = 10  # integral of i_a^2, A^2 s
S_ACC_I2B = 11
S_ACC_I2C = 12
S_ACC_BEARING0 = 13  # integral of bearing friction loss per bearing, J (N_BEARING_MAX slots)
N_BEARING_MAX = 4
S_SLOW_ACC0 = S_ACC_BEARING0 + N_BEARING_MAX  # integrals since last slow sample (N_AVG slots)
N_AVG_MAX = 12
S_COND_CURRENT_RMS = S_SLOW_ACC0 + N_AVG_MAX  # max phase rms current over the last thermal step
S_TEMPS0 = S_COND_CURRENT_RMS + 1  # thermal node temperatures, degC (N_NODE_MAX slots)
N_NODE_MAX = 12
S_THETA_OUT = S_TEMPS0 + N_NODE_MAX  # drive output voltage angle, rad, wrapped
S_F_OUT = S_THETA_OUT + 1  # drive output frequency, Hz (ramped)
S_F_REF = S_THETA_OUT + 2  # drive frequency set-point, Hz
S_STO_AT = S_THETA_OUT + 3  # step index at which the drive's gates block (pending); -1 if none
S_ACC_CHOPPER = S_THETA_OUT + 4  # reserved (the braking power is a process-stream mean)
S_BRAKE_AT = S_THETA_OUT + 5  # step index at which the spring-applied brake engages; -1 if none
S_REL_T0 = S_THETA_OUT + 6  # start time of each relative profile, s; -1 until started
N_REL_MAX = 4
# integrals of each node's heat input over the thermal steps since the caller last reset them
# (J), and the time they cover (s): the mean losses a recording gap is fast-forwarded with
S_LOSS_INT0 = S_REL_T0 + N_REL_MAX  # N_NODE_MAX slots
S_LOSS_INT_T = S_LOSS_INT0 + N_NODE_MAX
N_S = S_LOSS_INT_T + 1

# ------------------------------------------------------------------ integer state ----------
I_STEP = 0  # next solver step index n (time t_n = n / rate)
I_CONTACTOR = 1  # 1 closed, 0 open
I_PHASE_OPEN = 2  # bit mask of open phases (bit 0 = a, 1 = b, 2 = c)
I_RELAY_TRIPPED = 3
I_MACHINE_STATE = 4  # MS_* code
I_REACHED_RUNNING = 5  # 1 once speed passed the running threshold since the contactor closed
I_N_EVENTS = 6  # events written in the current event buffer
I_DIVERGED = 7  # DIV_* reason code, 0 = healthy
I_PROF_CURSOR0 = 8  # cursor per profile (N_PROF_MAX slots)
N_PROF_MAX = 12  # N_PROF fixed, N_REL_MAX relative, N_DEFECT_MAX bearing-defect profiles
I_STATE_LOGGED = I_PROF_CURSOR0 + N_PROF_MAX  # 1 once the initial state has been logged
I_K_FAST = I_STATE_LOGGED + 1  # next fast-stream sample index k (t_k = k / fs)
I_K_SLOW = I_STATE_LOGGED + 2  # next slow-stream sample index
I_CACHE_VALID = I_STATE_LOGGED + 3  # internal: derivative cache valid (never set across calls)
I_K_TRACE = I_STATE_LOGGED + 4  # next kinematic-trace sample index
I_DRIVE_MODE = I_STATE_LOGGED + 5  # DRV_* code of the drive (drive-fed machines)
I_CHOPPER_ON = I_STATE_LOGGED + 6  # 1 while the braking chopper conducts
I_DRIVE_FAULT = I_STATE_LOGGED + 7  # FAULT_* code of a drive trip, 0 = none
I_BELT_SLIPPING = I_STATE_LOGGED + 8  # 1 while the belt slips on the drive pulley
I_BRAKE = I_STATE_LOGGED + 9  # 1 while the spring-applied brake is engaged
N_I = I_STATE_LOGGED + 10

# ------------------------------------------------------------------ parameters (float) -----
P_RATE_HZ = 0  # solver rate, Hz
P_POLE_PAIRS = 1
P_RS_REF = 2  # stator resistance at reference temperature, ohm
P_RR_REF = 3
P_LS = 4  # stator self inductance L_m + L_ls, H
P_LR = 5  # rotor self inductance, H
P_LM = 6  # magnetising inductance, H
P_RS_TEMP_K = 7  # temperature constant of the stator conductor (234.5 Cu, 225 Al), K
P_RR_TEMP_K = 8
P_R_REF_TEMP_C = 9  # reference temperature of the resistances, degC
P_THERMAL_COUPLING = 10  # 1: resistances follow temperature; 0: frozen at reference
P_G_FE = 11  # iron-loss shunt conductance per phase at supply frequency, S
P_ROTOR_ASYM = 12  # relative extra rotor resistance on the rotor d axis (broken bars), -
P_V_PEAK = 13  # rated phase voltage peak sqrt(2) V_LL / sqrt(3), V
P_F_SUPPLY = 14  # supply frequency, Hz
P_UNBALANCE = 15  # negative-sequence / positive-sequence voltage ratio, -
P_UNBALANCE_ANGLE = 16  # negative-sequence phase angle, rad
P_CONTACTOR_DELAY = 17  # contactor drop-out delay, s
P_JM = 18  # motor inertia, kg m^2
P_JL = 19  # load inertia, kg m^2
P_K_COUPLING = 20  # N m/rad
P_C_COUPLING = 21  # N m s/rad
P_B_VISCOUS = 22  # motor viscous friction, N m s/rad
P_K_WINDAGE = 23  # windage coefficient, torque = k w |w|, N m s^2/rad^2
P_WEPS_M = 24  # Coulomb regularisation speed on the motor side, rad/s
P_WEPS_L = 25  # on the load side, rad/s
P_LOAD_KIND = 26  # LOAD_* code
P_LOAD_TN = 27  # rated load torque, N m
P_LOAD_WN = 28  # rated load speed, rad/s
P_LOAD_BREAKAWAY = 29  # N m
P_LOAD_A = 30  # polynomial coefficients
P_LOAD_B = 31
P_LOAD_C = 32
P_EXT_TORQUE = 33  # external load torque on the load shaft (co-simulation input), N m
P_N_BEARINGS = 34
P_BEARING_T0 = 35  # Coulomb friction torque per bearing, N m (N_BEARING_MAX slots)
P_N_NODES = P_BEARING_T0 + N_BEARING_MAX
P_NODE_WINDING = P_N_NODES + 1  # node indices
P_NODE_IRON = P_N_NODES + 2
P_NODE_ROTOR = P_N_NODES + 3
P_NODE_HOUSING = P_N_NODES + 4
P_NODE_BEARING0 = P_N_NODES + 5  # N_BEARING_MAX slots
P_THERMAL_SUBSTEPS = P_NODE_BEARING0 + N_BEARING_MAX
P_T_AMBIENT = P_THERMAL_SUBSTEPS + 1  # degC
P_FAN_STANDSTILL = P_T_AMBIENT + 1  # ambient conductance ratio at standstill
P_FAN_EXPONENT = P_T_AMBIENT + 2
P_W_RATED = P_T_AMBIENT + 3  # rated motor speed, rad/s (fan law reference)
P_RELAY_ENABLED = P_T_AMBIENT + 4
P_RELAY_IE = P_T_AMBIENT + 5  # relay current setting, A
P_RELAY_K = P_T_AMBIENT + 6
P_RELAY_TAU = P_T_AMBIENT + 7  # s
P_W_RUNNING = P_T_AMBIENT + 8  # speed above which a started motor counts as running, rad/s
P_W_STANDSTILL = P_T_AMBIENT + 9  # speed below which a stopping machine counts as stopped
P_I_LIMIT = P_T_AMBIENT + 10  # divergence guard: current magnitude limit, A
P_W_LIMIT = P_T_AMBIENT + 11  # divergence guard: speed limit, rad/s
P_BEARING_T_TOTAL = P_T_AMBIENT + 12  # sum of the bearings' friction torques, N m
# supply kind and drive (variable-frequency drive, V/f control, average model)
P_SUPPLY_KIND = P_T_AMBIENT + 13  # SUPPLY_* code
P_DRV_FN = P_SUPPLY_KIND + 1  # rated (base) frequency of the V/f law, Hz
P_DRV_VN = P_SUPPLY_KIND + 2  # rated output voltage, phase peak, V
P_DRV_BOOST = P_SUPPLY_KIND + 3  # voltage boost at 0 Hz, per unit of rated
P_DRV_RAMP_UP = P_SUPPLY_KIND + 4  # acceleration ramp, Hz/s
P_DRV_RAMP_DOWN = P_SUPPLY_KIND + 5  # deceleration ramp, Hz/s
P_DRV_SS1_RAMP = P_SUPPLY_KIND + 6  # SS1 / SS2 deceleration ramp, Hz/s
P_DRV_ILIM = P_SUPPLY_KIND + 7  # current limit, peak of the space vector, A
P_DRV_C = P_SUPPLY_KIND + 8  # DC-link capacitance, F
P_DRV_RSRC = P_SUPPLY_KIND + 9  # rectifier source resistance, ohm
P_DRV_VRECT = P_SUPPLY_KIND + 10  # no-load rectified voltage at rated supply, V
P_DRV_VCHOP_ON = P_SUPPLY_KIND + 11  # chopper switch-on voltage, V
P_DRV_VCHOP_OFF = P_SUPPLY_KIND + 12  # chopper switch-off voltage, V
P_DRV_RBRAKE = P_SUPPLY_KIND + 13  # braking resistor, ohm; 0 = none
P_DRV_VOV = P_SUPPLY_KIND + 14  # overvoltage trip, V
P_DRV_VUV = P_SUPPLY_KIND + 15  # undervoltage trip, V
P_DRV_VOV_CTRL = P_SUPPLY_KIND + 16  # DC-link level above which deceleration is held, V
P_DRV_STO_DELAY = P_SUPPLY_KIND + 17  # STO response time, s
P_DRV_FSET = P_SUPPLY_KIND + 18  # frequency set-point when started, Hz
P_DRV_PWM_HZ = P_SUPPLY_KIND + 19  # switching frequency, Hz (for the ripple component)
# gearbox and belt conveyor
P_GEAR_RATIO = P_SUPPLY_KIND + 20  # input speed / output speed; 1 without a gearbox
P_GEAR_EFF = P_SUPPLY_KIND + 21  # efficiency, applied against the power flow
P_CONVEYOR = P_SUPPLY_KIND + 22  # 1: the load is a belt conveyor
P_PULLEY_R = P_SUPPLY_KIND + 23  # drive pulley radius, m
P_BELT_MASS = P_SUPPLY_KIND + 24  # moving mass without bulk load (belt, idlers), kg
P_CONV_LEN = P_SUPPLY_KIND + 25  # conveyor length, m
P_CONV_CFLG = P_SUPPLY_KIND + 26  # C f L g of the main resistance, N per kg/m
P_CONV_QFIX = P_SUPPLY_KIND + 27  # q_RO + q_RU + 2 q_B cos(delta), kg/m
P_CONV_COSD = P_SUPPLY_KIND + 28  # cos(inclination)
P_CONV_LIFT = P_SUPPLY_KIND + 29  # lift H, m
P_CONV_SPECIAL = P_SUPPLY_KIND + 30  # special resistances, N
P_BELT_T2 = P_SUPPLY_KIND + 31  # slack-side tension from the take-up, N
P_BELT_WRAP = P_SUPPLY_KIND + 32  # wrap angle on the drive pulley, rad
P_BELT_MU_S = P_SUPPLY_KIND + 33  # static friction coefficient belt-lagging
P_BELT_MU_K = P_SUPPLY_KIND + 34  # kinetic friction coefficient
P_BELT_VSTRIB = P_SUPPLY_KIND + 35  # Stribeck velocity, m/s
P_BELT_VEPS = P_SUPPLY_KIND + 36  # friction regularisation velocity, m/s
P_FEED_KG_S = P_SUPPLY_KIND + 37  # bulk feed rate at load_pu = 1, kg/s
P_BELT_VEPS_RES = P_SUPPLY_KIND + 38  # regularisation of the running resistance's sign, m/s
P_SLIP_DETECT = P_SUPPLY_KIND + 39  # relative slip above which the belt counts as slipping
P_BELT_VN = P_SUPPLY_KIND + 40  # design belt speed, m/s (the feeder follows the belt speed)
# DC motor and DC drive (the ramp slots P_DRV_RAMP_* are then in rad/s^2, the current limit
# P_DRV_ILIM is the armature current limit in A, S_F_OUT/S_F_REF hold speeds in rad/s)
P_MOTOR_KIND = P_SUPPLY_KIND + 41  # MOTOR_* code
P_DC_RA = P_SUPPLY_KIND + 42  # armature resistance at reference temperature, ohm
P_DC_LA = P_SUPPLY_KIND + 43  # armature inductance, H
P_DC_KE = P_SUPPLY_KIND + 44  # back-EMF constant (PM or at the field constant), V s/rad
P_DC_RF = P_SUPPLY_KIND + 45  # field resistance, ohm; 0 = permanent magnet
P_DC_LF = P_SUPPLY_KIND + 46  # field inductance, H
P_DC_LFC = P_SUPPLY_KIND + 47  # field constant L'_e (k_e = L'_e i_f), H
P_DC_UF = P_SUPPLY_KIND + 48  # field supply voltage, V
P_DC_VMAX = P_SUPPLY_KIND + 49  # converter output voltage limit, V
P_DC_4Q = P_SUPPLY_KIND + 50  # 1: four-quadrant converter (can reverse voltage)
P_DC_KP_W = P_SUPPLY_KIND + 51  # speed controller gain, A per rad/s
P_DC_KI_W = P_SUPPLY_KIND + 52  # speed controller integral gain, A per rad
P_DC_KP_I = P_SUPPLY_KIND + 53  # current controller gain, V/A
P_DC_KI_I = P_SUPPLY_KIND + 54  # current controller integral gain, V/(A s)
# spring-applied brake on the motor shaft: engages (after its delay) whenever the motor's
# power is removed (contactor open, gates blocked), releases when power is applied
P_BRAKE_TORQUE = P_SUPPLY_KIND + 55  # dynamic brake torque, N m; 0 = no brake
P_BRAKE_DELAY = P_SUPPLY_KIND + 56  # engagement delay after power removal, s
P_WEPS_BRAKE = P_SUPPLY_KIND + 57  # regularisation speed of the brake's friction, rad/s
# seizure friction (PROF_FRICTION gives its kinetic level in N m): Stribeck curve
# T = T_k (1 + (r_s - 1) exp(-(w / w_s)^2)) tanh(w / w_eps) on the motor or the load shaft
P_SEIZE_SHAFT = P_SUPPLY_KIND + 58  # SHAFT_* code of the seizing bearing's shaft
P_SEIZE_STATIC = P_SUPPLY_KIND + 59  # static / kinetic friction ratio r_s (>= 1)
P_SEIZE_WS = P_SUPPLY_KIND + 60  # Stribeck speed w_s, rad/s
P_WEPS_SEIZE = P_SUPPLY_KIND + 61  # regularisation speed, rad/s
P_SEIZE_BEARING = P_SUPPLY_KIND + 62  # bearing slot whose thermal node takes the heat; -1 none
P_W_STALL = P_SUPPLY_KIND + 63  # speed below which a powered, running machine has stalled
# relative profiles (rows N_PROF + r of prof): a fault's profile over the time since a
# trigger started it (ACT_START_PROFILE), added to the load or friction, or multiplying the
# supply voltage (REL_* code per profile)
P_N_REL = P_SUPPLY_KIND + 64
P_REL_TARGET0 = P_SUPPLY_KIND + 65  # N_REL_MAX slots
P_BELT_FMAX_S = P_REL_TARGET0 + N_REL_MAX  # static capstan limit T2 (e^(mu_s wrap) - 1), N
# lubrication loss: the seizure friction grows by exp((T_b - T_run) / dT) above T_run, with
# T_b the temperature of the bearing's thermal node, up to T_max (thermal runaway)
P_LUBE_NODE = P_BELT_FMAX_S + 1  # thermal node index of the bearing; -1: no feedback
P_LUBE_T_RUN = P_BELT_FMAX_S + 2  # degC
P_LUBE_DT = P_BELT_FMAX_S + 3  # K per e-fold
P_LUBE_TMAX = P_BELT_FMAX_S + 4  # N m: the friction of a fully seized bearing
# localised bearing defects (motor shaft): a drag-torque pulse train in the shaft angle,
# T = E(t) c exp(kappa (cos(order theta_m) - 1)) tanh(w_m / w_eps,m), E(t) the energy one
# rolling element loses per passage over the defect (J; a profile, 0 outside the defect's
# windows), so that the mean torque is E order / (2 pi) and the mean power E f_defect; the
# power T w_m heats the bearing's thermal node
N_DEFECT_MAX = 4
P_N_DEFECTS = P_BELT_FMAX_S + 5  # defects with a torque (0: none, no cost)
P_DEF_ORDER0 = P_N_DEFECTS + 1  # passages per shaft turn, f_defect / f_r (N_DEFECT_MAX slots)
P_DEF_KAPPA0 = P_DEF_ORDER0 + N_DEFECT_MAX  # pulse concentration kappa, -
P_DEF_NORM0 = P_DEF_KAPPA0 + N_DEFECT_MAX  # c = order / (2 pi I0(kappa) e^-kappa), 1/rad
P_DEF_SLOT0 = P_DEF_NORM0 + N_DEFECT_MAX  # bearing slot whose thermal node takes the heat
P_DEF_PROF0 = P_DEF_SLOT0 + N_DEFECT_MAX  # profile row of E(t), J (absolute time)
N_P = P_DEF_PROF0 + N_DEFECT_MAX

REL_LOAD = 0  # added to the load scale, per unit
REL_VOLTAGE = 1  # multiplies the supply-voltage scale
REL_FRICTION = 2  # added to the seizure friction level, N m

SHAFT_NONE = 0
SHAFT_MOTOR = 1
SHAFT_LOAD = 2

SUPPLY_MAINS = 0
SUPPLY_VFD = 1
SUPPLY_DC_DRIVE = 2

MOTOR_INDUCTION = 0
MOTOR_DC = 1

# drive modes
DRV_OFF = 0  # gates blocked, no output (stopped or never started)
DRV_RUN = 1  # running towards the set-point on the ramps
DRV_RAMP_STOP = 2  # normal stop: ramp to 0 Hz, then gates off
DRV_SS1 = 3  # safe stop 1: SS1 ramp to 0 Hz, then STO
DRV_SS2 = 4  # safe stop 2: SS2 ramp to 0 Hz, then hold at standstill with output on
DRV_STO = 5  # safe torque off (also after a drive fault)

# drive faults
FAULT_OVERVOLTAGE = 1
FAULT_UNDERVOLTAGE = 2
FAULT_OVERLOAD = 3  # the motor-protection replica of the drive
DRIVE_FAULTS = {
    FAULT_OVERVOLTAGE: "dc_link_overvoltage",
    FAULT_UNDERVOLTAGE: "dc_link_undervoltage",
    FAULT_OVERLOAD: "motor_overload",
}

# ---------------------------------------------------------------- profiles -----------------
# prof[j, m, 0] = time s, prof[j, m, 1] = value, prof[j, m, 2] = slope to the next point
# (per s); prof_n[j] = number of breakpoints; linear
# interpolation, held constant outside the breakpoints.
PROF_LOAD = 0  # load torque scale, per unit of the load law
PROF_VOLTAGE = 1  # supply voltage scale, per unit of rated
PROF_FRICTION = 2  # seizure friction torque (kinetic level), N m
N_PROF = 3
# then P_N_REL relative profiles (rows N_PROF + r, over the time since their trigger), then
# the bearing defects' energy profiles (rows P_DEF_PROF0 + k, over absolute time)

# ---------------------------------------------------------------- triggers -----------------
# trig_i[j] = (kind, action, arg, signal); trig_f[j] = (time or threshold, hold_s, value,
# armed_from_s: a condition is watched only from this time on)
# trig_s[j] = (fired, held_s)
TRIG_AT_TIME = 0
TRIG_ABOVE = 1
TRIG_BELOW = 2

ACT_CLOSE_CONTACTOR = 1
ACT_OPEN_CONTACTOR = 2
ACT_OPEN_PHASE = 3
ACT_RESTORE_PHASE = 4
ACT_SET_PARAM = 5  # arg = parameter index, value = new value
ACT_DRIVE_START = 6  # run towards the set-point
ACT_DRIVE_STOP = 7  # normal ramp stop
ACT_STO = 8  # safe torque off (stop category 0)
ACT_SS1 = 9  # safe stop 1 (stop category 1)
ACT_SS2 = 10  # safe stop 2 (stop category 2)
ACT_DRIVE_SETPOINT = 11  # value = new frequency set-point, Hz
ACT_START_PROFILE = 12  # arg = relative profile index r: its clock starts now

# condition signals (evaluated every thermal step)
SIG_SPEED_RPM = 0
SIG_TORQUE_N_M = 1
SIG_CURRENT_RMS_A = 2
SIG_RELAY_LEVEL = 3
SIG_DC_LINK_V = 4
SIG_BELT_SPEED = 5
SIG_BELT_SLIP_PCT = 6
SIG_TEMP0 = 7  # + node index

# ---------------------------------------------------------------- events -------------------
# ev[j] = (t_s, code, arg, value)
EV_STATE = 1  # arg = new machine state
EV_CONTACTOR_CLOSED = 2
EV_CONTACTOR_OPEN_COMMAND = 3  # arg: 0 = scenario trigger, 1 = overload relay
EV_CONTACTOR_OPENED = 4
EV_PHASE_OPENED = 5  # arg = phase index
EV_PHASE_RESTORED = 6
EV_RELAY_TRIPPED = 7  # value = rms current at the trip, A
EV_TRIGGER_FIRED = 8  # arg = trigger index
EV_PARAM_SET = 9  # arg = parameter index, value = new value
EV_DIVERGED = 10  # arg = DIV_* reason
EV_DRIVE_MODE = 11  # arg = new DRV_* mode
EV_DRIVE_FAULT = 12  # arg = FAULT_*, value = DC-link voltage or current
EV_CHOPPER = 13  # reserved: chopper toggles are not logged (braking_power_w shows them)
EV_BELT_SLIP = 14  # arg = 1 slipping starts, 0 ends; value = relative slip
EV_STO_ACTIVE = 15  # the gates blocked (STO reached the power stage)
EV_BRAKE = 16  # arg = 1 engaged, 0 released; value = motor speed, rad/s
N_EV_COLS = 4

# machine states
MS_STOPPED = 0
MS_STARTING = 1
MS_RUNNING = 2
MS_STOPPING = 3
MS_TRIPPED = 4
MS_STALLED = 5  # powered, had reached running, now below the stall speed (lock-up)
MACHINE_STATES = ("stopped", "starting", "running", "stopping", "tripped", "stalled")

# divergence reasons
DIV_NONFINITE = 1
DIV_CURRENT = 2
DIV_SPEED = 3
DIVERGENCE_REASONS = {
    DIV_NONFINITE: "a state became NaN or infinite",
    DIV_CURRENT: "stator current beyond the physical limit",
    DIV_SPEED: "shaft speed beyond the physical limit",
}

# load laws
LOAD_CONSTANT = 0
LOAD_LINEAR = 1
LOAD_QUADRATIC = 2
LOAD_POLYNOMIAL = 3

# ---------------------------------------------------------------- outputs ------------------
# fast stream (electrical), instantaneous values interpolated to t = k / fs
F_IA = 0
F_IB = 1
F_IC = 2
F_UA = 3
F_UB = 4
F_UC = 5
F_COS_OUT = 6  # cos of the drive's output angle while it switches, else 0 (PWM ripple phase)
F_SIN_OUT = 7  # sin of the drive's output angle while it switches, else 0
N_F = 8

# slow stream (process), per sample
Q_THETA_M = 0  # motor shaft angle at t_k, rad (encoder input)
Q_ISQ = 1  # mean of i_a^2 + i_b^2 + i_c^2 over the sample interval, A^2
Q_USQ = 2  # mean of u_a^2 + u_b^2 + u_c^2 over the interval, V^2
Q_P = 3  # mean active power into the motor terminals over the interval, W
Q_TSHAFT = 4  # mean coupling torque over the interval, N m
Q_WM = 5  # mean motor speed over the interval, rad/s
Q_VDC = 6  # mean DC-link voltage, V
Q_FOUT = 7  # mean drive output frequency, Hz
Q_VBELT = 8  # mean belt speed, m/s
Q_VPULLEY = 9  # mean drive-pulley surface speed, m/s
Q_MLOAD = 10  # mean bulk mass on the belt, kg
Q_PCHOP = 11  # mean braking-resistor power, W
Q_RELAY = 12  # relay replica level at t_k, pu
Q_TEMP0 = 13  # node temperatures at t_k, degC (N_NODE_MAX slots)
N_Q = Q_TEMP0 + N_NODE_MAX
N_AVG = 11  # Q_ISQ .. Q_PCHOP are interval means

# kinematic trace (input of the vibration stage), instantaneous values at t = k / fs_trace
T_THETA_M = 0  # motor shaft angle, rad (unwrapped)
T_WM = 1  # motor shaft speed, rad/s
T_PSIRA = 2  # rotor flux linkage alpha, Wb (the air-gap field that pulls on the stator)
T_PSIRB = 3  # rotor flux linkage beta, Wb
T_TSHAFT = 4  # coupling torque, N m (loads the gear mesh)
N_T = 5

# per-step output vector y (internal), from which both streams are interpolated
Y_IA = 0
Y_IB = 1
Y_IC = 2
Y_UA = 3
Y_UB = 4
Y_UC = 5
Y_COS_OUT = 6  # (Y_IA .. Y_SIN_OUT: the fast-stream channels, in F order)
Y_SIN_OUT = 7
Y_ISQ = 8
Y_USQ = 9
Y_P = 10
Y_TSHAFT = 11
Y_WM = 12
Y_VDC = 13
Y_FOUT = 14
Y_VBELT = 15
Y_VPULLEY = 16
Y_MLOAD = 17
Y_PCHOP = 18  # (Y_ISQ .. Y_PCHOP: the N_AVG interval-mean channels, in Q order)
Y_THM = 19
Y_PSIRA = 20
Y_PSIRB = 21
N_Y = 22
