"""Decode the kernel's event log into event records (one per realised event)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ..kernels import layout as L
from ..streams import EVENTS_SCHEMA

_PHASE = ("a", "b", "c")
#: parameters that faults change, by the name the events table gives them
_PARAM_NAMES = {
    L.P_UNBALANCE: "supply.voltage_unbalance",
    L.P_UNBALANCE_ANGLE: "supply.unbalance_angle",
    L.P_ROTOR_ASYM: "motor.rotor_asymmetry",
    L.P_BELT_MU_S: "conveyor.friction_static",
    L.P_BELT_MU_K: "conveyor.friction_kinetic",
    L.P_BELT_T2: "conveyor.takeup_tension_n",
    L.P_CONV_SPECIAL: "conveyor.special_resistance_n",
}
_DRIVE_MODES = {
    L.DRV_OFF: "off",
    L.DRV_RUN: "run",
    L.DRV_RAMP_STOP: "ramp_stop",
    L.DRV_SS1: "ss1",
    L.DRV_SS2: "ss2",
    L.DRV_STO: "sto",
}


@dataclass
class EventRecord:
    """One realised event. ``fault_index`` >= 0 only for machine and sensor faults."""

    t_s: float
    kind: str
    category: str
    target: str = ""
    value: float | None = None
    value_unit: str | None = None
    source: str = ""
    end_s: float | None = None
    fault_index: int = -1
    #: severity over time (breakpoints t_s, value) when it varies (a ramped or cyclic
    #: overload); ``value`` is then its peak
    severity_profile: list[tuple[float, float]] | None = None
    #: severity at which health reaches 0, when it depends on the machine
    health_threshold: float | None = None
    #: time (s) at which health reaches 0 under the fault's growth law, if it has one
    failure_t_s: float | None = None


@dataclass
class EventLog:
    """All events of a run, decoded from kernel rows as chunks complete."""

    trigger_labels: list[str]
    #: trigger index -> (fault index, "onset" or "end") for the triggers of machine faults
    fault_triggers: dict[int, tuple[int, str]] = field(default_factory=dict)
    #: fault index -> FaultInfo (kind, target, severity, unit, profile, label, threshold)
    fault_info: dict = field(default_factory=dict)
    records: list[EventRecord] = field(default_factory=list)
    state_times: list[float] = field(default_factory=list)
    state_codes: list[int] = field(default_factory=list)

    def add_rows(self, rows: np.ndarray) -> None:
        """Decode kernel rows (t_s, code, arg, value)."""
        for t, code_f, arg_f, value in rows:
            code = int(code_f)
            arg = int(arg_f)
            t = float(t)
            if code == L.EV_STATE:
                self.state_times.append(t)
                self.state_codes.append(arg)
                self.records.append(
                    EventRecord(t, L.MACHINE_STATES[arg], "state", "machine", float(value), "rad/s")
                )
            elif code == L.EV_CONTACTOR_CLOSED:
                self.records.append(EventRecord(t, "contactor_closed", "operation", "contactor"))
            elif code == L.EV_CONTACTOR_OPEN_COMMAND:
                src = "overload_relay" if arg == 1 else "scenario"
                self.records.append(
                    EventRecord(t, "contactor_open_command", "operation", "contactor", source=src)
                )
            elif code == L.EV_CONTACTOR_OPENED:
                self.records.append(EventRecord(t, "contactor_opened", "operation", "contactor"))
            elif code == L.EV_PHASE_OPENED:
                self.records.append(EventRecord(t, "phase_opened", "operation", _PHASE[arg]))
            elif code == L.EV_PHASE_RESTORED:
                self.records.append(EventRecord(t, "phase_restored", "operation", _PHASE[arg]))
            elif code == L.EV_RELAY_TRIPPED:
                self.records.append(
                    EventRecord(t, "relay_trip", "safety", "overload_relay", float(value), "A")
                )
            elif code == L.EV_TRIGGER_FIRED and arg in self.fault_triggers:
                self._fault_trigger(t, *self.fault_triggers[arg])
            elif code == L.EV_TRIGGER_FIRED:
                label = self.trigger_labels[arg] if arg < len(self.trigger_labels) else str(arg)
                self.records.append(
                    EventRecord(t, "trigger_fired", "operation", label, float(value))
                )
            elif code == L.EV_PARAM_SET:
                self.records.append(
                    EventRecord(
                        t, "parameter_set", "operation", _PARAM_NAMES.get(arg, str(arg)),
                        float(value),
                    )
                )  # fmt: skip
            elif code == L.EV_BRAKE:
                kind = "brake_engaged" if arg == 1 else "brake_released"
                self.records.append(EventRecord(t, kind, "safety", "brake", float(value), "rad/s"))
            elif code == L.EV_DRIVE_MODE:
                name = _DRIVE_MODES.get(arg, str(arg))
                cat = "safety" if name in ("ss1", "ss2", "sto") else "operation"
                self.records.append(EventRecord(t, f"drive_{name}", cat, "drive"))
            elif code == L.EV_DRIVE_FAULT:
                unit = "A" if arg == L.FAULT_OVERLOAD else "V"
                kind = L.DRIVE_FAULTS.get(arg, str(arg))
                self.records.append(
                    EventRecord(t, "drive_trip", "safety", kind, float(value), unit)
                )
            elif code == L.EV_STO_ACTIVE:
                self.records.append(EventRecord(t, "sto_active", "safety", "drive"))
            elif code == L.EV_CHOPPER:
                kind = "chopper_on" if arg == 1 else "chopper_off"
                self.records.append(
                    EventRecord(t, kind, "operation", "braking_chopper", float(value), "V")
                )
            elif code == L.EV_BELT_SLIP:
                kind = "belt_slip_start" if arg == 1 else "belt_slip_end"
                self.records.append(
                    EventRecord(t, kind, "process", "drive_pulley", 100.0 * float(value), "%")
                )
            elif code == L.EV_DIVERGED:
                self.records.append(
                    EventRecord(t, "diverged", "solver", L.DIVERGENCE_REASONS.get(arg, str(arg)))
                )

    def _fault_trigger(self, t: float, index: int, role: str) -> None:
        info = self.fault_info[index]
        if role == "onset":
            profile = info.profile
            if info.relative and profile is not None:  # its times count from this onset
                profile = [(0.0, 0.0)] + [(t + tr, v) for tr, v in profile]
            self.records.append(
                EventRecord(
                    t, info.kind, "fault", info.target, info.severity, info.unit,
                    f"scenario: {info.label}" if info.label else "scenario",
                    fault_index=index, severity_profile=profile,
                    health_threshold=info.threshold,
                )
            )  # fmt: skip
            return
        if role != "end":
            return
        for r in reversed(self.records):
            if r.fault_index == index and r.category == "fault":
                r.end_s = t
                return

    def first(self, kind: str) -> EventRecord | None:
        for r in self.records:
            if r.kind == kind:
                return r
        return None

    def to_arrow(self) -> pa.Table:
        recs = self.records
        cols = {
            "event_index": pa.array(range(len(recs)), pa.int32()),
            "t_s": pa.array([r.t_s for r in recs], pa.float64()),
            "end_s": pa.array([r.end_s for r in recs], pa.float64()),
            "kind": pa.array([r.kind for r in recs], pa.string()),
            "category": pa.array([r.category for r in recs], pa.string()),
            "target": pa.array([r.target for r in recs], pa.string()),
            "fault_index": pa.array([r.fault_index for r in recs], pa.int16()),
            "value": pa.array([r.value for r in recs], pa.float64()),
            "value_unit": pa.array([r.value_unit for r in recs], pa.string()),
            "source": pa.array([r.source for r in recs], pa.string()),
        }
        return pa.Table.from_pydict(cols, schema=EVENTS_SCHEMA)
