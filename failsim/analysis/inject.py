"""Hybrid data: a simulated fault's vibration added to a real healthy recording.

:func:`inject_fault` keeps everything the recording holds (the machine's own background,
imbalance, magnetic pull, process noise, the sensor's noise and mounting) and adds only what
the faults add: their forces, synthesised by the vibration stage from a kinematic trace at
the recording's shaft speed, carried through the machine's structural modes and the chosen
accelerometer's transfer to the recording's sample rate. The labels come from the faults'
realised windows, as in a simulated run. docs/hybrid-data.md describes the method and its
limits.
"""

from __future__ import annotations

import copy
import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import OutputError, SpecError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from ..components.machine import Machine
    from ..faults.event_log import EventLog, EventRecord
    from ..spec import MachineSpec
    from ..vibration.stage import VibrationStage
    from .compare import Signal

__all__ = ["INJECTABLE_KINDS", "InjectedRecording", "inject_fault"]

#: fault kinds the vibration stage carries out, which can be added to a recording
INJECTABLE_KINDS = ("bearing_defect", "imbalance", "misalignment", "looseness", "gear_tooth_damage")
#: fault kinds whose forces grow with the transmitted torque
_TORQUE_KINDS = ("misalignment", "gear_tooth_damage")
#: sample rates the DAQ model takes (those of a scenario's vibration stream), Hz
_MIN_RATE_HZ, _MAX_RATE_HZ = 1000, 200_000
_MAX_OVERSAMPLE = 16
#: synthesis samples per chunk (bounds the memory of a long recording)
_CHUNK_SAMPLES = 1 << 18
_SOURCE = "<faults>"
#: a sample rate this close (relative) to a whole number of hertz is taken as that number
_RATE_SNAP = 1e-6


@dataclass
class InjectedRecording:
    """A recording with simulated faults added, its labels and its provenance.

    Attributes
    ----------
    t_s:
        Sample times, s: sample k at k / fs_hz from the start of the recording (float64).
    baseline_m_s2:
        The recording as read, m/s² (float64).
    fault_m_s2:
        The faults' response at the accelerometer, m/s² (zero where no fault acts yet).
    fs_hz:
        Sample rate of the recording, Hz.
    column:
        Name of the injected channel, ``accel_<accelerometer>_m_s2``; the recording keeps
        ``accel_<accelerometer>_baseline_m_s2``.
    accelerometer:
        Name of the machine's accelerometer whose transfer was used.
    events:
        One fault event per realised window (onset, end, target, severity).
    metadata:
        Provenance written into the Parquet file's metadata.
    field_metadata:
        Arrow field metadata (unit, description, place) of the two channels, by column.
    """

    t_s: np.ndarray
    baseline_m_s2: np.ndarray
    fault_m_s2: np.ndarray
    fs_hz: float
    column: str
    accelerometer: str
    events: list[EventRecord] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    field_metadata: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def injected_m_s2(self) -> np.ndarray:
        """The recording plus the faults' response, m/s² (float64)."""
        return self.baseline_m_s2 + self.fault_m_s2

    @property
    def baseline_column(self) -> str:
        return self.column.removesuffix("_m_s2") + "_baseline_m_s2"

    def _log(self) -> EventLog:
        from ..faults.event_log import EventLog

        return EventLog([], records=list(self.events))

    def label_columns(self) -> dict[str, pa.Array]:
        """Per-sample ``is_anomaly``, ``active_faults`` and ``fault_mask`` (as on a
        simulated stream), and for each fault with a severity that changes over time (a
        growing bearing defect, fault index i) ``fault_<i>_width_mm``, ``fault_<i>_health``
        and ``fault_<i>_rul_s`` (float32, NaN outside the fault's windows)."""
        import pyarrow as pa

        from ..faults.labels import label_columns
        from ..faults.machine_faults import health

        base = label_columns(self.t_s, self._log(), "vibration")
        out = {k: base[k] for k in ("is_anomaly", "active_faults", "fault_mask")}
        profiles: dict[int, list[EventRecord]] = {}
        for r in self.events:
            if r.severity_profile is not None:
                profiles.setdefault(r.fault_index, []).append(r)
        for i, recs in sorted(profiles.items()):
            active = np.zeros(self.t_s.shape, dtype=bool)
            for r in recs:
                end = np.inf if r.end_s is None else r.end_s
                active |= (self.t_s >= r.t_s) & (self.t_s < end)
            r = recs[0]
            times = np.array([p[0] for p in r.severity_profile])
            values = np.array([p[1] for p in r.severity_profile])
            sev = np.interp(self.t_s, times, values)  # piecewise linear, held at the ends
            h = health(r.kind, sev, r.health_threshold)
            rul = np.full(self.t_s.shape, np.nan)
            if r.failure_t_s is not None:
                rul = np.maximum(r.failure_t_s - self.t_s, 0.0)
            for name, v in (("width_mm", sev), ("health", h), ("rul_s", rul)):
                out[f"fault_{i}_{name}"] = pa.array(np.where(active, v, np.nan).astype(np.float32))
        return out

    def to_arrow(self) -> pa.Table:
        """The table :meth:`write` writes: ``t_s`` (float64 s), the injected channel and the
        baseline (float32 m/s², with unit and description in the field metadata), the label
        columns (:meth:`label_columns`); provenance in the schema metadata."""
        import pyarrow as pa

        from ..io.provenance import file_metadata
        from ..streams import LABEL_COLUMNS, TIME_FIELD

        injected = self.injected_m_s2.astype(np.float32)
        baseline = self.baseline_m_s2.astype(np.float32)
        time_field = TIME_FIELD.with_metadata(
            {"unit": "s", "description": "time from the recording's first sample; k at k / fs"}
        )
        fields = [
            time_field,
            pa.field(self.column, pa.float32(), metadata=self.field_metadata[self.column]),
            pa.field(
                self.baseline_column,
                pa.float32(),
                metadata=self.field_metadata[self.baseline_column],
            ),
        ]
        arrays = [pa.array(self.t_s, pa.float64()), pa.array(injected), pa.array(baseline)]
        labels = self.label_columns()
        fixed = {f.name: f for f in LABEL_COLUMNS}
        for name, arr in labels.items():
            if name in fixed:
                fields.append(fixed[name])
            else:
                i, what = name[len("fault_") :].split("_", 1)
                unit, text = {
                    "width_mm": ("mm", "width of the growing defect"),
                    "health": ("1", "health 1 (new) .. 0 (failure width)"),
                    "rul_s": ("s", "remaining useful life: time to the failure width"),
                }[what]
                fields.append(
                    pa.field(
                        name,
                        pa.float32(),
                        metadata={
                            "unit": unit,
                            "description": f"fault {i}: {text}; NaN outside its windows",
                        },
                    )
                )
            arrays.append(arr)
        schema = pa.schema(fields, metadata=file_metadata(**self.metadata))
        return pa.Table.from_arrays(arrays, schema=schema)

    def to_pandas(self) -> pd.DataFrame:
        """:meth:`to_arrow` as a pandas DataFrame."""
        return self.to_arrow().to_pandas()

    def events_table(self) -> pa.Table:
        """The fault events (one row per realised window), as in a run's ``events`` file."""
        from ..io.provenance import file_metadata

        meta = dict(self.metadata, stream="events")
        return self._log().to_arrow().replace_schema_metadata(file_metadata(**meta))

    def labels_table(self, rate_hz: float = 10.0) -> pa.Table:
        """The long labels table of a run (one row per sample and active fault, with
        severity, health, phase and remaining useful life) at ``rate_hz`` (Hz)."""
        from ..faults.labels import labels_table
        from ..io.provenance import file_metadata

        if not (math.isfinite(rate_hz) and rate_hz > 0):
            raise SpecError(f"rate_hz must be > 0 Hz, got {rate_hz!r}", field="rate_hz")
        duration = self.t_s.shape[0] / self.fs_hz
        t = np.arange(math.ceil(duration * rate_hz - 1e-9), dtype=np.int64) / rate_hz
        meta = dict(self.metadata, stream="labels", sample_rate_hz=rate_hz)
        return labels_table(t, self._log()).replace_schema_metadata(file_metadata(**meta))

    def write(self, path: str | Path, *, labels_path: str | Path | None = None) -> Path:
        """Write :meth:`to_arrow` to ``path`` (Parquet, zstd), under a temporary name first
        and renamed when complete; with ``labels_path`` also the long labels table
        (:meth:`labels_table`). Returns ``path``."""
        from ..io.parquet import write_table_atomic

        out = Path(path)
        try:
            write_table_atomic(self.to_arrow(), out)
            if labels_path is not None:
                write_table_atomic(self.labels_table(), Path(labels_path))
        except OSError as exc:
            raise OutputError(f"cannot write {out}: {exc}") from None
        return out


def inject_fault(
    recording: Signal,
    machine: str | MachineSpec,
    faults: Sequence[Mapping],
    *,
    accelerometer: str | None = None,
    shaft_rpm: float | None = None,
    line_hz: float | None = None,
    shaft_torque_n_m: float | None = None,
    seed: int = 0,
    duration_s: float | None = None,
    oversample: int | None = None,
    source: str | None = None,
) -> InjectedRecording:
    """Add the vibration of simulated machine faults to a real (healthy) recording.

    Parameters
    ----------
    recording:
        The recording, in m/s², with its sample rate and, when known, its shaft speed
        (:func:`failsim.analysis.compare.signal_from_file`).
    machine:
        The machine the recording was made on, as a bundled name, a path or a loaded
        :class:`~failsim.spec.MachineSpec`: its bearings (geometry, radial loads), structural
        modes and accelerometers shape the faults' response.
    faults:
        Faults as a scenario declares them (``kind``, ``target``, ``trigger`` with ``at_s``,
        ``duration_s``, ``random`` or ``intermittent``, and the kind's parameters), validated
        like a scenario's. Kinds: ``bearing_defect`` (any part, growth allowed),
        ``imbalance``, ``misalignment``, ``looseness`` and ``gear_tooth_damage`` (machines
        with a gearbox and a gear mesh force). Times count from the recording's first sample;
        a fault whose onset falls after the end does not act.
    accelerometer:
        The machine's accelerometer that stands where the recording's sensor stood: its
        name (e.g. ``drive_end_vertical``), its column, or the bearing it sits at when it is
        the only one there; may be omitted when the machine has only one.
    shaft_rpm:
        Shaft speed during the recording, rpm (> 0); default the recording's own. The speed
        is taken as constant.
    line_hz:
        Supply frequency at the motor, Hz; default the machine's. It gives the air-gap
        field's frequency in the trace and the synchronous speed for the torque estimate.
    shaft_torque_n_m:
        Torque through the coupling, N m; only misalignment and gear tooth damage use it.
        Default for an induction motor: from the slip, T = T_N (w_s - w) / (w_s - w_N).
    seed:
        Seed of the faults' random draws (slip, phases, random onsets, the accelerometer's
        sensitivity error), as the seed of a run.
    duration_s:
        Use only the first ``duration_s`` seconds of the recording (default all of it).
    oversample:
        Synthesis rate over the sample rate (default the smallest >= 2 that puts every
        structural mode below 0.45 x the synthesis rate).
    source:
        Where the recording came from (a file, a recording name), for the provenance.

    Returns
    -------
    InjectedRecording
        Baseline, faults' response, labels and provenance; ``write(path)`` writes Parquet.

    Raises
    ------
    SpecError
        On a fault kind that cannot be injected (naming the allowed ones), a fault that
        would not validate in a scenario (naming the field), an unknown shaft speed, an
        unknown or ambiguous accelerometer, a sample rate the DAQ model does not take.

    Notes
    -----
    The kinematic trace is theta(t) = w t, w = 2 pi shaft_rpm / 60, at the synthesis rate
    f_syn = oversample x fs, with the rotor field at line_hz and the coupling torque above;
    bearing loads come from the machine's bearings. The vibration stage runs with its healthy
    sources off (``VibrationStage(..., healthy_sources=False)``): its output is the response
    to the fault forces alone, a_f = H_acc(H_struct F_fault), through the accelerometer's
    sensitivity, mount, IEPE high-pass and the DAQ's anti-alias decimation to fs, without
    sensor noise, clipping or quantisation. The output is x_rec + a_f. For an integer fs (or one
    within 1 ppm of an integer, taken as that integer) the DAQ path delivers sample k at
    exactly k / fs; another rate is synthesised at the nearest integer rate and brought to fs
    by polyphase resampling.

    Examples
    --------
    >>> from failsim.analysis.compare import signal_from_file
    >>> rec = signal_from_file("cwru.parquet", column="accel_g", recording="Normal_0")
    >>> out = inject_fault(rec, "cwru_rig", [{"kind": "bearing_defect",
    ...     "target": "bearing.drive_end", "trigger": {"at_s": 1.0}, "part": "inner_race",
    ...     "size_mm": 0.178}], accelerometer="drive_end_vertical")  # doctest: +SKIP
    >>> out.write("normal_0_inner_race.parquet")  # doctest: +SKIP
    """
    from ..components.machine import Machine
    from ..spec import load_machine, scenario_from_dict

    spec = machine if not isinstance(machine, (str, Path)) else load_machine(machine)
    mach = Machine.from_spec(spec)
    if mach.vibration is None or not mach.accelerometers:
        raise SpecError(
            f"machine {mach.name!r} has no vibration model or accelerometers, so a fault's "
            "vibration cannot be synthesised for it; choose a machine with both",
            field="machine",
            value=mach.name,
        )
    acc_index = _accelerometer(mach, accelerometer)
    acc = mach.accelerometers[acc_index]

    fs = float(recording.fs_hz)
    if not (math.isfinite(fs) and _MIN_RATE_HZ <= fs <= _MAX_RATE_HZ):
        raise SpecError(
            f"the recording's sample rate {fs:g} Hz is not allowed: the DAQ model takes "
            f"{_MIN_RATE_HZ} to {_MAX_RATE_HZ} Hz",
            field="recording.fs_hz",
            value=fs,
        )
    if abs(fs - round(fs)) <= _RATE_SNAP * fs:
        fs = float(round(fs))  # e.g. a rate estimated from a CSV's time column
    x = np.asarray(recording.x_m_s2, dtype=np.float64).ravel()
    n = x.shape[0]
    if duration_s is not None:
        d = float(duration_s)
        want = round(d * fs) if math.isfinite(d) else -1
        if not 0 < want <= n:
            raise SpecError(
                f"duration_s = {duration_s!r} is not allowed: the recording lasts "
                f"{n / fs:g} s, so it must lie in (0, {n / fs:g}] s",
                field="duration_s",
                value=duration_s,
            )
        n = want
        x = x[:n]
    if n < 2:
        raise SpecError("the recording has fewer than 2 samples", field="recording")
    duration = n / fs

    rpm, speed_from = _shaft_rpm(shaft_rpm, recording)
    f_line = float(line_hz) if line_hz is not None else mach.supply.frequency_hz
    if not (math.isfinite(f_line) and f_line > 0):
        raise SpecError(
            f"line_hz = {line_hz!r} is not allowed: a supply frequency > 0 Hz",
            field="line_hz",
            value=line_hz,
        )

    faults = _check_kinds(faults)
    fs_stage = round(fs)
    k = _oversample(mach, fs_stage, oversample)
    data = {
        "name": "inject",
        "machine": spec.name,
        # a fault may start after the recording ends (it then does not act), which a scenario
        # of the recording's length would refuse: validate over a horizon covering the onsets
        "duration_s": _horizon(faults, duration),
        "seed": int(seed),
        "streams": {"vibration": {"sample_rate_hz": fs_stage, "oversample": k}},
        "faults": copy.deepcopy(list(faults)),
    }
    scenario = scenario_from_dict(data, source=_SOURCE, machine=spec)
    validated = scenario.data["faults"]

    w = 2.0 * math.pi * rpm / 60.0
    torque = _torque(mach, w, f_line, shaft_torque_n_m, validated)
    stage = _fault_stage(mach, int(seed), fs_stage, k, f_line)
    events = _add_faults(stage, mach, validated, int(seed), duration)

    n_stage = n if fs_stage == fs else math.ceil(n * fs_stage / fs) + 1
    fault = _synthesise(stage, acc_index, n_stage, w, f_line, torque)
    method = "daq"
    if fs_stage != fs:
        fault = _resample(fault, fs_stage, fs, n)
        method = "polyphase"
    fault = fault.astype(np.float64)

    column = acc.column
    baseline_column = column.removesuffix("_m_s2") + "_baseline_m_s2"
    sensor = stage.sensors[acc_index]
    where = f"at the {acc.location} bearing, {acc.axis} axis"
    field_meta = {
        column: {
            "unit": "m/s^2",
            "description": f"acceleration {where}: the recording plus the simulated faults",
            "location": acc.location,
            "axis": acc.axis,
            "daq_filter_delay_s": f"{sensor.delay_s:.9g}",
        },
        baseline_column: {
            "unit": "m/s^2",
            "description": f"acceleration {where}: the recording as read",
            "location": acc.location,
            "axis": acc.axis,
        },
    }
    windows: dict[str, list] = {}  # realised windows per fault index (s; end None: to the end)
    for r in events:
        windows.setdefault(str(r.fault_index), []).append([r.t_s, r.end_s])
    metadata = {
        "stream": "vibration",
        "kind": "injected",
        "machine": spec.name,
        "machine_sha256": spec.sha256,
        "faults": validated,
        "fault_windows": windows,
        "seed": int(seed),
        "recording": recording.name,
        "source": source,
        "sample_rate_hz": fs,
        "duration_s": duration,
        "accelerometer": acc.name,
        "column": column,
        "baseline_column": baseline_column,
        "shaft_rpm": rpm,
        "shaft_speed_from": speed_from,
        "line_hz": f_line,
        "shaft_torque_n_m": torque,
        "synthesis_rate_hz": fs_stage * k,
        "oversample": k,
        "resampling": method,
        "bearing_multipliers": _bearing_multipliers(mach),
    }
    return InjectedRecording(
        t_s=np.arange(n, dtype=np.int64) / fs,
        baseline_m_s2=x,
        fault_m_s2=fault,
        fs_hz=fs,
        column=column,
        accelerometer=acc.name,
        events=events,
        metadata=metadata,
        field_metadata=field_meta,
    )


# ------------------------------------------------------------------------------- checks


def _accelerometer(machine: Machine, name: str | None) -> int:
    """Index of the accelerometer named (by name, column, or the bearing it sits at when it
    is the only one there) among the machine's."""
    accs = machine.accelerometers
    names = [a.name for a in accs]
    if name is None:
        if len(accs) == 1:
            return 0
        raise SpecError(
            f"machine {machine.name!r} has {len(accs)} accelerometers: say which one stood "
            f"where the recording's sensor stood; accelerometers: {', '.join(names)}",
            field="accelerometer",
        )
    for i, a in enumerate(accs):
        if name in (a.name, a.column):
            return i
    at = [i for i, a in enumerate(accs) if a.location == name]
    if len(at) == 1:  # the one accelerometer at that bearing
        return at[0]
    close = difflib.get_close_matches(str(name), names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    what = f"{len(at)} accelerometers at that bearing" if at else "no such accelerometer"
    raise SpecError(
        f"{name!r} is not allowed: machine {machine.name!r} has {what}; "
        f"{hint}accelerometers: {', '.join(names)}",
        field="accelerometer",
        value=name,
    )


def _shaft_rpm(shaft_rpm: float | None, recording: Signal) -> tuple[float, str]:
    """The shaft speed (rpm) and where it came from."""
    if shaft_rpm is not None:
        rpm, where = float(shaft_rpm), "argument"
    elif math.isfinite(recording.shaft_hz):
        rpm, where = 60.0 * float(recording.shaft_hz), "recording"
    else:
        raise SpecError(
            "the shaft speed is not known: the recording does not carry it, so give "
            "shaft_rpm (the speed during the recording, rpm, > 0)",
            field="shaft_rpm",
        )
    if not (math.isfinite(rpm) and rpm > 0.0):
        raise SpecError(
            f"shaft_rpm = {rpm!r} is not allowed: the shaft must turn forward, rpm > 0",
            field="shaft_rpm",
            value=rpm,
        )
    return rpm, where


def _check_kinds(faults: Sequence[Mapping]) -> list[Mapping]:
    """The faults as a list, every kind one the vibration stage carries out."""
    if isinstance(faults, Mapping) or not isinstance(faults, Sequence):
        raise SpecError(
            "faults must be a list of faults (mappings with kind, target, trigger, ...)",
            file=_SOURCE,
            field="faults",
        )
    allowed = ", ".join(INJECTABLE_KINDS)
    for i, f in enumerate(faults):
        if not isinstance(f, Mapping):
            raise SpecError(
                "a fault must be a mapping with kind, target, trigger, ...",
                file=_SOURCE,
                field=f"faults[{i}]",
                value=f,
            )
        kind = f.get("kind")
        if kind not in INJECTABLE_KINDS:
            close = difflib.get_close_matches(str(kind), INJECTABLE_KINDS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise SpecError(
                f"{kind!r} is not allowed: only faults the vibration stage carries out can be "
                f"added to a recording; {hint}kinds: {allowed}",
                file=_SOURCE,
                field=f"faults[{i}].kind",
                value=kind,
            )
    return list(faults)


def _horizon(faults: Sequence[Mapping], duration_s: float) -> float:
    """A scenario duration that covers the recording and every fault's onset: whole seconds,
    so a whole number of solver steps."""
    horizon = duration_s
    for f in faults:
        trigger = f.get("trigger")
        at = trigger.get("at_s") if isinstance(trigger, Mapping) else None
        if isinstance(at, (int, float)) and not isinstance(at, bool) and math.isfinite(at):
            horizon = max(horizon, 2.0 * float(at) + 1.0)
    return float(math.ceil(horizon))


def _oversample(machine: Machine, fs: int, oversample: int | None) -> int:
    """The synthesis factor: given, or the smallest >= 2 that resolves every mode."""
    top = max(m.frequency_hz for m in machine.vibration.modes)
    if oversample is not None:
        k = int(oversample)
        if not 2 <= k <= _MAX_OVERSAMPLE:
            raise SpecError(
                f"oversample = {oversample!r} is not allowed: 2 to {_MAX_OVERSAMPLE}",
                field="oversample",
                value=oversample,
            )
        return k
    k = max(2, math.floor(top / (0.45 * fs)) + 1)
    if k > _MAX_OVERSAMPLE:
        raise SpecError(
            f"the recording's sample rate {fs} Hz is too low for machine {machine.name!r}: "
            f"its mode at {top:g} Hz needs a synthesis rate above {top / 0.45:g} Hz, more "
            f"than {_MAX_OVERSAMPLE} x the sample rate",
            field="recording.fs_hz",
            value=fs,
        )
    return k


def _torque(
    machine: Machine,
    w: float,
    line_hz: float,
    given: float | None,
    faults: Sequence[Mapping],
) -> float:
    """Coupling torque (N m) for the trace: given, or from the slip of an induction motor
    (T = T_N (w_s - w) / (w_s - w_N), at least 0), or 0 when no fault needs it."""
    if given is not None:
        t = float(given)
        if not math.isfinite(t):
            raise SpecError(
                "shaft_torque_n_m must be a finite number (N m)", field="shaft_torque_n_m"
            )
        return t
    motor = machine.motor
    if hasattr(motor, "synchronous_speed_rad_s"):
        w_s = motor.synchronous_speed_rad_s(line_hz)
        w_n = motor.rated_speed_rad_s
        t_n = motor.rated.power_w / w_n
        slip_n = motor.synchronous_speed_rad_s(motor.rated.frequency_hz) - w_n
        return max(0.0, t_n * (w_s - w) / slip_n)
    need = [f["kind"] for f in faults if f["kind"] in _TORQUE_KINDS]
    if need:
        raise SpecError(
            f"{need[0]} grows with the transmitted torque, which cannot be told from the speed "
            f"of machine {machine.name!r} (not an induction motor): give shaft_torque_n_m (N m)",
            field="shaft_torque_n_m",
        )
    return 0.0


# --------------------------------------------------------------------------- synthesis


def _fault_stage(
    machine: Machine, seed: int, fs: int, oversample: int, line_hz: float
) -> VibrationStage:
    from ..vibration.stage import VibrationStage

    return VibrationStage(machine, seed, fs, oversample, line_hz, healthy_sources=False)


def _add_faults(
    stage: VibrationStage,
    machine: Machine,
    faults: Sequence[Mapping],
    seed: int,
    duration_s: float,
) -> list[EventRecord]:
    """Put the faults' sources into the stage as a run does, and return one fault event per
    realised window (the same severity, unit, threshold and growth as in a run)."""
    from ..faults.bearing_defects import (
        bearing_defects_from_spec,
        failure_size_mm,
        impact_train,
        wear_noise,
    )
    from ..faults.event_log import EventRecord
    from ..faults.shaft_faults import (
        MISALIGNMENT_FAILURE_MM,
        imbalance_failure_g_mm,
        shaft_faults,
        shaft_force,
    )
    from ..faults.triggers import fault_windows
    from ..rng import component_rng

    events: list[EventRecord] = []

    def log(index, kind, target, windows, severity, unit, label, **extra):
        for on, off in windows:
            events.append(
                EventRecord(
                    on, kind, "fault", target, severity, unit,
                    source=f"injected: {label}" if label else "injected",
                    end_s=off, fault_index=index, **extra,
                )
            )  # fmt: skip

    rated = machine.motor.rated_speed_rad_s
    bearings = {b.name: b for b in machine.bearings}
    for d in bearing_defects_from_spec(faults, seed, duration_s):
        bearing = bearings[d.bearing]
        stage.add_impacts(impact_train(d, bearing, rated, seed))
        wear = wear_noise(d, bearing, stage.locations.index(d.bearing), seed)
        if wear is not None:
            stage.add_shaft_force(wear)
        failure_mm = failure_size_mm(bearing)
        log(
            d.index, "bearing_defect", f"bearing.{d.bearing}", d.windows, d.size_mm, "mm",
            d.label, health_threshold=failure_mm, severity_profile=d.width_profile(failure_mm),
            failure_t_s=d.failure_time_s(failure_mm),
        )  # fmt: skip
    for i, f in enumerate(faults):
        if f["kind"] not in ("gear_tooth_damage", "looseness"):
            continue
        windows = fault_windows(f["trigger"], duration_s, seed, i)
        if f["kind"] == "looseness":
            loss = float(f["looseness_pct"])
            stage.loosen_support(f["target"].split(".", 1)[1], loss / 100.0, windows)
        else:
            loss = float(f["stiffness_loss_pct"])
            angle = component_rng(seed, f"fault.{i}.phase").uniform(0.0, 2.0 * math.pi)
            stage.damage_tooth(loss / 100.0, windows, angle)
        log(i, f["kind"], f["target"], windows, loss, "%", f.get("label", ""))
    for i, f in shaft_faults(faults):
        source, windows, severity, unit = shaft_force(f, i, len(stage.locations), seed, duration_s)
        stage.add_shaft_force(source)
        if f["kind"] == "imbalance":
            threshold = imbalance_failure_g_mm(machine.vibration.rotor_mass_kg, rated)
        else:
            threshold = MISALIGNMENT_FAILURE_MM
        log(
            i, f["kind"], f["target"], windows, severity, unit, f.get("label", ""),
            health_threshold=threshold,
        )  # fmt: skip
    events.sort(key=lambda r: (r.t_s, r.fault_index))
    return events


def _synthesise(
    stage: VibrationStage,
    sensor: int,
    n_out: int,
    w: float,
    line_hz: float,
    torque: float,
) -> np.ndarray:
    """``n_out`` samples (at the stage's rate) of the faults' response at one accelerometer,
    from a constant-speed trace, chunk by chunk."""
    from ..kernels import layout as L

    chain = stage.sensors[sensor]
    factor = stage.factor
    fs_syn = stage.fs_synth
    n_syn = n_out * factor
    psi = stage.psi_rated if hasattr(stage.machine.motor, "magnetizing_inductance_h") else 0.0
    w_e = 2.0 * math.pi * line_hz
    parts = []
    for j0 in range(0, n_syn, _CHUNK_SAMPLES):
        j1 = min(j0 + _CHUNK_SAMPLES, n_syn)
        t = np.arange(j0, j1, dtype=np.int64) / fs_syn
        trace = np.empty((L.N_T, j1 - j0))
        trace[L.T_THETA_M] = w * t
        trace[L.T_WM] = w
        trace[L.T_PSIRA] = psi * np.cos(w_e * t)
        trace[L.T_PSIRB] = psi * np.sin(w_e * t)
        trace[L.T_TSHAFT] = torque
        accel = stage.accelerations(trace, j0)[sensor]
        parts.append(chain.run(accel, j0))
    out = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return out[:n_out]


def _resample(y: np.ndarray, fs_from: float, fs_to: float, n: int) -> np.ndarray:
    """``y`` at ``fs_from`` brought to ``fs_to`` by polyphase resampling (a rational
    approximation of the ratio, denominator at most 1000), ``n`` samples."""
    from scipy.signal import resample_poly

    ratio = Fraction(fs_to / fs_from).limit_denominator(1000)
    out = resample_poly(y.astype(np.float64), ratio.numerator, ratio.denominator)
    if out.shape[0] < n:
        out = np.concatenate([out, np.zeros(n - out.shape[0])])
    return out[:n]


def _bearing_multipliers(machine: Machine) -> dict[str, dict[str, float]]:
    """Defect frequencies of each bearing as multiples of the shaft frequency (as in a
    simulated vibration file, so ``failsim compare`` finds them)."""
    out = {}
    for b in machine.bearings:
        mult = b.multipliers()
        if mult is not None:
            out[b.name] = {k: round(float(v), 6) for k, v in mult._asdict().items()}
    return out
