"""Current and voltage measurement chains of the ``current`` stream."""

from __future__ import annotations

import numpy as np

from ..kernels import layout as L
from ..rng import component_rng
from .chain import adc_step, first_order_lag, lowpass_bandwidth_coefficient, quantize

_PHASES = ("a", "b", "c")


class _Channel:
    """One transducer + DAQ channel: gain error, first-order bandwidth, white noise,
    quantisation and clipping at the ADC range."""

    def __init__(self, name: str, cfg: dict, noise_key: str, range_key: str, seed: int, fs: int):
        rng = component_rng(seed, name)
        err = float(cfg["gain_error_pct"]) / 100.0
        self.gain = 1.0 + (rng.uniform(-err, err) if err > 0 else 0.0)
        self.a = lowpass_bandwidth_coefficient(float(cfg["bandwidth_hz"]), fs)
        self.noise = float(cfg[noise_key])
        self.full_scale = float(cfg[range_key])
        self.step = adc_step(self.full_scale, int(cfg["adc_bits"]))
        self.rng = rng
        self.state: float | None = None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        y, self.state = first_order_lag(x * self.gain, self.a, self.state)
        if self.noise > 0.0:
            y = y + self.rng.normal(0.0, self.noise, size=y.shape)
        y = quantize(y, self.step, -self.full_scale, self.full_scale - self.step)
        return y.astype(np.float32)


class ElectricalSensors:
    """The three current and three voltage channels of a machine, at sample rate ``fs``."""

    def __init__(self, sensors: dict, seed: int, fs: int, dc: bool = False):
        self.dc = dc
        if dc:
            self.current = [
                _Channel(f"sensor.{n}", sensors["current"], "noise_a_rms", "range_a", seed, fs)
                for n in ("current_armature", "current_field")
            ]
            self.voltage = [
                _Channel(f"sensor.{n}", sensors["voltage"], "noise_v_rms", "range_v", seed, fs)
                for n in ("voltage_armature", "voltage_field")
            ]
            return
        self.current = [
            _Channel(f"sensor.current_{p}", sensors["current"], "noise_a_rms", "range_a", seed, fs)
            for p in _PHASES
        ]
        self.voltage = [
            _Channel(f"sensor.voltage_{p}", sensors["voltage"], "noise_v_rms", "range_v", seed, fs)
            for p in _PHASES
        ]

    def process(self, fast: np.ndarray) -> dict[str, np.ndarray]:
        """Measured columns from the kernel's fast outputs (rows F_IA..F_UC)."""
        out: dict[str, np.ndarray] = {}
        if self.dc:
            out["current_armature_a"] = self.current[0](fast[L.F_IA])
            out["current_field_a"] = self.current[1](fast[L.F_IB])
            out["voltage_armature_v"] = self.voltage[0](fast[L.F_UA])
            out["voltage_field_v"] = self.voltage[1](fast[L.F_UB])
            return out
        for j, p in enumerate(_PHASES):
            out[f"current_{p}_a"] = self.current[j](fast[L.F_IA + j])
        for j, p in enumerate(_PHASES):
            out[f"voltage_{p}_v"] = self.voltage[j](fast[L.F_UA + j])
        return out
