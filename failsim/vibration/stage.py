"""The vibration stage: kinematic trace -> forces -> structural modes -> accelerometers -> DAQ.

Per chunk of the trace (at the synthesis rate ``oversample x fs``):

1. forces at each bearing location (horizontal, vertical, axial): residual imbalance and its
   harmonics (rotating, coherent with the shaft angle), the twice-line magnetic pull of the
   air-gap field, broadband machine excitation growing with speed, and any impact sources
   (bearing defects);
2. each structural mode is driven by the modal force sum_loc phi(loc) F_loc,dir and
   responds as a force-to-acceleration biquad (accelerance of a mode with its modal mass);
3. the acceleration at a sensor is sum_modes phi(sensor loc) response along the sensor axis;
4. the accelerometer: sensitivity (with its calibration error), mounted resonance, IEPE
   high-pass, noise density; then the DAQ: linear-phase anti-alias FIR with decimation to
   fs (sample k at exactly k / fs), clipping at the range and quantisation.

Every filter and random generator carries its state across chunks: the result does not
depend on how the run is split.

A sensor fault of the mount (:meth:`VibrationStage.loosen_mount`) swaps step 4's mounted
resonance for a loosened one over a time window, switching at exact synthesis samples.

Built with ``healthy_sources=False`` the stage synthesises the response to its fault sources
alone (see :class:`VibrationStage`): what :mod:`failsim.analysis.inject` adds to a real
recording, which already holds the machine's healthy vibration and its sensor's noise.
"""

from __future__ import annotations

import math

import numpy as np

from ..components.machine import Machine
from ..components.vibration import G0, Accelerometer
from ..kernels import layout as L
from ..rng import component_rng
from .filters import (
    accelerance_biquad,
    biquad_run,
    decimate_run,
    decimation_filter,
    highpass_biquad,
    mount_biquad,
)
from .kernels import sensor_run, structure_run
from .sources import (
    DIRECTIONS,
    ImpactTrain,
    LooseSupport,
    ShaftOrderForce,
    active_mask,
    magnetic_pull,
    rotating_orders,
    trace_columns,
)


class _SensorChain:
    """One accelerometer and its DAQ channel. With ``ideal_daq`` the channel adds no noise
    and neither clips nor quantises (a quantisation step of 0): the transfer alone, for a
    response that is added to an already measured signal."""

    def __init__(
        self,
        acc: Accelerometer,
        seed: int,
        fs_synth: float,
        fs: int,
        factor: int,
        *,
        ideal_daq: bool = False,
    ):
        rng = component_rng(seed, f"sensor.accel_{acc.name}")
        err = acc.sensitivity_error_pct / 100.0
        self.acc = acc
        self.gain = 1.0 + (rng.uniform(-err, err) if err > 0 else 0.0)
        self.rng = rng
        self.mount = mount_biquad(
            acc.mounted_resonance_hz, acc.mounted_damping_ratio, fs_synth, 0.45 * fs
        )
        self.stud_mount = self.mount  # the healthy mount; self.mount is the one in use
        self.loose: list[tuple[float, float, np.ndarray]] = []  # (onset_s, end_s, coefs)
        self.in_use = -1  # index into self.loose of the mount in use; -1: the stud mount
        self.x_last = np.zeros(2)  # the last two mount inputs (gain x acceleration)
        self.fs_synth = fs_synth
        self.highpass = highpass_biquad(acc.highpass_hz, fs_synth)
        self.mount_state = np.zeros(2)
        self.hp_state = np.zeros(2)
        self.noise_std = acc.noise_m_s2_per_sqrt_hz * math.sqrt(0.5 * fs_synth)
        if ideal_daq:
            self.noise_std = 0.0
        self.fir = decimation_filter(factor)
        self.history = np.zeros(self.fir.shape[0] - 1)
        self.factor = factor
        self.fs = fs
        self.full_scale = acc.range_m_s2
        # step 0: no clipping, no quantisation (see sensor_run)
        self.step = 0.0 if ideal_daq else 2.0 * self.full_scale / float(2**acc.adc_bits)

    @property
    def delay_s(self) -> float:
        """Group delay of the DAQ's linear-phase anti-alias filter, s."""
        return (self.fir.shape[0] - 1) / 2.0 / (self.factor * self.fs)

    def _noise(self, n: int) -> np.ndarray:
        if self.noise_std > 0.0:
            return self.rng.standard_normal(n, dtype=np.float32)
        return np.zeros(n, dtype=np.float32)

    def __call__(
        self, accel: np.ndarray, phase: int, noise: np.ndarray | None = None
    ) -> np.ndarray:
        if noise is None:
            noise = self._noise(accel.shape[0])
        return sensor_run(
            accel, self.gain, self.mount, self.mount_state, self.highpass, self.hp_state,
            noise, self.noise_std,
            self.fir, self.history, self.factor, phase, self.full_scale, self.step,
        )  # fmt: skip

    def loosen(
        self, onset_s: float, end_s: float | None, resonance_hz: float, damping_ratio: float
    ) -> None:
        """Put the accelerometer on a loosened mount over [onset_s, end_s) (s; None: to the
        end of the run): mount response 1 / (1 - r^2 + 2 j zeta r), r = f / resonance_hz,
        pre-warped at resonance_hz so its peak sits there exactly."""
        if not 0.0 < resonance_hz < 0.5 * self.fs_synth:
            raise ValueError(
                f"mount resonance {resonance_hz} Hz must lie in (0, {0.5 * self.fs_synth:g}) Hz"
            )
        if not 0.0 < damping_ratio < 1.0:
            raise ValueError(f"mount damping ratio {damping_ratio} must lie in (0, 1)")
        coefs = mount_biquad(resonance_hz, damping_ratio, self.fs_synth, resonance_hz)
        end = math.inf if end_s is None else float(end_s)
        self.loose.append((float(onset_s), end, coefs))

    def _mounts(self, j0: int, n: int) -> np.ndarray | None:
        """Per sample of the chunk starting at synthesis index j0: the index into
        ``self.loose`` of the mount in use (-1: stud; a later fault wins where two overlap),
        or None when the stud mount holds throughout and is in use already."""
        if not self.loose:
            return None
        t0, t1 = j0 / self.fs_synth, (j0 + n - 1) / self.fs_synth
        if self.in_use < 0 and not any(on <= t1 and end > t0 for on, end, _ in self.loose):
            return None
        t = np.arange(j0, j0 + n, dtype=np.int64) / self.fs_synth
        which = np.full(n, -1, dtype=np.int64)
        for i, (on, end, _) in enumerate(self.loose):
            which[(t >= on) & (t < end)] = i
        return which

    def _switch(self, k: int, x_prev: np.ndarray) -> None:
        """Change the mount in use to ``k`` (-1: stud) before the next sample.

        The biquad's state is recomputed so that the new filter continues from the same last
        two inputs ``x_prev`` = (x[n-2], x[n-1]) and outputs: the measured acceleration is
        continuous at the switch, as the seismic mass does not jump when the mount's
        stiffness changes. The old outputs follow from the old state (transposed direct
        form II: z1 = b2 x[n-1] - a2 y[n-1], z0 = b1 x[n-1] - a1 y[n-1] + b2 x[n-2] -
        a2 y[n-2]); a2 > 0 for any damping ratio below 1.
        """
        if k == self.in_use:
            return
        x2, x1 = float(x_prev[0]), float(x_prev[1])
        _, b1, b2, a1, a2 = self.mount
        z0, z1 = self.mount_state
        y1 = (b2 * x1 - z1) / a2
        y2 = (b1 * x1 - a1 * y1 + b2 * x2 - z0) / a2
        new = self.stud_mount if k < 0 else self.loose[k][2]
        _, nb1, nb2, na1, na2 = new
        self.mount_state[0] = nb1 * x1 - na1 * y1 + nb2 * x2 - na2 * y2
        self.mount_state[1] = nb2 * x1 - na2 * y1
        self.mount = new
        self.in_use = k

    def run(self, accel: np.ndarray, j0: int) -> np.ndarray:
        """Measured samples for one chunk of true acceleration whose first sample has
        synthesis index j0, with the mount in use at each sample (see :meth:`loosen`)."""
        n = accel.shape[0]
        which = self._mounts(j0, n)
        if which is None:
            y = self(accel, (-j0) % self.factor)
        else:
            noise = self._noise(n)
            starts = [0, *(np.flatnonzero(np.diff(which)) + 1).tolist()]
            stops = [*starts[1:], n]
            x_all = np.concatenate((self.x_last, accel * self.gain))
            parts = []
            for a, b in zip(starts, stops, strict=True):
                self._switch(int(which[a]), x_all[a : a + 2])
                parts.append(self(accel[a:b], (-(j0 + a)) % self.factor, noise[a:b]))
            y = np.concatenate(parts)
        if n:
            self.x_last = np.concatenate((self.x_last, accel[-2:] * self.gain))[-2:]
        return y

    def reference(self, accel: np.ndarray, phase: int) -> np.ndarray:
        """The same chain step by step with the separate filters (slow; for tests)."""
        n = accel.shape[0]
        noise = (
            self.rng.standard_normal(n, dtype=np.float32).astype(np.float64)
            if self.noise_std > 0.0
            else np.zeros(n)
        )
        y = biquad_run(self.mount, accel * self.gain, self.mount_state)
        y = biquad_run(self.highpass, y, self.hp_state)
        y = y + self.noise_std * noise
        y = decimate_run(self.fir, y, self.history, self.factor, phase)
        if self.step == 0.0:  # an ideal DAQ
            return y.astype(np.float32)
        y = np.clip(y, -self.full_scale, self.full_scale - self.step)
        return (np.round(y / self.step) * self.step).astype(np.float32)


class VibrationStage:
    """Turns kinematic-trace chunks into the accelerometer columns of the vibration stream.

    Parameters
    ----------
    machine:
        The machine, with a vibration model and accelerometers.
    seed:
        The run's seed (phases, background, sensor errors and noise come from generators
        keyed by component name under it).
    fs:
        DAQ sample rate of the stream, Hz.
    oversample:
        Synthesis runs at ``oversample x fs``.
    supply_hz:
        Supply frequency, Hz (scales the magnetic pull by the rated air-gap flux).
    healthy_sources:
        True (a run): every source acts. False: only the fault sources added with
        :meth:`add_impacts`, :meth:`add_shaft_force`, :meth:`loosen_support` and
        :meth:`damage_tooth` drive the structure, with no residual imbalance or its
        harmonics, no magnetic pull, no broadband excitation and no healthy gear mesh (a
        damaged tooth adds only the change of the mesh force it causes), and each
        accelerometer's DAQ adds no noise and neither clips nor quantises. The output is
        then the machine's response to its faults alone, through the structure and the
        accelerometer's transfer (sensitivity with its drawn error, mount, IEPE high-pass,
        anti-alias filter); without fault sources it is exactly zero. The random phases
        are drawn as in a run, so a loose support truncates the same 1x force a run with
        the same seed has.
    """

    def __init__(
        self,
        machine: Machine,
        seed: int,
        fs: int,
        oversample: int,
        supply_hz: float,
        *,
        healthy_sources: bool = True,
    ):
        vib = machine.vibration
        if vib is None or not machine.accelerometers:
            raise ValueError(f"machine {machine.name} has no vibration model or accelerometers")
        self.machine = machine
        self.healthy_sources = bool(healthy_sources)
        self.fs = int(fs)
        self.factor = int(oversample)
        self.fs_synth = float(self.fs * self.factor)
        self.locations = [b.name for b in machine.bearings]
        motor = machine.motor
        self.w_rated = motor.rated_speed_rad_s
        rng = component_rng(seed, "vibration.sources")
        phase1 = (
            math.radians(vib.imbalance_phase_deg)
            if vib.imbalance_phase_deg is not None
            else rng.uniform(0.0, 2.0 * math.pi)
        )
        orders = [(1, 1.0, phase1)]
        for k, ratio in vib.harmonics:
            orders.append((k, ratio, rng.uniform(0.0, 2.0 * math.pi)))
        self.orders = tuple(sorted(orders))  # ascending order: formed by repeated products
        self.mag_phase = rng.uniform(0.0, 2.0 * math.pi)
        self.mass_ecc = vib.rotor_mass_kg * vib.eccentricity_m(self.w_rated)
        # the healthy rotor's own forces (a loose support still truncates mass_ecc w^2)
        self._imbalance = self.mass_ecc if self.healthy_sources else 0.0
        self._magnetic_n = vib.magnetic_force_n if self.healthy_sources else 0.0
        # rated air-gap (rotor) flux amplitude, for scaling the magnetic pull
        if hasattr(motor, "magnetizing_inductance_h"):
            l_s = motor.magnetizing_inductance_h + motor.stator_leakage_inductance_h
            v_peak = math.sqrt(2.0 / 3.0) * machine.supply.line_voltage_v
            w_s = 2 * math.pi * supply_hz
            self.psi_rated = (motor.magnetizing_inductance_h / l_s) * v_peak / w_s
        else:  # a DC machine has no rotating air-gap field in the trace
            self.psi_rated = 1.0
        self.share = 1.0 / len(self.locations)  # static share of rotor forces per bearing
        self.background = vib.background_force_n_per_sqrt_hz * math.sqrt(0.5 * self.fs_synth)
        if not self.healthy_sources:
            self.background = 0.0
        self.noise_rng = {
            loc: component_rng(seed, f"vibration.background.{loc}") for loc in self.locations
        }
        self.modes = vib.modes
        self.mode_coefs = [
            accelerance_biquad(m.frequency_hz, m.damping_ratio, m.modal_mass_kg, self.fs_synth)
            for m in vib.modes
        ]
        self.mode_states = [np.zeros(2) for _ in vib.modes]
        self.sensors = [
            _SensorChain(
                a, seed, self.fs_synth, self.fs, self.factor, ideal_daq=not self.healthy_sources
            )
            for a in machine.accelerometers
        ]
        self.impacts: list[ImpactTrain] = []
        self.shaft_forces: list[ShaftOrderForce] = []
        #: damaged teeth of the input pinion: (stiffness loss 0..1, tooth angle rad, windows)
        self.tooth_damage: list[tuple[float, float, list[tuple[float, float | None]]]] = []
        # gear mesh at gearbox.input_teeth x the motor shaft (the input shaft follows it)
        self.mesh_teeth = machine.gearbox.input_teeth if machine.gearbox is not None else 0
        self.mesh_force = vib.gear_mesh_force_n
        self.mesh_modulation = vib.gear_mesh_modulation
        self.mesh_location = (
            self.locations.index(vib.gear_mesh_location) if vib.gear_mesh_location else 0
        )
        self.mesh_phase = rng.uniform(0.0, 2.0 * math.pi)
        self.mesh_phase_1x = rng.uniform(0.0, 2.0 * math.pi)
        self.torque_rated = motor.rated.power_w / motor.rated_speed_rad_s
        # packed arrays for the fused loop
        self._ks = np.array([o[0] for o in self.orders], dtype=np.int64)
        self._coef = np.array([r * np.exp(1j * p) for _, r, p in self.orders])
        self._dirs = np.array([DIRECTIONS.index(m.direction) for m in self.modes], dtype=np.int64)
        self._phi = np.array(
            [[m.participation(loc) for loc in self.locations] for m in self.modes]
        ).reshape(len(self.modes), len(self.locations))
        self._coefs = np.array(self.mode_coefs)
        self._states = np.zeros((len(self.modes), 2))
        self._sens_w = np.array(
            [
                [
                    m.participation(s.acc.location) if m.direction == s.acc.axis else 0.0
                    for m in self.modes
                ]
                for s in self.sensors
            ]
        ).reshape(len(self.sensors), len(self.modes))

    @property
    def columns(self) -> list[str]:
        return [s.acc.column for s in self.sensors]

    def add_impacts(self, source: ImpactTrain) -> None:
        """Add an impact source (a localised bearing defect) at one of the bearings."""
        if source.location not in self.locations:
            raise ValueError(f"no bearing {source.location!r}; bearings: {self.locations}")
        self.impacts.append(source)

    def damage_tooth(
        self, loss: float, windows: list[tuple[float, float | None]], tooth_angle_rad: float
    ) -> None:
        """A damaged tooth of the input pinion (a crack or a spall): while it is in mesh,
        once per turn for 1 / Z of a turn, the mesh force drops by ``loss`` (0..1) (its
        stiffness is lost), within ``windows`` (s). The once-per-turn gap in the mesh force
        spreads sidebands at the mesh frequency +/- k f_r over many k."""
        if self.mesh_teeth <= 0 or self.mesh_force <= 0.0:
            raise ValueError(f"machine {self.machine.name} has no gear mesh in its vibration model")
        self.tooth_damage.append((float(loss), float(tooth_angle_rad), windows))

    def add_shaft_force(self, source: ShaftOrderForce) -> None:
        """Add a shaft-order force (an imbalance, a misalignment, a loose support)."""
        self.shaft_forces.append(source)

    def loosen_support(
        self, location: str, loss: float, windows: list[tuple[float, float | None]]
    ) -> None:
        """Make the support of bearing ``location`` loose (see :class:`LooseSupport`): it
        truncates that bearing's share of the rotor's 1x force, at the 1x phase."""
        i = self.locations.index(location)
        phase = self.orders[0][2]  # the rotor's 1x (order 1 comes first)
        self.shaft_forces.append(LooseSupport(i, self.share * self.mass_ecc, loss, phase, windows))

    def forces(self, trace: np.ndarray) -> dict[str, np.ndarray]:
        """Forces (3, n) at each bearing location for one trace chunk, N."""
        theta, omega, psi_a, psi_b = trace_columns(trace)
        n = theta.shape[0]
        f1 = self._imbalance * omega * omega
        fh, fv = rotating_orders(theta, f1, self.orders)
        if self._magnetic_n > 0.0:
            mh, mv = magnetic_pull(psi_a, psi_b, self._magnetic_n, self.psi_rated, self.mag_phase)
        else:
            mh = mv = np.zeros(n)
        out: dict[str, np.ndarray] = {}
        speed_scale = np.abs(omega) / self.w_rated
        for loc in self.locations:
            f = np.zeros((3, n))
            f[0] = self.share * (fh + mh)
            f[1] = self.share * (fv + mv)
            if self.background > 0.0:
                # sample-major draws (h0, v0, h1, v1, ...): the same numbers however the run is
                # split into chunks
                noise = self.noise_rng[loc].standard_normal((n, 2), dtype=np.float32)
                f[0] += self.background * speed_scale * noise[:, 0]
                f[1] += self.background * speed_scale * noise[:, 1]
            out[loc] = f
        extra = self._extra_forces(trace)
        if extra.shape[2]:
            for i, loc in enumerate(self.locations):
                out[loc] += extra[i]
        return out

    def _extra_forces(self, trace: np.ndarray, j0: int = 0) -> np.ndarray:
        """Forces (locations, 3, n) of the impact sources and the gear mesh; shape
        (locations, 3, 0) when there are none."""
        theta = trace[L.T_THETA_M]
        n = theta.shape[0]
        mesh = self.mesh_teeth > 0 and self.mesh_force > 0.0
        if not self.healthy_sources:
            mesh = mesh and bool(self.tooth_damage)  # only a damaged tooth's change of it
        if not self.impacts and not mesh and not self.shaft_forces:
            return np.zeros((len(self.locations), 3, 0))
        out = np.zeros((len(self.locations), 3, n))
        for src in self.impacts:
            ih, iv = src.forces(theta, self.fs_synth, trace[L.T_WM], j0)
            i = self.locations.index(src.location)
            out[i, 0] += ih
            out[i, 1] += iv
        for src in self.shaft_forces:
            f = src.forces(theta, trace[L.T_WM], trace[L.T_TSHAFT], self.fs_synth, j0)
            for i, w in src.weights.items():
                out[i] += w * f
        if mesh:
            # mesh force grows with the transmitted torque; once-per-revolution runout of the
            # input gear modulates it (sidebands at the mesh order +/- 1x); it acts along the
            # line of action, here mostly vertical
            load = np.abs(trace[L.T_TSHAFT]) / self.torque_rated
            healthy = 1.0 + self.mesh_modulation * np.cos(theta + self.mesh_phase_1x)
            runout = healthy
            for loss, angle, windows in self.tooth_damage:
                # the damaged tooth carries less while it is in mesh: 1 / Z of each turn
                turn = np.mod(theta - angle, 2.0 * np.pi)
                in_mesh = turn < 2.0 * np.pi / self.mesh_teeth
                active = active_mask((j0 + np.arange(n)) / self.fs_synth, windows)
                runout = runout * np.where(in_mesh & active, 1.0 - loss, 1.0)
            if not self.healthy_sources:
                runout = runout - healthy  # the damage's change of the mesh force
            f = self.mesh_force * load * runout * np.cos(self.mesh_teeth * theta + self.mesh_phase)
            out[self.mesh_location, 0] += 0.5 * f
            out[self.mesh_location, 1] += f
        return out

    def accelerations(self, trace: np.ndarray, j0: int = 0) -> np.ndarray:
        """True acceleration (m/s^2) at each accelerometer along its axis, synthesis rate,
        shape (sensors, n), for a trace chunk whose first sample has synthesis index ``j0``:
        one fused pass over the samples."""
        theta, omega, psi_a, psi_b = trace_columns(trace)
        n = theta.shape[0]
        n_loc = len(self.locations)
        if self.background > 0.0:
            noise = np.empty((n_loc, n, 2), dtype=np.float32)
            for i, loc in enumerate(self.locations):
                noise[i] = self.noise_rng[loc].standard_normal((n, 2), dtype=np.float32)
        else:
            noise = np.zeros((n_loc, 0, 2), dtype=np.float32)
        impacts = self._extra_forces(trace, j0)
        mag_k = self._magnetic_n / (self.psi_rated * self.psi_rated)
        return structure_run(
            np.ascontiguousarray(theta), np.ascontiguousarray(omega),
            np.ascontiguousarray(psi_a), np.ascontiguousarray(psi_b),
            self._ks, self._coef, self._imbalance, mag_k,
            math.cos(self.mag_phase), math.sin(self.mag_phase), self.share, self.background,
            1.0 / self.w_rated, noise, impacts, impacts.shape[2] > 0,
            self._phi, self._dirs, self._coefs, self._states, self._sens_w,
        )  # fmt: skip

    def accelerations_reference(self, trace: np.ndarray) -> list[np.ndarray]:
        """The same as :meth:`accelerations` through :meth:`forces` and separate filters
        (slow and readable; for tests). Uses its own copy of the mode states."""
        forces = self.forces(trace)
        n = trace.shape[1]
        responses = []
        for mode, coefs, state in zip(self.modes, self.mode_coefs, self.mode_states, strict=True):
            d = DIRECTIONS.index(mode.direction)
            modal_force = np.zeros(n)
            for loc in self.locations:
                phi = mode.participation(loc)
                if phi != 0.0:
                    modal_force += phi * forces[loc][d]
            responses.append(biquad_run(coefs, modal_force, state.copy()))
        out = []
        for s in self.sensors:
            a = np.zeros(n)
            for mode, r in zip(self.modes, responses, strict=True):
                if mode.direction == s.acc.axis:
                    phi = mode.participation(s.acc.location)
                    if phi != 0.0:
                        a += phi * r
            out.append(a)
        return out

    def process(self, trace: np.ndarray, j0: int) -> dict[str, np.ndarray]:
        """Measured columns for a trace chunk whose first sample has synthesis index j0."""
        accels = self.accelerations(trace, j0)
        return {s.acc.column: s.run(accels[i], j0) for i, s in enumerate(self.sensors)}

    def loosen_mount(
        self,
        column: str,
        onset_s: float,
        end_s: float | None,
        resonance_hz: float,
        damping_ratio: float,
    ) -> None:
        """Put the accelerometer of ``column`` on a loosened mount from ``onset_s`` until
        ``end_s`` (s; None: to the end of the run).

        Parameters
        ----------
        column:
            The accelerometer's column, e.g. ``accel_drive_end_horizontal_m_s2``.
        onset_s, end_s:
            The window [onset_s, end_s) on the run's time axis; synthesis sample j is at
            j / (oversample x fs), so the output sample at t = k / fs is the first one the
            loose mount reaches when k / fs >= onset_s.
        resonance_hz:
            Resonance of the loosened mount, Hz; below half the synthesis rate (a scenario
            keeps it below the stream's Nyquist frequency).
        damping_ratio:
            Its damping ratio, 0 < zeta < 1; the peak is about 1 / (2 zeta).

        Notes
        -----
        Inside the window the mount response

        .. math:: M(f) = \\frac{1}{1 - r^2 + 2 j \\zeta r}, \\quad r = f / f_n

        replaces the stud mount's (bilinear transform pre-warped at f_n); the sensor noise,
        the IEPE high-pass, the anti-alias filter, clipping and quantisation follow as for
        the stud mount. Above f_n the response falls as 1 / r^2 (-40 dB per decade), so
        bearing impacts ringing the structure at kHz no longer reach the DAQ: the envelope
        information is lost. The mount switches with the last two inputs and outputs
        carried over (see ``_SensorChain._switch``), at onset and end alike.

        References
        ----------
        docs/physics.md and docs/faults/sensor-faults.md (mount response, mounting
        resonance); ISO 5348, Mechanical vibration and shock - Mechanical mounting of
        accelerometers.
        """
        for s in self.sensors:
            if s.acc.column == column:
                s.loosen(onset_s, end_s, resonance_hz, damping_ratio)
                return
        raise ValueError(f"no accelerometer column {column!r}; columns: {self.columns}")

    def field_metadata(self) -> dict[str, dict[str, str]]:
        """Per-column Arrow field metadata: unit, placement, sensitivity, DAQ delay."""
        meta = {}
        for s in self.sensors:
            a = s.acc
            meta[a.column] = {
                "unit": "m/s^2",
                "description": f"acceleration at the {a.location} bearing, {a.axis} axis, measured",
                "location": a.location,
                "axis": a.axis,
                "sensitivity_mv_per_g": f"{a.sensitivity_mv_per_g:g}",
                "range_m_s2": f"{a.range_g * G0:g}",
                "daq_filter_delay_s": f"{s.delay_s:.9g}",
            }
        return meta
