"""The fault catalogue: every fault kind a scenario can declare, for ``failsim list faults``
and the documentation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaultKind:
    """One fault kind.

    Attributes
    ----------
    kind: name used in a scenario's ``faults[].kind``.
    category: ``machine`` (a physical cause) or ``sensor`` (changes one measured channel).
    parameter: the scenario key of its severity parameter, or None.
    unit: unit of that parameter; ``u`` stands for the unit of the target channel, any other
        value is the unit itself (``Hz``).
    summary: one line on what it does.
    doc: documentation page, relative to docs/.
    """

    kind: str
    category: str
    parameter: str | None
    unit: str | None
    summary: str
    doc: str


FAULT_KINDS: tuple[FaultKind, ...] = (
    FaultKind(
        "overload", "machine", "extra_load_pu", "pu",
        "extra load torque on the shaft: step, ramp or cyclic", "faults/machine-faults.md",
    ),
    FaultKind(
        "voltage_sag", "machine", "depth_pu", "pu",
        "supply voltage drops by depth_pu for a while", "faults/machine-faults.md",
    ),
    FaultKind(
        "phase_loss", "machine", None, None,
        "one supply line open (single phasing)", "faults/machine-faults.md",
    ),
    FaultKind(
        "voltage_unbalance", "machine", "unbalance_pct", "%",
        "negative-sequence supply voltage (unbalanced mains)", "faults/machine-faults.md",
    ),
    FaultKind(
        "broken_rotor_bars", "machine", "broken_bars", "bars",
        "adjacent cage bars broken: rotor asymmetry, (1 +/- 2s) f sidebands",
        "faults/machine-faults.md",
    ),
    FaultKind(
        "seizure", "machine", "friction_torque_n_m", "N m",
        "bearing or load friction runs away: stick-slip, lock-up, stall, trip",
        "faults/machine-faults.md",
    ),
    FaultKind(
        "emergency_stop", "machine", "category", "category",
        "emergency stop of category 0 (power off, coast or brake) or 1 (SS1 ramp, then STO)",
        "faults/stops.md",
    ),
    FaultKind(
        "controlled_stop", "machine", None, None,
        "stop category 2 (SS2): ramp to standstill and hold it with power on",
        "faults/stops.md",
    ),
    FaultKind(
        "lubrication_loss", "machine", "friction_factor", "x",
        "a bearing's lubricant degrades: friction and temperature rise, then a thermal "
        "runaway into seizure", "faults/machine-faults.md",
    ),
    FaultKind(
        "idler_seizure", "machine", "seized_idlers", "idlers",
        "carry idlers whose bearings have seized: the belt slides over them, more running "
        "resistance", "faults/conveyor-faults.md",
    ),
    FaultKind(
        "bearing_defect", "machine", "size_mm", "mm",
        "localised defect on a bearing's outer race, inner race, ball or cage: impacts at "
        "BPFO, BPFI, 2 BSF or FTF", "faults/bearing-defects.md",
    ),
    FaultKind(
        "belt_slip", "machine", "friction_loss_pct", "%",
        "the drive pulley loses grip (wet lagging, take-up tension lost): gross slip once "
        "T1/T2 passes e^(mu theta)", "faults/conveyor-faults.md",
    ),
    FaultKind(
        "conveyor_jam", "machine", "resistance_n", "N",
        "extra running resistance on the belt: current to the drive's limit, pulley slip, "
        "stall, trip", "faults/conveyor-faults.md",
    ),
    FaultKind(
        "imbalance", "machine", "unbalance_g_mm", "g mm",
        "rotor unbalance: a 1x force growing with the square of the speed",
        "faults/shaft-faults.md",
    ),
    FaultKind(
        "misalignment", "machine", "offset_mm", "mm",
        "coupling misalignment (parallel offset, angle): 2x radial and 1x axial forces "
        "growing with the torque", "faults/shaft-faults.md",
    ),
    FaultKind(
        "gear_tooth_damage", "machine", "stiffness_loss_pct", "%",
        "a cracked or spalled tooth of the input pinion: mesh sidebands at +/- k f_r",
        "faults/shaft-faults.md",
    ),
    FaultKind(
        "looseness", "machine", "looseness_pct", "%",
        "a loose bearing support lifts once per turn: harmonics of 1x",
        "faults/shaft-faults.md",
    ),
    FaultKind(
        "sensor_bias", "sensor", "offset", "u",
        "constant offset added to the measured value", "faults/sensor-faults.md",
    ),
    FaultKind(
        "sensor_drift", "sensor", "rate_per_s", "u/s",
        "offset growing linearly from the onset", "faults/sensor-faults.md",
    ),
    FaultKind(
        "sensor_gain", "sensor", "gain", "1",
        "measured value scaled (a calibration or transducer gain error)",
        "faults/sensor-faults.md",
    ),
    FaultKind(
        "sensor_stuck", "sensor", None, None,
        "the last value before the onset is repeated, with zero variance",
        "faults/sensor-faults.md",
    ),
    FaultKind(
        "sensor_dropout", "sensor", None, None,
        "no value delivered: NaN samples", "faults/sensor-faults.md",
    ),
    FaultKind(
        "sensor_clipping", "sensor", "limit", "u",
        "the measured value saturates at +/- limit", "faults/sensor-faults.md",
    ),
    FaultKind(
        "sensor_noise_burst", "sensor", "noise_rms", "u",
        "Gaussian noise added while active (EMI, a loose connector)",
        "faults/sensor-faults.md",
    ),
    FaultKind(
        "sensor_mount_loose", "sensor", "resonance_hz", "Hz",
        "accelerometer mount works loose: its resonance drops to resonance_hz",
        "faults/sensor-faults.md",
    ),
)  # fmt: skip


def fault_kind(kind: str) -> FaultKind:
    """The catalogue entry of ``kind``; KeyError if there is none."""
    for k in FAULT_KINDS:
        if k.kind == kind:
            return k
    raise KeyError(kind)
