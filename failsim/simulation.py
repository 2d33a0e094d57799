"""The one place that joins a machine, a scenario, solver settings and a seed.

:func:`simulate` returns an in-memory :class:`~failsim.result.Result` (for notebooks and
short runs); :func:`run` streams every chunk straight to Parquet, so memory stays bounded by
one chunk however long the run.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._version import __version__
from .components.machine import Machine
from .errors import OutputError, SimulationDivergedError, SpecError
from .faults.bearing_defects import (
    bearing_defects_from_spec,
    failure_size_mm,
    impact_train,
    wear_noise,
)
from .faults.event_log import EventLog, EventRecord
from .faults.labels import label_columns, labels_table
from .faults.machine_faults import STOP_FAULT_KINDS
from .faults.sensor_faults import (
    SENSOR_FAULT_KINDS,
    SensorFault,
    loosen_mounts,
    sensor_faults_from_spec,
    severity_unit,
)
from .faults.shaft_faults import (
    MISALIGNMENT_FAILURE_MM,
    imbalance_failure_g_mm,
    shaft_faults,
    shaft_force,
)
from .faults.triggers import fault_windows
from .io.layout import stream_path
from .io.parquet import StreamWriter, write_table_atomic
from .io.provenance import file_metadata
from .io.runs import update_runs
from .kernels import layout as L
from .kernels.gap import reset_loss_integrals, skip_gap
from .kernels.pack import Packed, pack
from .result import Result
from .rng import component_rng
from .sensors.electrical import ElectricalSensors
from .sensors.process import ProcessSensors
from .spec import ScenarioSpec, load_scenario
from .streams import (
    CURRENT_CHANNELS,
    DC_CURRENT_CHANNELS,
    LABEL_COLUMNS,
    process_channels,
    stream_schema,
    vibration_channels,
)

SAMPLED_STREAMS = ("current", "process")
_NO_TRACE = np.empty((L.N_T, 0))
_LABEL_NAMES = frozenset(f.name for f in LABEL_COLUMNS)


@dataclass(frozen=True)
class SolverOptions:
    """Settings that are not part of a scenario.

    Attributes
    ----------
    thermal_coupling:
        Resistances follow the winding and rotor temperatures (default). ``False`` freezes
        them at the reference temperature (for checks against the nameplate circuit).
    chunk_s:
        Overrides the scenario's ``solver.chunk_s``; the output does not depend on it.
    """

    thermal_coupling: bool = True
    chunk_s: float | None = None


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def make_run_id(scenario: ScenarioSpec) -> str:
    """Deterministic run id: scenario name and a hash of the scenario and machine specs."""
    h = hashlib.sha256(f"{scenario.sha256}:{scenario.machine.sha256}".encode()).hexdigest()
    return f"{scenario.name}-{h[:10]}"


def _advance_fn():
    from .kernels.machine_kernel import advance

    return advance


class RunEngine:
    """Advances one run chunk by chunk and turns kernel outputs into stream tables."""

    def __init__(
        self,
        scenario: ScenarioSpec,
        options: SolverOptions | None = None,
        run_id: str | None = None,
    ):
        self.options = options or SolverOptions()
        self.scenario = scenario
        self.machine = Machine.from_spec(scenario.machine)
        data = scenario.data
        self.seed = int(data["seed"])
        self.run_id = run_id or make_run_id(scenario)
        self.packed: Packed = pack(
            self.machine, data, thermal_coupling=self.options.thermal_coupling
        )
        self.rate = int(data["solver"]["rate_hz"])
        self.fast_fs = int(data["streams"]["current"]["sample_rate_hz"])
        self.slow_fs = int(data["streams"]["process"]["sample_rate_hz"])
        chunk_s = self.options.chunk_s or float(data["solver"]["chunk_s"])
        self.chunk_steps = max(1, round(chunk_s * self.rate))
        self.log = EventLog(
            self.packed.trigger_labels, self.packed.fault_triggers, self.packed.fault_info
        )
        nodes = self.machine.thermal.nodes
        ambient = float(data["environment"]["ambient_temp_c"])
        init_t = {n: float(self.packed.s[L.S_TEMPS0 + i]) for i, n in enumerate(nodes)}
        sensors = self.machine.sensors
        dc_motor = self.machine.dc_drive is not None
        self.electrical = ElectricalSensors(sensors, self.seed, self.fast_fs, dc=dc_motor)
        drive = self.machine.drive
        if drive is not None and drive.pwm_ripple_pct > 0.0:
            from .sensors.electrical import PwmRipple

            amp = drive.pwm_ripple_pct / 100.0 * self.machine.motor.rated.current_a * 2**0.5
            self.electrical.ripple = PwmRipple(
                drive.switching_frequency_hz,
                amp,
                self.fast_fs,
                component_rng(self.seed, "drive.pwm"),
            )
        self.process = ProcessSensors(sensors, nodes, init_t, ambient, self.seed, self.slow_fs)
        if dc_motor:
            self.process.current_conductors = 1.0
        if self.machine.conveyor is not None:
            self.process.belt_speed_ref = self.machine.conveyor.design_belt_speed_m_s
            self.process.conveyor_length = self.machine.conveyor.length_m
        common = {
            "run_id": self.run_id,
            "machine": self.machine.name,
            "machine_sha256": scenario.machine.sha256,
            "scenario": scenario.name,
            "scenario_sha256": scenario.sha256,
            "seed": self.seed,
            "duration_s": float(data["duration_s"]),
        }
        self.vibration = None
        self.trace_fs = 0
        if self.machine.accelerometers and self.machine.vibration is not None:
            from .vibration.stage import VibrationStage

            vs = data["streams"]["vibration"]
            f_supply = float(data["supply"].get("frequency_hz") or self.machine.supply.frequency_hz)
            self.vibration = VibrationStage(
                self.machine, self.seed, int(vs["sample_rate_hz"]), int(vs["oversample"]), f_supply
            )
            self.trace_fs = int(vs["sample_rate_hz"]) * int(vs["oversample"])
        self.schemas = {
            "current": stream_schema(
                DC_CURRENT_CHANNELS if dc_motor else CURRENT_CHANNELS,
                file_metadata(stream="current", sample_rate_hz=self.fast_fs, **common),
            ),
            "process": stream_schema(
                process_channels(
                    self.process.temp_nodes,
                    drive=self.machine.drive is not None,
                    conveyor=self.machine.conveyor is not None,
                ),
                file_metadata(stream="process", sample_rate_hz=self.slow_fs, **common),
            ),
        }
        if self.vibration is not None:
            self.schemas["vibration"] = stream_schema(
                vibration_channels(self.vibration.field_metadata()),
                file_metadata(
                    stream="vibration",
                    sample_rate_hz=self.vibration.fs,
                    synthesis_rate_hz=self.trace_fs,
                    bearing_multipliers=self._bearing_multipliers(),
                    **common,
                ),
            )
        self.streams = tuple(self.schemas)
        self.sensor_faults = self._sensor_faults()
        if self.vibration is not None:
            loosen_mounts(self.vibration, self.sensor_faults)
        self._add_bearing_defects()
        self._add_shaft_faults()
        self.contact = self._contact_model()
        self.common_metadata = common
        self.process_t: list[np.ndarray] = []

    def _contact_model(self):
        """The PyBullet model of items on the belt (scenario ``contact:``), or None."""
        c = self.scenario.data.get("contact")
        if not c:
            return None
        src = str(self.scenario.path) if self.scenario.path is not None else None
        if self.machine.conveyor is None:
            raise SpecError(
                f"items need a belt conveyor; machine {self.machine.name!r} has none",
                file=src,
                field="contact",
            )
        if self.scenario.data.get("recording"):
            raise SpecError(
                "a run with items on the belt cannot be recorded in bursts (the items have no "
                "cheap state to skip the gaps with); remove recording: or contact:",
                file=src,
                field="recording",
            )
        from .contact.model import ContactModel, ContactSpec

        narrow = c.get("narrowing") or {}
        gate = c.get("gate") or {}
        spec = ContactSpec(
            length_m=float(c["length_m"]),
            width_m=float(c["width_m"]),
            feed_rate_per_s=float(c["feed_rate_per_s"]),
            item_length_m=tuple(c["item_length_m"]),
            item_width_m=tuple(c["item_width_m"]),
            item_height_m=tuple(c["item_height_m"]),
            item_mass_kg=tuple(c["item_mass_kg"]),
            item_friction=tuple(c["item_friction"]),
            narrow_start_m=narrow.get("start_m"),
            narrow_end_m=narrow.get("end_m"),
            narrow_width_m=narrow.get("width_m"),
            gate_at_m=gate.get("at_m"),
            support_friction=float(c["support_friction"]),
            rate_hz=float(c["rate_hz"]),
        )
        try:
            model = ContactModel(spec, self.seed)
        except SpecError as exc:
            raise SpecError(exc.message, file=src, field=exc.field, value=exc.value) from None
        self._gate_closed = [(float(w["from_s"]), w.get("to_s")) for w in gate.get("closed", [])]
        self._coupling_k = 0
        self._contact_force = 0.0
        jam = c["jam"]
        self._jam_items = int(jam["stalled_items"])
        self._jam_hold_s = float(jam["for_s"])
        self._jam_since: float | None = None  # the pile-up's start while it lasts
        self._jam_clear_since: float | None = None
        self._jam_record: EventRecord | None = None
        self._jam_count = 0
        from .kernels.pack import _belt_context

        belt = _belt_context(self.packed.p, self.machine)
        self._jam_threshold = belt.capstan_n() - belt.rated_resistance_n
        return model

    def _watch_jam(self, t: float, stalled: int, force_n: float, belt_m_s: float) -> None:
        """Label a jam that forms from the items: a ``conveyor_jam`` fault from the time at
        least ``jam.stalled_items`` items stall (move at under 20 % of the belt speed) and
        keep stalling for ``jam.for_s``, until fewer stall for as long on a running belt (a
        stopped belt does not clear it); its severity is the items' load on the belt (N)."""
        piled = stalled >= self._jam_items
        rec = self._jam_record
        if rec is None:
            if not piled:
                self._jam_since = None
                return
            if self._jam_since is None:
                self._jam_since = t
            if t - self._jam_since >= self._jam_hold_s:
                index = len(self.scenario.data["faults"]) + self._jam_count
                self._jam_count += 1
                rec = EventRecord(
                    self._jam_since,
                    "conveyor_jam",
                    "fault",
                    "conveyor",
                    force_n,
                    "N",
                    source="contact",
                    fault_index=index,
                    severity_profile=[(self._jam_since, force_n)],
                    health_threshold=self._jam_threshold,
                )
                self.log.records.append(rec)
                self._jam_record = rec
                self._jam_clear_since = None
            return
        if self._coupling_k % max(1, round(self.contact.spec.rate_hz / self.slow_fs)) == 0:
            rec.severity_profile.append((t, force_n))
            rec.value = max(float(rec.value), force_n)
        if piled or abs(belt_m_s) < 0.05 * self.machine.conveyor.design_belt_speed_m_s:
            self._jam_clear_since = None  # a stopped belt does not clear a jam
        elif self._jam_clear_since is None:
            self._jam_clear_since = t
        elif t - self._jam_clear_since >= self._jam_hold_s:
            rec.end_s = self._jam_clear_since
            self._jam_record = None
            self._jam_since = None

    def _coupling_step(self, k: int) -> int:
        """Solver step of the k-th coupling instant (k / rate_hz, on the solver's grid)."""
        return round(k * self.rate / self.contact.spec.rate_hz)

    def _couple(self) -> None:
        """Advance the items one coupling step at the belt's speed now, and hand their load
        to the belt as a change of its special resistance."""
        pk = self.packed
        t = int(pk.ii[L.I_STEP]) / self.rate
        closed = any(t >= a and (b is None or t < float(b)) for a, b in self._gate_closed)
        self.contact.set_gate(closed)
        r = self.contact.step(float(pk.x[L.X_VBELT]))
        pk.p[L.P_CONV_SPECIAL] += r.belt_force_n - self._contact_force
        self._contact_force = r.belt_force_n
        self._watch_jam(t, r.stalled, r.belt_force_n, float(pk.x[L.X_VBELT]))
        self._coupling_k += 1

    def _sensor_faults(self) -> list[SensorFault]:
        """The scenario's sensor faults, checked against the run's channels, each logged as
        an event (onset, end, target, parameter)."""
        duration = float(self.scenario.data["duration_s"])
        faults = sensor_faults_from_spec(self.scenario.data["faults"], self.seed, duration)
        path = str(self.scenario.path) if self.scenario.path is not None else None
        for i, spec in enumerate(self.scenario.data["faults"]):
            if spec["kind"] in SENSOR_FAULT_KINDS:
                self._check_target(i, spec["target"], path)
        for f in faults:
            schema = self.schemas[f.stream]
            unit = schema.field(f.channel).metadata.get(b"unit", b"").decode()
            end = None if f.end_s is None or f.end_s >= duration else f.end_s
            self.log.records.append(
                EventRecord(
                    f.onset_s,
                    f.kind,
                    "sensor_fault",
                    f"{f.stream}.{f.channel}",
                    f.value,
                    severity_unit(f.kind, unit),
                    source=f"scenario: {f.label}" if f.label else "scenario",
                    end_s=end,
                    fault_index=f.index,
                )
            )
        return faults

    def _add_bearing_defects(self) -> None:
        """Impact sources of the scenario's bearing defects in the vibration stage, each
        window logged as a fault event (onset, end, bearing, width)."""
        duration = float(self.scenario.data["duration_s"])
        defects = bearing_defects_from_spec(self.scenario.data["faults"], self.seed, duration)
        bearings = {b.name: b for b in self.machine.bearings}
        for d in defects:
            bearing = bearings[d.bearing]
            self._need_vibration(d.index, "bearing_defect")
            rated = self.machine.motor.rated_speed_rad_s
            self.vibration.add_impacts(impact_train(d, bearing, rated, self.seed))
            loc = self.vibration.locations.index(d.bearing)
            wear = wear_noise(d, bearing, loc, self.seed)
            if wear is not None:
                self.vibration.add_shaft_force(wear)
            failure_mm = failure_size_mm(bearing)
            self._log_fault_windows(
                d.index, "bearing_defect", f"bearing.{d.bearing}", d.windows, d.size_mm, "mm",
                d.label, health_threshold=failure_mm,
                severity_profile=d.width_profile(failure_mm),
                failure_t_s=d.failure_time_s(failure_mm),
            )  # fmt: skip

    def _need_vibration(self, index: int, kind: str) -> None:
        """A fault that shows only in the vibration stream needs one."""
        if self.vibration is None:
            raise SpecError(
                f"faults[{index}]: {kind} needs the vibration stream (the machine "
                f"{self.machine.name!r} has no accelerometers or vibration model)"
            )

    def _log_fault_windows(
        self,
        index: int,
        kind: str,
        target: str,
        windows: list[tuple[float, float | None]],
        severity: float,
        unit: str,
        label: str,
        **extra,
    ) -> None:
        """One fault event per active window of a fault the vibration stage carries out."""
        for on, off in windows:
            self.log.records.append(
                EventRecord(
                    on, kind, "fault", target, severity, unit,
                    source=f"scenario: {label}" if label else "scenario",
                    end_s=off, fault_index=index, **extra,
                )
            )  # fmt: skip

    def _add_shaft_faults(self) -> None:
        """Force sources of the scenario's imbalances, misalignments, loose supports and
        damaged gear teeth in the vibration stage, each window logged as a fault event."""
        duration = float(self.scenario.data["duration_s"])
        for i, f in enumerate(self.scenario.data["faults"]):
            if f["kind"] not in ("gear_tooth_damage", "looseness"):
                continue
            self._need_vibration(i, f["kind"])
            windows = fault_windows(f["trigger"], duration, self.seed, i)
            if f["kind"] == "looseness":
                loss = float(f["looseness_pct"])
                self.vibration.loosen_support(f["target"].split(".", 1)[1], loss / 100, windows)
            else:
                loss = float(f["stiffness_loss_pct"])
                angle = component_rng(self.seed, f"fault.{i}.phase").uniform(0.0, 2.0 * math.pi)
                self.vibration.damage_tooth(loss / 100.0, windows, angle)
            self._log_fault_windows(
                i, f["kind"], f["target"], windows, loss, "%", f.get("label", "")
            )
        for i, f in shaft_faults(self.scenario.data["faults"]):
            self._need_vibration(i, f["kind"])
            n_loc = len(self.vibration.locations)
            source, windows, severity, unit = shaft_force(f, i, n_loc, self.seed, duration)
            self.vibration.add_shaft_force(source)
            if f["kind"] == "imbalance":
                vib = self.machine.vibration
                rated = self.machine.motor.rated_speed_rad_s
                threshold = imbalance_failure_g_mm(vib.rotor_mass_kg, rated)
            else:
                threshold = MISALIGNMENT_FAILURE_MM
            self._log_fault_windows(
                i, f["kind"], f["target"], windows, severity, unit, f.get("label", ""),
                health_threshold=threshold,
            )  # fmt: skip

    def _check_target(self, index: int, target: str, path: str | None) -> None:
        """A sensor fault's target must be a channel of one of the run's streams."""
        stream, channel = target.split(".", 1)
        field = f"faults[{index}].target"
        schema = self.schemas.get(stream)
        if schema is None:
            raise SpecError(
                f"{target!r} is not allowed: machine "
                f"{self.machine.name!r} has no {stream!r} stream (it has no "
                f"accelerometers); streams: {', '.join(self.schemas)}",
                file=path,
                field=field,
                value=target,
            )
        channels = [n for n in schema.names if n != "t_s" and n not in _LABEL_NAMES]
        if channel not in channels:
            raise SpecError(
                f"{target!r} is not allowed: the {stream!r} stream "
                f"of machine {self.machine.name!r} has channels: {', '.join(channels)}",
                file=path,
                field=field,
                value=target,
            )

    def _apply_sensor_faults(
        self, stream: str, t_s: np.ndarray, cols: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        for f in self.sensor_faults:
            if f.stream == stream:
                cols[f.channel] = f.apply(t_s, cols[f.channel])
        return cols

    def _bearing_multipliers(self) -> dict[str, dict[str, float]]:
        """Defect frequencies of each bearing as multiples of the shaft frequency."""
        out = {}
        for b in self.machine.bearings:
            mult = b.multipliers()
            if mult is not None:
                out[b.name] = {k: round(float(v), 6) for k, v in mult._asdict().items()}
        return out

    @property
    def n_total(self) -> int:
        return self.packed.n_total

    def _table(self, stream: str, t_s: np.ndarray, cols: dict[str, np.ndarray]) -> pa.Table:
        schema = self.schemas[stream]
        arrays: list[pa.Array] = [pa.array(t_s)]
        labels = label_columns(t_s, self.log, stream)
        for f in schema:
            if f.name == "t_s":
                continue
            if f.name in labels:
                arrays.append(labels[f.name])
            else:
                arrays.append(pa.array(cols[f.name]))
        return pa.Table.from_arrays(arrays, schema=schema)

    def bursts(self) -> list[tuple[int, int, int]]:
        """(first step simulated, first step recorded, end step) of each span the run
        simulates: the whole run, or each recording burst after its lead-in."""
        rec = self.scenario.data.get("recording")
        n_total = self.packed.n_total
        if not rec:
            return [(0, 0, n_total)]
        every, burst = float(rec["every_s"]), float(rec["burst_s"])
        lead = float(rec.get("lead_in_s", 1.0))
        first = float(rec.get("start_s", 0.0))
        spans = []
        k = 0
        while True:
            t_b = first + k * every
            if t_b + burst > n_total / self.rate + 1e-9:
                break
            n_b = round(t_b * self.rate)
            # the run is simulated from its start up to the first burst (the machine starts)
            n_a = 0 if k == 0 else max(0, round((t_b - lead) * self.rate))
            spans.append((n_a, n_b, min(round((t_b + burst) * self.rate), n_total)))
            k += 1
        return spans

    def chunks(self) -> Iterator[dict[str, pa.Table]]:
        """Yield {stream: table} per chunk until the run's duration is simulated (in a run
        recorded in bursts, the bursts only, the gaps fast-forwarded)."""
        try:
            yield from self._bursts_chunks()
        finally:
            if self.contact is not None:
                self.contact.close()

    def _bursts_chunks(self) -> Iterator[dict[str, pa.Table]]:
        rates = (self.fast_fs, self.slow_fs, self.trace_fs)
        for n_a, n_b, n_end in self.bursts():
            if n_a > int(self.packed.ii[L.I_STEP]):
                skip_gap(self.packed, n_a, rates)
                self.process.settle()
            t_rec = n_b / self.rate
            # the gap after this burst runs on the mean heat input of the burst's second half
            n_half = n_b + (n_end - n_b) // 2
            for lo, hi in ((n_a, n_half), (n_half, n_end)):
                if hi > lo:
                    reset_loss_integrals(self.packed)
                for tables in self._span(lo, hi):
                    if n_a < n_b:  # drop the lead-in
                        tables = {
                            name: tab.filter(pc.greater_equal(tab.column("t_s"), t_rec))
                            for name, tab in tables.items()
                        }
                    self.process_t.append(tables["process"].column("t_s").to_numpy())
                    yield tables

    def _span(self, n_start: int, n_stop: int) -> Iterator[dict[str, pa.Table]]:
        """Simulate steps [n_start, n_stop) in chunks; yield their tables."""
        advance = _advance_fn()
        pk = self.packed
        n0 = n_start
        pending: deque = deque()
        lag = 0 if self.contact is None else round(2.0 * self._jam_hold_s * self.rate)
        while n0 < n_stop:
            n1 = min(n0 + self.chunk_steps, n_stop)
            kf0 = _ceil_div(n0 * self.fast_fs, self.rate)
            kf1 = _ceil_div(n1 * self.fast_fs, self.rate)
            ks0 = _ceil_div(n0 * self.slow_fs, self.rate)
            ks1 = _ceil_div(n1 * self.slow_fs, self.rate)
            fast = np.empty((L.N_F, kf1 - kf0))
            slow = np.empty((L.N_Q, ks1 - ks0))
            kt0 = _ceil_div(n0 * self.trace_fs, self.rate)
            kt1 = _ceil_div(n1 * self.trace_fs, self.rate)
            trace = np.empty((L.N_T, kt1 - kt0)) if self.trace_fs else _NO_TRACE
            while pk.ii[L.I_STEP] < n1:
                n_to = n1
                if self.contact is not None:
                    if pk.ii[L.I_STEP] >= self._coupling_step(self._coupling_k):
                        self._couple()
                    n_to = min(n1, self._coupling_step(self._coupling_k))
                advance(
                    pk.x, pk.s, pk.ii, pk.p, pk.prof, pk.prof_n, pk.th,
                    pk.trig_i, pk.trig_f, pk.trig_s, pk.ev, n_to,
                    self.fast_fs, fast, kf0, self.slow_fs, slow, ks0,
                    self.trace_fs, trace, kt0,
                )  # fmt: skip
                n_ev = int(pk.ii[L.I_N_EVENTS])
                self.log.add_rows(pk.ev[:n_ev])
                pk.ii[L.I_N_EVENTS] = 0
                if pk.ii[L.I_DIVERGED]:
                    self._raise_diverged()
            pending.append((n1, (fast, slow, trace, kf0, kf1, ks0, ks1, kt0)))
            # labels of events found late (a jam labelled from the start of its pile-up) must
            # reach every sample they cover: tables are made once the run is `lag` past them
            while pending and (pending[0][0] + lag <= n1 or n1 >= n_stop):
                yield self._tables(*pending.popleft()[1])
            n0 = n1

    def _tables(self, fast, slow, trace, kf0, kf1, ks0, ks1, kt0) -> dict[str, pa.Table]:
        """The stream tables of one chunk from the kernel's outputs."""
        t_fast = np.arange(kf0, kf1, dtype=np.int64) / self.fast_fs
        t_slow = np.arange(ks0, ks1, dtype=np.int64) / self.slow_fs
        tables = {
            "current": self._table(
                "current",
                t_fast,
                self._apply_sensor_faults("current", t_fast, self.electrical.process(fast, t_fast)),
            ),
            "process": self._table(
                "process",
                t_slow,
                self._apply_sensor_faults("process", t_slow, self.process.process(slow)),
            ),
        }
        if self.vibration is not None:
            cols = self.vibration.process(trace, kt0)
            kv0 = _ceil_div(kt0, self.vibration.factor)
            n_v = len(next(iter(cols.values())))
            t_vib = np.arange(kv0, kv0 + n_v, dtype=np.int64) / self.vibration.fs
            cols = self._apply_sensor_faults("vibration", t_vib, cols)
            tables["vibration"] = self._table("vibration", t_vib, cols)
        return tables

    def _raise_diverged(self) -> None:
        pk = self.packed
        t = int(pk.ii[L.I_STEP]) / self.rate
        names = (
            "i_s_alpha_a",
            "i_s_beta_a",
            "psi_r_alpha_wb",
            "psi_r_beta_wb",
            "speed_motor_rad_s",
            "speed_load_rad_s",
            "coupling_twist_rad",
            "angle_rad",
            "dc_link_voltage_v",
            "belt_speed_m_s",
            "belt_load_kg",
            "speed_error_integral_rad",
            "current_error_integral_a_s",
        )
        state = dict(zip(names, (float(v) for v in pk.x), strict=True))
        reason = L.DIVERGENCE_REASONS.get(int(pk.ii[L.I_DIVERGED]), "unknown")
        raise SimulationDivergedError(self.run_id, t, state, reason)

    def events_table(self) -> pa.Table:
        meta = file_metadata(stream="events", **self.common_metadata)
        return self.log.to_arrow().replace_schema_metadata(meta)

    def labels_table(self) -> pa.Table:
        t = np.concatenate(self.process_t) if self.process_t else np.zeros(0)
        meta = file_metadata(stream="labels", **self.common_metadata)
        return labels_table(t, self.log).replace_schema_metadata(meta)

    def record(self, status: str = "completed", error: str | None = None) -> dict:
        """The run's row of ``runs.parquet`` (sizes filled in by the writer)."""
        # the machine stopped producing: a trip, an emergency or controlled stop, a lock-up
        ends = [
            r
            for r in self.log.records
            if r.kind in ("relay_trip", "drive_trip")
            or (r.category == "fault" and r.kind in STOP_FAULT_KINDS)
            or (r.category == "state" and r.kind == "stalled")
        ]
        trip = min(ends, key=lambda r: r.t_s) if ends else None
        faults = sorted({r.kind for r in self.log.records if r.category == "fault"})
        return {
            "run_id": self.run_id,
            "scenario": self.scenario.name,
            "machine": self.machine.name,
            "seed": self.seed,
            "duration_s": float(self.scenario.data["duration_s"]),
            "status": status,
            "ended_early": trip is not None,
            "end_reason": trip.kind if trip is not None else None,
            "end_t_s": trip.t_s if trip is not None else None,
            "n_events": len(self.log.records),
            "fault_kinds": "|".join(faults),
            "machine_sha256": self.scenario.machine.sha256,
            "scenario_sha256": self.scenario.sha256,
            "failsim_version": __version__,
            "streams_json": None,
            "total_bytes": None,
            "error": error,
            "paired_run_id": None,
            "pair_role": None,
        }


def _resolve(
    scenario: ScenarioSpec | str | Path,
    seed: int | None,
    duration_s: float | None,
    overrides: Mapping[str, object] | None,
) -> ScenarioSpec:
    extra: dict[str, object] = dict(overrides or {})
    if seed is not None:
        extra["seed"] = int(seed)
    if duration_s is not None:
        extra["duration_s"] = float(duration_s)
    if isinstance(scenario, ScenarioSpec):
        if not extra:
            return scenario
        from .spec.loader import derive_scenario

        # from the loaded spec, not its file: the overrides it was loaded with are kept
        return derive_scenario(scenario, extra)
    return load_scenario(scenario, overrides=extra or None)


def simulate(
    scenario: ScenarioSpec | str | Path,
    *,
    seed: int | None = None,
    duration_s: float | None = None,
    overrides: Mapping[str, object] | None = None,
    options: SolverOptions | None = None,
) -> Result:
    """Simulate a scenario in memory.

    Parameters
    ----------
    scenario:
        A loaded :class:`~failsim.spec.ScenarioSpec`, a bundled scenario name or a path.
    seed, duration_s:
        Override the scenario's seed and duration (s).
    overrides:
        Further dotted-path overrides, e.g. ``{"operation.stop_at_s": 3.0}``.
    options:
        Solver options that are not part of the scenario.

    Returns
    -------
    Result
        Streams, events, labels and the run record. For runs longer than a few minutes at
        kHz rates prefer :func:`run`, which streams to disk.
    """
    spec = _resolve(scenario, seed, duration_s, overrides)
    engine = RunEngine(spec, options)
    parts: dict[str, list[pa.Table]] = {s: [] for s in engine.streams}
    for chunk in engine.chunks():
        for name, table in chunk.items():
            parts[name].append(table)
    streams = {
        name: (pa.concat_tables(tabs) if tabs else engine.schemas[name].empty_table())
        for name, tabs in parts.items()
    }
    return Result(
        run_id=engine.run_id,
        scenario=spec,
        machine=engine.machine,
        streams=streams,
        events=engine.events_table(),
        labels=engine.labels_table(),
        record=engine.record(),
    )


def run(
    scenario: ScenarioSpec | str | Path,
    out_dir: str | Path,
    *,
    seed: int | None = None,
    duration_s: float | None = None,
    overrides: Mapping[str, object] | None = None,
    options: SolverOptions | None = None,
    progress: bool = False,
    paired: bool = False,
) -> dict:
    """Simulate a scenario and write it to ``out_dir`` chunk by chunk.

    Files are written under temporary names and renamed when complete; an error or an
    interruption removes everything this run wrote. ``runs.parquet`` is updated last.

    With ``paired``, the same scenario without its ``faults`` (same seed, same operation,
    so the same sensor noise, sample for sample) is written beside it as its healthy twin;
    ``runs.parquet`` links the two by ``paired_run_id`` and ``pair_role``.

    Returns
    -------
    dict
        The run's row of ``runs.parquet`` (of the faulty run when paired).
    """
    spec = _resolve(scenario, seed, duration_s, overrides)
    if not paired:
        return _run_one(spec, out_dir, options, progress, {})
    if not spec.data["faults"]:
        raise SpecError(
            "a paired run needs faults: the scenario has none, so its healthy twin would be "
            "the same run; declare faults or run it without --paired",
            file=str(spec.path) if spec.path is not None else None,
            field="faults",
            value=[],
        )
    twin = _resolve(spec, None, None, {"faults": []})
    faulty_id, twin_id = make_run_id(spec), make_run_id(twin)
    record = _run_one(
        spec, out_dir, options, progress, {"paired_run_id": twin_id, "pair_role": "faulty"}
    )
    _run_one(
        twin, out_dir, options, progress, {"paired_run_id": faulty_id, "pair_role": "healthy_twin"}
    )
    return record


def _run_one(
    spec: ScenarioSpec,
    out_dir: str | Path,
    options: SolverOptions | None,
    progress: bool,
    pairing: dict,
    *,
    run_id: str | None = None,
    index: bool = True,
) -> dict:
    """Write one run (see :func:`run`); ``pairing`` fills further columns of its record.

    With ``index`` false, ``runs.parquet`` is left alone (a sweep writes it) and a diverged
    run returns its record instead of raising.
    """
    engine = RunEngine(spec, options, run_id=run_id)
    out = Path(out_dir)
    if index and (out / "_sweep" / "plan.json").exists():
        raise OutputError(
            f"{out} holds a sweep; a single run would change its runs.parquet. "
            "Choose another --out (or continue the sweep with failsim sweep --resume)"
        )
    created_out = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output directory {out}: {exc.strerror}") from None
    writers: dict[str, StreamWriter] = {}
    written: list[Path] = []
    try:
        for name in engine.streams:
            path = stream_path(out, name, spec.name, engine.run_id)
            writers[name] = StreamWriter(path, engine.schemas[name])
        bar = _progress(engine, progress)
        for chunk in engine.chunks():
            for name, table in chunk.items():
                writers[name].write(table)
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        sizes: dict[str, dict] = {}
        rates = {"current": engine.fast_fs, "process": engine.slow_fs}
        if engine.vibration is not None:
            rates["vibration"] = engine.vibration.fs
        for name, w in writers.items():
            nbytes = w.close()
            written.append(w.path)
            sizes[name] = {"rows": w.rows, "bytes": nbytes, "rate_hz": rates[name]}
        writers = {}
        for name, table in (("events", engine.events_table()), ("labels", engine.labels_table())):
            path = stream_path(out, name, spec.name, engine.run_id)
            nbytes = write_table_atomic(table, path)
            written.append(path)
            sizes[name] = {"rows": table.num_rows, "bytes": nbytes}
        record = engine.record()
        record.update(pairing)
        record["streams_json"] = json.dumps(sizes, sort_keys=True)
        record["total_bytes"] = int(sum(v["bytes"] for v in sizes.values()))
        if index:
            update_runs(out, [record])
        return record
    except SimulationDivergedError as exc:
        _cleanup(writers, written)
        failed = engine.record(status="diverged", error=str(exc))
        failed.update(pairing)
        if not index:
            return failed
        update_runs(out, [failed])
        raise
    except OSError as exc:
        _cleanup(writers, written)
        _remove_if_empty(out, created_out)
        raise OutputError(f"cannot write run {engine.run_id} to {out}: {exc}") from None
    except BaseException:
        _cleanup(writers, written)
        _remove_if_empty(out, created_out)
        raise


def _remove_if_empty(out: Path, created: bool) -> None:
    """Remove the output directory if this run created it and left nothing in it."""
    if created:
        try:
            out.rmdir()
        except OSError:
            pass


def _cleanup(writers: dict[str, StreamWriter], written: list[Path]) -> None:
    for w in writers.values():
        w.abort()
        _prune_empty_dirs(w.path.parent)
    for path in written:
        path.unlink(missing_ok=True)
        _prune_empty_dirs(path.parent)


def _prune_empty_dirs(path: Path) -> None:
    for _ in range(3):
        try:
            path.rmdir()
        except OSError:
            return
        path = path.parent


def _progress(engine: RunEngine, enabled: bool):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    total = math.ceil(engine.n_total / engine.chunk_steps)
    return tqdm(total=total, unit="chunk", desc=engine.run_id, leave=False)
