"""Building blocks of a measurement chain, as pure functions over arrays."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..config import NUMBA_OPTIONS


def first_order_coefficient(time_constant_s: float, sample_rate_hz: float) -> float:
    """Pole a of the exact discretisation of tau dy/dt = x - y for x held over a sample.

    y[k] = a y[k-1] + (1 - a) x[k], a = exp(-1 / (tau fs)); tau = 0 gives a = 0 (no lag).
    """
    if time_constant_s <= 0.0:
        return 0.0
    return math.exp(-1.0 / (time_constant_s * sample_rate_hz))


def first_order_lag(x: np.ndarray, a: float, state: float | None) -> tuple[np.ndarray, float]:
    """Apply y[k] = a y[k-1] + (1 - a) x[k]; ``state`` is y[-1] (None: start at x[0]).

    Returns the filtered samples and the new state. Splitting ``x`` in pieces and carrying the
    state gives the same result as one call.
    """
    if x.size == 0:
        return x.copy(), (0.0 if state is None else state)
    if a == 0.0:
        return x.astype(np.float64, copy=True), float(x[-1])
    y0 = float(x[0]) if state is None else float(state)
    y = _first_order(np.ascontiguousarray(x, dtype=np.float64), a, y0)
    return y, float(y[-1])


@njit(**NUMBA_OPTIONS)
def _first_order(x, a, y_prev):
    y = np.empty_like(x)
    b = 1.0 - a
    for k in range(x.shape[0]):
        y_prev = a * y_prev + b * x[k]
        y[k] = y_prev
    return y


def lowpass_bandwidth_coefficient(bandwidth_hz: float, sample_rate_hz: float) -> float:
    """Pole of a first-order low-pass with -3 dB bandwidth ``bandwidth_hz`` (impulse
    invariant): a = exp(-2 pi f_c / fs)."""
    return math.exp(-2.0 * math.pi * bandwidth_hz / sample_rate_hz)


def quantize(x: np.ndarray, step: float, lo: float, hi: float) -> np.ndarray:
    """Round to the ADC step (mid-tread) and clip to [lo, hi]. ``step`` = 0: no rounding."""
    y = np.clip(x, lo, hi)
    if step > 0.0:
        y = np.round(y / step) * step
    return y


def adc_step(full_scale: float, bits: int) -> float:
    """Quantisation step of a bipolar ADC spanning +/- full_scale with ``bits`` bits."""
    return 2.0 * full_scale / float(2**bits)
