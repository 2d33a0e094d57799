"""Sensor faults: they change one measured channel and nothing physical.

A sensor fault acts on the samples of its target channel (``stream.channel``) inside its
active window [onset, end). The simulated quantity, every other channel and the machine's
labels are untouched; the fault shows in ``sensor_fault_mask`` and in ``events``.

Kinds and their parameters (units are the target channel's unit, written ``[u]``):

``sensor_bias``        x + offset                             offset [u]
``sensor_drift``       x + rate_per_s * (t - onset)           rate_per_s [u/s]
``sensor_gain``        gain * x                               gain [1]
``sensor_stuck``       the last sample before onset, held     (none)
``sensor_dropout``     NaN (no value delivered)               (none)
``sensor_clipping``    clip(x, -limit, +limit)                limit [u]
``sensor_noise_burst`` x + noise_rms * N(0, 1)                noise_rms [u]
``sensor_mount_loose`` accelerometer on a loosened mount       resonance_hz [Hz],
                                                              damping_ratio [1] (default 0.1)

Every kind is applied sample by sample from the run's time axis, so the output does not
depend on the chunk size; the noise of a burst comes from its own generator, keyed by the
fault's index in the scenario.

A loose mount is a fault of the transducer's mechanics, not of the delivered samples: the
accelerometer's mount response 1 / (1 - r^2 + 2 j zeta r), r = f / resonance_hz, replaces the
stud mount's inside the vibration stage, before the sensor noise and the DAQ (see
:meth:`failsim.vibration.stage.VibrationStage.loosen_mount`); :func:`loosen_mounts` hands
the faults to the stage, and :meth:`SensorFault.apply` leaves the delivered samples alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..rng import component_rng
from .catalogue import FAULT_KINDS
from .triggers import fault_windows

if TYPE_CHECKING:
    from ..vibration.stage import VibrationStage

#: kind -> (parameter name, how its unit derives from the channel unit: "u", "u/s", or a unit
#: of its own such as "1" or "Hz"), from the fault catalogue
SENSOR_FAULT_KINDS: dict[str, tuple[str | None, str | None]] = {
    k.kind: (k.parameter, k.unit) for k in FAULT_KINDS if k.category == "sensor"
}

#: kind -> {optional parameter: its default}
SENSOR_FAULT_OPTIONS: dict[str, dict[str, float]] = {
    # a loose or rattling mount is lightly damped (physics reference, section 7)
    "sensor_mount_loose": {"damping_ratio": 0.1},
}


def severity_unit(kind: str, channel_unit: str) -> str | None:
    """Unit of the severity value of a sensor fault of ``kind`` on a channel in ``channel_unit``."""
    how = SENSOR_FAULT_KINDS[kind][1]
    if how == "u/s":
        return f"{channel_unit}/s"
    if how == "u":
        return channel_unit
    return how  # None, or a unit of its own ("1", "Hz")


@dataclass
class SensorFault:
    """One sensor fault of a run.

    Attributes
    ----------
    index:
        Its index in the scenario's ``faults`` list (the bit in ``sensor_fault_mask``).
    kind:
        One of :data:`SENSOR_FAULT_KINDS`.
    stream, channel:
        The measured channel it acts on.
    onset_s, end_s:
        Active window [onset_s, end_s) in s; ``end_s`` None means until the end of the run.
    value:
        The kind's parameter (see the module docstring), or None for stuck and dropout.
    seed:
        The run's seed (a noise burst draws from its own generator under it).
    label:
        Free text from the scenario, carried into the event's ``source``.
    window:
        Which active window of the fault this is (0, 1, ... for an intermittent fault).
    options:
        The kind's optional parameters with their defaults filled in (see
        :data:`SENSOR_FAULT_OPTIONS`), e.g. ``damping_ratio`` of a loose mount.
    """

    index: int
    kind: str
    stream: str
    channel: str
    onset_s: float
    end_s: float | None
    value: float | None
    seed: int
    label: str = ""
    window: int = 0
    options: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._held: float | None = None
        self._last: float = float("nan")
        self._rng = (
            component_rng(
                self.seed, f"fault.{self.index}" + (f".{self.window}" * (self.window > 0))
            )
            if self.kind == "sensor_noise_burst"
            else None
        )

    def active(self, t_s: np.ndarray) -> np.ndarray:
        """Boolean mask of the samples at times ``t_s`` [s] inside the active window."""
        end = np.inf if self.end_s is None else self.end_s
        return (t_s >= self.onset_s) & (t_s < end)

    def apply(self, t_s: np.ndarray, x: np.ndarray) -> np.ndarray:
        """The measured samples ``x`` at times ``t_s`` (one chunk, in time order) with the
        fault applied. Returns a new array of the same dtype; ``x`` is not modified.

        A loose mount returns ``x`` unchanged: it acts inside the accelerometer, upstream of
        the delivered samples (see :func:`loosen_mounts`)."""
        out = x.copy()
        if self.kind == "sensor_mount_loose":
            return out
        mask = self.active(t_s)
        if self.kind == "sensor_stuck" and self._held is None:
            before = np.flatnonzero(t_s < self.onset_s)
            if before.size:
                self._last = float(x[before[-1]])
        if mask.any():
            out[mask] = self._faulty(t_s[mask], x[mask]).astype(x.dtype, copy=False)
        return out

    def _faulty(self, t: np.ndarray, x: np.ndarray) -> np.ndarray:
        xf = x.astype(np.float64)
        k = self.kind
        if k == "sensor_bias":
            return xf + self.value
        if k == "sensor_drift":
            return xf + self.value * (t - self.onset_s)
        if k == "sensor_gain":
            return xf * self.value
        if k == "sensor_clipping":
            return np.clip(xf, -self.value, self.value)
        if k == "sensor_dropout":
            return np.full_like(xf, np.nan)
        if k == "sensor_noise_burst":
            return xf + self.value * self._rng.standard_normal(xf.size)
        if k == "sensor_stuck":
            if self._held is None:
                # the value delivered just before the onset; the first active sample if the
                # fault starts with the run
                self._held = self._last if np.isfinite(self._last) else float(xf[0])
            return np.full_like(xf, self._held)
        raise ValueError(f"unknown sensor fault kind {k!r}")


def sensor_faults_from_spec(
    faults: Sequence[Mapping], seed: int, t_end_s: float = math.inf
) -> list[SensorFault]:
    """The sensor faults among a validated scenario's ``faults`` list, one per active window
    (random and intermittent triggers resolved from ``seed``) within ``t_end_s`` seconds."""
    out = []
    for i, f in enumerate(faults):
        if f["kind"] not in SENSOR_FAULT_KINDS:
            continue
        stream, channel = f["target"].split(".", 1)
        param = SENSOR_FAULT_KINDS[f["kind"]][0]
        value = None if param is None else float(f[param])
        options = {
            k: float(f.get(k, default))
            for k, default in SENSOR_FAULT_OPTIONS.get(f["kind"], {}).items()
        }
        for w, (onset, end) in enumerate(fault_windows(f["trigger"], t_end_s, seed, i)):
            out.append(
                SensorFault(
                    i, f["kind"], stream, channel, onset, end, value, seed,
                    str(f.get("label", "")), w, dict(options),
                )
            )  # fmt: skip
    return out


def loosen_mounts(stage: VibrationStage, faults: Sequence[SensorFault]) -> None:
    """Hand the loose-mount faults among ``faults`` to the run's vibration stage.

    Each active window of a ``sensor_mount_loose`` fault replaces the stud mount of its
    accelerometer by the loosened one, mount response 1 / (1 - r^2 + 2 j zeta r) with
    r = f / resonance_hz and zeta = damping_ratio, from the window's onset to its end. The
    stage applies it to the mechanical input of the transducer, so the sensor noise, the
    anti-alias filter, clipping and quantisation follow it as on a real DAQ.
    """
    for f in faults:
        if f.kind == "sensor_mount_loose":
            stage.loosen_mount(
                f.channel, f.onset_s, f.end_s, float(f.value), f.options["damping_ratio"]
            )
