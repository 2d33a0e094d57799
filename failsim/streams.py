"""The output contract: streams, their channels with units, and the fixed label columns.

Every stream table has ``t_s`` (float64, sample k at exactly k / fs), one float32 column per
channel with the unit in its name and in the Arrow field metadata, and the fixed per-sample
label columns of :data:`LABEL_COLUMNS`, present even when the run is healthy.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .kernels.layout import MACHINE_STATES

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Channel:
    """One measured channel: column name (with unit), unit symbol, description."""

    name: str
    unit: str
    description: str

    def field(self) -> pa.Field:
        return pa.field(
            self.name,
            pa.float32(),
            metadata={"unit": self.unit, "description": self.description},
        )


TIME_FIELD = pa.field(
    "t_s",
    pa.float64(),
    nullable=False,
    metadata={"unit": "s", "description": "simulated time from run start; sample k at k / fs"},
)

#: fixed label columns on every stream, in this order
LABEL_COLUMNS: tuple[pa.Field, ...] = (
    pa.field(
        "is_anomaly",
        pa.bool_(),
        nullable=False,
        metadata={
            "unit": "1",
            "description": "a machine fault is physically present (from its onset, visible or not)",
        },
    ),
    pa.field(
        "active_faults",
        pa.dictionary(pa.int32(), pa.string()),
        nullable=False,
        metadata={
            "unit": "1",
            "description": "active machine fault kinds joined by '|' in fault-index order; "
            "empty when healthy",
        },
    ),
    pa.field(
        "fault_mask",
        pa.int64(),
        nullable=False,
        metadata={
            "unit": "1",
            "description": "bit i set while the fault with fault_index i in `events` is active",
        },
    ),
    pa.field(
        "sensor_fault_mask",
        pa.int64(),
        nullable=False,
        metadata={
            "unit": "1",
            "description": "bit i set while the sensor fault with fault_index i in `events` "
            "corrupts a channel of this stream",
        },
    ),
    pa.field(
        "machine_state",
        pa.dictionary(pa.int8(), pa.string()),
        nullable=False,
        metadata={"unit": "1", "description": "one of " + ", ".join(MACHINE_STATES)},
    ),
)

CURRENT_CHANNELS: tuple[Channel, ...] = (
    Channel("current_a_a", "A", "phase a line current, measured"),
    Channel("current_b_a", "A", "phase b line current, measured"),
    Channel("current_c_a", "A", "phase c line current, measured"),
    Channel("voltage_a_v", "V", "phase a terminal voltage to the motor star point, measured"),
    Channel("voltage_b_v", "V", "phase b terminal voltage to the motor star point, measured"),
    Channel("voltage_c_v", "V", "phase c terminal voltage to the motor star point, measured"),
)


DC_CURRENT_CHANNELS: tuple[Channel, ...] = (
    Channel("current_armature_a", "A", "armature current, measured"),
    Channel("current_field_a", "A", "field current, measured (0 for permanent magnets)"),
    Channel("voltage_armature_v", "V", "armature terminal voltage, measured"),
    Channel("voltage_field_v", "V", "field supply voltage, measured"),
)


def process_channels(
    temperature_nodes: list[str], *, drive: bool = False, conveyor: bool = False
) -> tuple[Channel, ...]:
    """Channels of the ``process`` stream for a machine measuring ``temperature_nodes``,
    with the drive's and the conveyor's channels when it has them."""
    chans = [
        Channel("speed_rpm", "rpm", "motor shaft speed from the incremental encoder"),
        Channel("torque_shaft_n_m", "N m", "coupling torque, interval mean, measured"),
        Channel("current_rms_a", "A", "rms line current (mean of phases) over the interval"),
        Channel("voltage_rms_v", "V", "rms line-to-line voltage over the interval"),
        Channel("power_active_w", "W", "active electrical power into the motor, interval mean"),
    ]
    if drive:
        chans += [
            Channel("dc_link_voltage_v", "V", "drive DC-link voltage, interval mean"),
            Channel("drive_frequency_hz", "Hz", "drive output frequency, interval mean"),
            Channel("braking_power_w", "W", "power into the braking resistor, interval mean"),
        ]
    if conveyor:
        chans += [
            Channel("belt_speed_m_s", "m/s", "belt speed at the tail pulley, interval mean"),
            Channel("pulley_speed_m_s", "m/s", "drive-pulley surface speed, interval mean"),
            Channel(
                "belt_slip_pct",
                "%",
                "slip of the belt on the drive pulley, (v_pulley - v_belt) / v_pulley",
            ),
            Channel("belt_load_kg_m", "kg/m", "bulk load per metre from the belt scale"),
        ]
    for node in temperature_nodes:
        chans.append(
            Channel(f"temp_{node}_c", "degC", f"{node} temperature through its sensor's lag")
        )
    chans.append(Channel("temp_ambient_c", "degC", "ambient air temperature, measured"))
    chans.append(
        Channel("relay_thermal_level_pu", "pu", "overload relay thermal replica (trip at 1)")
    )
    return tuple(chans)


def vibration_channels(metadata: dict[str, dict[str, str]]) -> tuple[pa.Field, ...]:
    """Float32 fields of the ``vibration`` stream, one per accelerometer, with metadata."""
    return tuple(pa.field(name, pa.float32(), metadata=meta) for name, meta in metadata.items())


def stream_schema(
    channels: tuple[Channel | pa.Field, ...], metadata: dict[bytes, bytes]
) -> pa.Schema:
    """Arrow schema of a sampled stream: t_s, channels, label columns."""
    fields = [c if isinstance(c, pa.Field) else c.field() for c in channels]
    return pa.schema([TIME_FIELD, *fields, *LABEL_COLUMNS], metadata=metadata)


EVENTS_SCHEMA = pa.schema(
    [
        pa.field("event_index", pa.int32(), nullable=False),
        pa.field("t_s", pa.float64(), nullable=False, metadata={"unit": "s"}),
        pa.field(
            "end_s",
            pa.float64(),
            metadata={"unit": "s", "description": "end of a fault; null if instantaneous"},
        ),
        pa.field("kind", pa.string(), nullable=False),
        pa.field(
            "category",
            pa.string(),
            nullable=False,
            metadata={
                "description": "operation, safety, state, process, fault, sensor_fault or solver"
            },
        ),
        pa.field("target", pa.string(), nullable=False),
        pa.field(
            "fault_index",
            pa.int16(),
            nullable=False,
            metadata={"description": "bit index in fault_mask; -1 for non-fault events"},
        ),
        pa.field("value", pa.float64()),
        pa.field("value_unit", pa.string()),
        pa.field("source", pa.string(), metadata={"description": "what caused the event"}),
    ]
)

LABELS_SCHEMA = pa.schema(
    [
        pa.field("t_s", pa.float64(), nullable=False, metadata={"unit": "s"}),
        pa.field("fault_index", pa.int16(), nullable=False),
        pa.field("fault_kind", pa.string(), nullable=False),
        pa.field("target", pa.string(), nullable=False),
        pa.field("severity", pa.float32(), metadata={"description": "in severity_unit"}),
        pa.field("severity_unit", pa.string()),
        pa.field("health", pa.float32(), metadata={"unit": "1", "description": "1 new, 0 failed"}),
        pa.field("phase", pa.string(), metadata={"description": "incipient, developing, failed"}),
        pa.field(
            "rul_s",
            pa.float32(),
            metadata={
                "unit": "s",
                "description": "remaining useful life: time until health reaches 0 under the "
                "fault's growth law; null for a fault without one",
            },
        ),
    ]
)
