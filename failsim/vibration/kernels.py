"""Fused Numba loops of the vibration stage (private): forces -> modes -> sensor axes, and
the accelerometer + DAQ chain. Slow, readable equivalents are the stage's NumPy methods
``forces``/``accelerations_reference`` and :mod:`failsim.vibration.filters`; tests compare."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..config import NUMBA_OPTIONS
from .filters import symmetric_fir_at


@njit(**NUMBA_OPTIONS)
def structure_run(
    theta, omega, psi_a, psi_b,
    ks, coef, mass_ecc, mag_k, mag_c, mag_s, share, bg, inv_w_rated,
    noise, impacts, has_impacts,
    phi, dirs, coefs, states, sens_w,
):  # fmt: skip
    """Acceleration (S, n) at each sensor axis from the trace, per synthesis sample.

    Forces at each bearing l, direction d (0 horizontal, 1 vertical, 2 axial):
    share (rotating orders + magnetic pull) + bg |w|/w_N noise[l, j, d] + impacts[l, d, j];
    modal force sum_l phi[m, l] F[l, dirs[m]]; each mode a biquad with carried state;
    sensor s reads sum_m sens_w[s, m] response_m.
    """
    n = theta.shape[0]
    n_modes = dirs.shape[0]
    n_loc = phi.shape[1]
    n_sens = sens_w.shape[0]
    kmax = 0
    for k in ks:
        kmax = max(kmax, k)
    out = np.empty((n_sens, n))
    resp = np.empty(n_modes)
    floc = np.empty((n_loc, 3))
    for j in range(n):
        e1 = complex(math.cos(theta[j]), math.sin(theta[j]))
        acc = 0.0 + 0.0j
        ek = 1.0 + 0.0j
        m = 0
        for power in range(1, kmax + 1):
            ek = ek * e1
            while m < ks.shape[0] and ks[m] == power:
                acc += coef[m] * ek
                m += 1
        f1 = mass_ecc * omega[j] * omega[j]
        c2 = psi_a[j] * psi_a[j] - psi_b[j] * psi_b[j]
        s2 = 2.0 * psi_a[j] * psi_b[j]
        base_h = share * (acc.real * f1 + mag_k * (c2 * mag_c - s2 * mag_s))
        base_v = share * (acc.imag * f1 + mag_k * (s2 * mag_c + c2 * mag_s))
        sp = bg * abs(omega[j]) * inv_w_rated
        # forces at each location once per sample, then the modal sums
        for li in range(n_loc):
            fh = base_h
            fv = base_v
            fa = 0.0
            if sp != 0.0:
                fh += sp * noise[li, j, 0]
                fv += sp * noise[li, j, 1]
            if has_impacts:
                fh += impacts[li, 0, j]
                fv += impacts[li, 1, j]
                fa += impacts[li, 2, j]
            floc[li, 0] = fh
            floc[li, 1] = fv
            floc[li, 2] = fa
        for mi in range(n_modes):
            d = dirs[mi]
            force = 0.0
            for li in range(n_loc):
                force += phi[mi, li] * floc[li, d]
            b0 = coefs[mi, 0]
            y = b0 * force + states[mi, 0]
            states[mi, 0] = coefs[mi, 1] * force - coefs[mi, 3] * y + states[mi, 1]
            states[mi, 1] = coefs[mi, 2] * force - coefs[mi, 4] * y
            resp[mi] = y
        for si in range(n_sens):
            a = 0.0
            for mi in range(n_modes):
                w = sens_w[si, mi]
                if w != 0.0:
                    a += w * resp[mi]
            out[si, j] = a
    return out


@njit(**NUMBA_OPTIONS)
def sensor_run(
    accel, gain, mount, mount_state, hp, hp_state, noise, noise_std,
    h, history, factor, phase, full_scale, step,
):  # fmt: skip
    """Accelerometer and DAQ for one channel: gain, mounted resonance, IEPE high-pass, white
    noise, symmetric-FIR decimation from ``phase`` in steps of ``factor``, clipping to
    [-full_scale, full_scale - step] and rounding to the ADC step (a step of 0: an ideal DAQ,
    neither clipping nor rounding). Returns float32 samples."""
    n = accel.shape[0]
    nt = h.shape[0]
    nh = nt - 1
    buf = np.empty(nh + n)
    buf[:nh] = history
    m0, m1 = mount_state[0], mount_state[1]
    p0, p1 = hp_state[0], hp_state[1]
    for k in range(n):
        x = accel[k] * gain
        y = mount[0] * x + m0
        m0 = mount[1] * x - mount[3] * y + m1
        m1 = mount[2] * x - mount[4] * y
        z = hp[0] * y + p0
        p0 = hp[1] * y - hp[3] * z + p1
        p1 = hp[2] * y - hp[4] * z
        buf[nh + k] = z + noise_std * noise[k]
    mount_state[0], mount_state[1] = m0, m1
    hp_state[0], hp_state[1] = p0, p1
    count = 0
    if phase < n:
        count = (n - 1 - phase) // factor + 1
    out = np.empty(count, dtype=np.float32)
    for k in range(count):
        j = nh + phase + k * factor
        v = symmetric_fir_at(h, buf, j)
        if step > 0.0:
            if v > full_scale - step:
                v = full_scale - step
            elif v < -full_scale:
                v = -full_scale
            v = np.round(v / step) * step
        out[k] = np.float32(v)
    history[:] = buf[n:]
    return out
