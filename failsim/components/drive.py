"""Variable-frequency drive declaration (V/f control, average model)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class VariableFrequencyDrive:
    """A V/f drive with diode rectifier, DC link, braking chopper and safety functions.

    Ramps are times from 0 Hz to the base frequency; the current limit is rms; DC-link
    thresholds are in volts (chopper on/off, overvoltage control, trips).
    """

    rated_frequency_hz: float
    rated_voltage_v: float
    boost_pct: float
    ramp_up_s: float
    ramp_down_s: float
    safe_stop_ramp_s: float
    current_limit_a: float
    dc_link_capacitance_f: float
    rectifier_resistance_ohm: float
    braking_resistor_ohm: float | None
    chopper_on_v: float
    chopper_off_v: float
    overvoltage_control_v: float
    overvoltage_trip_v: float
    undervoltage_trip_v: float
    sto_response_s: float
    frequency_setpoint_hz: float
    switching_frequency_hz: float
    pwm_ripple_pct: float = 3.0

    @classmethod
    def from_dict(cls, d: dict) -> VariableFrequencyDrive:
        kw = {}
        for f in fields(cls):
            v = d.get(f.name)
            kw[f.name] = None if v is None else float(v)
        return cls(**kw)
