"""Slow measurement chains of the ``process`` stream: encoder, torque transducer, power
meter, temperature sensors with their thermal lag, and the relay's own thermal level."""

from __future__ import annotations

import math

import numpy as np

from ..kernels import layout as L
from ..rng import component_rng
from .chain import adc_step, first_order_coefficient, first_order_lag, quantize


class ProcessSensors:
    """Process channels of a machine at sample rate ``fs`` (Hz)."""

    def __init__(
        self,
        sensors: dict,
        nodes: tuple[str, ...],
        initial_temps_c: dict[str, float],
        ambient_c: float,
        seed: int,
        fs: int,
    ):
        self.fs = fs
        self.ppr = int(sensors["speed"]["encoder_pulses_per_rev"])
        self.last_count: int | None = None
        tq = sensors["torque"]
        self.torque_noise = float(tq["noise_n_m_rms"])
        self.torque_fs = float(tq["range_n_m"])
        self.torque_step = adc_step(self.torque_fs, 16)
        self.torque_rng = component_rng(seed, "sensor.torque_shaft")
        temp = sensors["temperature"]
        self.temp_noise = float(temp["noise_c_rms"])
        self.temp_res = float(temp["resolution_c"])
        self.temp_nodes = [n for n in temp["time_constant_s"] if n in nodes]
        self.temp_index = [nodes.index(n) for n in self.temp_nodes]
        self.temp_a = [
            first_order_coefficient(float(temp["time_constant_s"][n]), fs) for n in self.temp_nodes
        ]
        self.temp_state: list[float | None] = [float(initial_temps_c[n]) for n in self.temp_nodes]
        self.temp_rng = {n: component_rng(seed, f"sensor.temp_{n}") for n in self.temp_nodes}
        self.ambient_c = ambient_c
        self.belt_speed_ref = 1.0
        self.current_conductors = 3.0
        self.conveyor_length = 1.0
        self.ambient_rng = component_rng(seed, "sensor.temp_ambient")

    def settle(self) -> None:
        """Let the temperature sensors settle on the next value (after a recording gap,
        far longer than their time constants)."""
        self.temp_state = [None for _ in self.temp_state]

    def _temperature(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if self.temp_noise > 0.0:
            x = x + rng.normal(0.0, self.temp_noise, size=x.shape)
        if self.temp_res > 0.0:
            x = np.round(x / self.temp_res) * self.temp_res
        return x.astype(np.float32)

    def process(self, slow: np.ndarray) -> dict[str, np.ndarray]:
        """Measured columns from the kernel's slow outputs (rows Q_*)."""
        n = slow.shape[1]
        out: dict[str, np.ndarray] = {}
        counts = np.floor(slow[L.Q_THETA_M] * (self.ppr / (2.0 * math.pi))).astype(np.int64)
        prev = np.empty(n, dtype=np.int64)
        if n:
            prev[0] = counts[0] if self.last_count is None else self.last_count
            prev[1:] = counts[:-1]
            self.last_count = int(counts[-1])
        out["speed_rpm"] = ((counts - prev) * (60.0 * self.fs / self.ppr)).astype(np.float32)
        tq = slow[L.Q_TSHAFT]
        if self.torque_noise > 0.0:
            tq = tq + self.torque_rng.normal(0.0, self.torque_noise, size=n)
        out["torque_shaft_n_m"] = quantize(
            tq, self.torque_step, -self.torque_fs, self.torque_fs - self.torque_step
        ).astype(np.float32)
        # three phases: mean-square of i_a, i_b, i_c over three; DC: the armature current
        out["current_rms_a"] = np.sqrt(
            np.maximum(slow[L.Q_ISQ], 0.0) / self.current_conductors
        ).astype(np.float32)
        out["voltage_rms_v"] = np.sqrt(np.maximum(slow[L.Q_USQ], 0.0)).astype(np.float32)
        out["power_active_w"] = slow[L.Q_P].astype(np.float32)
        out["dc_link_voltage_v"] = slow[L.Q_VDC].astype(np.float32)
        out["drive_frequency_hz"] = slow[L.Q_FOUT].astype(np.float32)
        out["braking_power_w"] = slow[L.Q_PCHOP].astype(np.float32)
        v_belt = slow[L.Q_VBELT]
        v_pulley = slow[L.Q_VPULLEY]
        out["belt_speed_m_s"] = v_belt.astype(np.float32)
        out["pulley_speed_m_s"] = v_pulley.astype(np.float32)
        slip = np.where(
            np.abs(v_pulley) > 0.01 * self.belt_speed_ref,
            100.0 * (v_pulley - v_belt) / np.maximum(np.abs(v_pulley), 1e-12),
            0.0,
        )
        out["belt_slip_pct"] = slip.astype(np.float32)
        out["belt_load_kg_m"] = (slow[L.Q_MLOAD] / self.conveyor_length).astype(np.float32)
        for j, node in enumerate(self.temp_nodes):
            true = slow[L.Q_TEMP0 + self.temp_index[j]]
            lagged, self.temp_state[j] = first_order_lag(true, self.temp_a[j], self.temp_state[j])
            out[f"temp_{node}_c"] = self._temperature(lagged, self.temp_rng[node])
        out["temp_ambient_c"] = self._temperature(np.full(n, self.ambient_c), self.ambient_rng)
        out["relay_thermal_level_pu"] = slow[L.Q_RELAY].astype(np.float32)
        return out
