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


class PwmRipple:
    """Switching ripple of a PWM drive's phase currents, as spectral lines rather than
    switched: f_sw +/- 2 f and 2 f_sw +/- f (the carrier itself is common-mode and does not
    reach the phase currents), phase-locked to the drive's output angle and present only
    while the drive switches. Lines at or above 0.45 fs are left out: the DAQ's anti-alias
    filter would remove them."""

    def __init__(self, switching_hz: float, amplitude_a: float, fs: int, rng: np.random.Generator):
        self.w_sw = 2.0 * np.pi * switching_hz
        self.amp = amplitude_a
        self.fs = fs
        self.phase = rng.uniform(0.0, 2.0 * np.pi)
        # (carrier multiple, sign and multiple of the output angle, relative amplitude)
        lines = [(1, 2, 1.0), (1, -2, 1.0), (2, 1, 0.5), (2, -1, 0.5)]
        self.lines = [ln for ln in lines if ln[0] * switching_hz < 0.45 * fs]

    def currents(self, t_s: np.ndarray, cos_out: np.ndarray, sin_out: np.ndarray) -> list:
        """Ripple current (A) of phases a, b, c at times t_s."""
        on = (cos_out * cos_out + sin_out * sin_out) > 0.5
        theta = np.arctan2(sin_out, cos_out)
        out = []
        for k in range(3):
            shift = 2.0 * np.pi * k / 3.0
            i = np.zeros_like(t_s)
            for mult, order, rel in self.lines:
                i += rel * np.cos(mult * (self.w_sw * t_s + self.phase) + order * (theta - shift))
            out.append(np.where(on, self.amp * i, 0.0))
        return out


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

    ripple: PwmRipple | None = None

    def process(self, fast: np.ndarray, t_s: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Measured columns from the kernel's fast outputs (rows F_IA..F_SIN_OUT) at times
        ``t_s`` (needed for the PWM ripple of a drive)."""
        out: dict[str, np.ndarray] = {}
        if self.dc:
            out["current_armature_a"] = self.current[0](fast[L.F_IA])
            out["current_field_a"] = self.current[1](fast[L.F_IB])
            out["voltage_armature_v"] = self.voltage[0](fast[L.F_UA])
            out["voltage_field_v"] = self.voltage[1](fast[L.F_UB])
            return out
        ripple = None
        if self.ripple is not None and t_s is not None:
            ripple = self.ripple.currents(t_s, fast[L.F_COS_OUT], fast[L.F_SIN_OUT])
        for j, p in enumerate(_PHASES):
            i_true = fast[L.F_IA + j] if ripple is None else fast[L.F_IA + j] + ripple[j]
            out[f"current_{p}_a"] = self.current[j](i_true)
        for j, p in enumerate(_PHASES):
            out[f"voltage_{p}_v"] = self.voltage[j](fast[L.F_UA + j])
        return out
