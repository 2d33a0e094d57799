"""Force sources at the bearing locations, synthesised from the kinematic trace.

All forces are in newtons, at the synthesis rate, as horizontal (index 0), vertical (1)
and axial (2) components at each bearing location. Shaft orders are generated in the angle
domain (cos k theta), so run-up, coast-down and load changes stay coherent.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..config import NUMBA_OPTIONS
from ..kernels import layout as L

DIRECTIONS = ("horizontal", "vertical", "axial")


def active_mask(t_s: np.ndarray, windows: list[tuple[float, float | None]]) -> np.ndarray:
    """True at the times ``t_s`` (s) inside any window [onset, end) (end None: open)."""
    active = np.zeros(t_s.shape, dtype=bool)
    for on, off in windows:
        active |= (t_s >= on) & (t_s < (np.inf if off is None else off))
    return active


def window_gate(
    n: int, fs: float, j0: int, windows: list[tuple[float, float | None]] | None
) -> np.ndarray:
    """1.0 at the n synthesis samples from index j0 (rate fs) inside the windows, else 0.0;
    all 1.0 without windows."""
    if windows is None:
        return np.ones(n)
    return active_mask((j0 + np.arange(n)) / fs, windows).astype(np.float64)


def rotating_orders(
    theta_rad: np.ndarray,
    force_1x_n: np.ndarray,
    orders: tuple[tuple[int, float, float], ...],
) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical components of rotating shaft-order forces.

    Parameters
    ----------
    theta_rad: shaft angle (rad).
    force_1x_n: amplitude of the 1x force at each sample (N), e.g. m e w^2.
    orders: (order k, amplitude ratio to 1x, phase rad) per order, including k = 1.

    Notes
    -----
    F_h = sum_k r_k F_1 cos(k theta + phi_k), F_v = sum_k r_k F_1 sin(k theta + phi_k): a
    rotating force seen by two radial directions 90 degrees apart (physics.md section 2).
    The k-th order is formed as e^{j k theta} = (e^{j theta})^k: one cos/sin per sample.
    """
    ks = np.array([o[0] for o in orders], dtype=np.int64)
    coef = np.array([o[1] * np.exp(1j * o[2]) for o in orders], dtype=np.complex128)
    return _rotating_orders(np.ascontiguousarray(theta_rad), force_1x_n, ks, coef)


@njit(**NUMBA_OPTIONS)
def _rotating_orders(theta, f1, ks, coef):
    n = theta.shape[0]
    fh = np.empty(n)
    fv = np.empty(n)
    kmax = 0
    for k in ks:
        kmax = max(kmax, k)
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
        fh[j] = acc.real * f1[j]
        fv[j] = acc.imag * f1[j]
    return fh, fv


def magnetic_pull(
    psi_alpha: np.ndarray, psi_beta: np.ndarray, force_n: float, psi_rated: float, phase: float
) -> tuple[np.ndarray, np.ndarray]:
    """Twice-line-frequency magnetic force from the air-gap field.

    The force rotates at twice the field angle and scales with the field squared:
    F = F_N (|psi| / psi_N)^2 (cos, sin)(2 angle(psi) + phase). With the contactor open it
    decays with the rotor field.
    """
    c2 = psi_alpha * psi_alpha - psi_beta * psi_beta  # |psi|^2 cos(2 angle)
    s2 = 2.0 * psi_alpha * psi_beta  # |psi|^2 sin(2 angle)
    scale = force_n / (psi_rated * psi_rated)
    cp, sp = math.cos(phase), math.sin(phase)
    return scale * (c2 * cp - s2 * sp), scale * (s2 * cp + c2 * sp)


def trace_columns(trace: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(theta, omega, psi_alpha, psi_beta) rows of a kinematic trace chunk."""
    return trace[L.T_THETA_M], trace[L.T_WM], trace[L.T_PSIRA], trace[L.T_PSIRB]


#: longest entry-to-exit time of an impact (an element crawling over a defect at standstill)
MAX_CROSSING_S = 0.05


class ImpactTrain:
    """Impacts of a localised bearing defect (McFadden & Smith 1984; Randall & Antoni 2011).

    Impacts are spaced in shaft angle by (2 pi / order)(1 + eps_i), eps_i ~ N(0, slip_std^2)
    (random slip of the rolling elements), and mapped to time through the trace's shaft
    angle, so the impact rate follows the speed. Each impact is a force impulse of
    ``impulse_n_s`` (N s) on the bearing in the direction ``direction_rad`` (0 = horizontal,
    pi/2 = vertical), placed on the first synthesis sample at or after its instant (a timing
    quantisation of at most 1/fs, well below the slip jitter). The next impact angle is
    carried across chunks, so the result does not depend on the chunking.
    """

    def __init__(
        self,
        location: str,
        order: float,
        impulse_n_s: float,
        slip_std: float,
        rng: np.random.Generator,
        direction_rad: float = 0.5 * math.pi,
        *,
        modulation: str = "none",
        carrier_order: float = 1.0,
        defect_angle_rad: float = 0.0,
        load_zone_epsilon: float = 0.5,
        load_zone_floor: float = 0.0,
        speed_ref_rad_s: float = 0.0,
        speed_exponent: float = 0.0,
        windows: list[tuple[float, float | None]] | None = None,
        scale_profile: tuple[np.ndarray, np.ndarray] | None = None,
        crossing_s_at_ref: float = 0.0,
        width_profile: tuple[np.ndarray, np.ndarray] | None = None,
        unloading_ratio: float = 1.0,
    ):
        """``modulation``: how the load zone weights each impact (Harris's load distribution
        q(psi), physics.md section 2, with a floor for the part outside the zone):

        - ``"none"``: every impact the same (e.g. a defect in the middle of the load zone);
        - ``"fixed"``: an outer-race defect at ``defect_angle_rad`` from the load-zone centre:
          constant weight q(angle);
        - ``"rotating"``: a defect on a part turning at ``carrier_order`` x shaft speed through
          the fixed load zone: the inner race (1.0: sidebands at +/- f_r around BPFI) or a
          rolling element carried by the cage (FTF order: modulation at the cage frequency).

        With ``speed_ref_rad_s`` > 0 the impulse scales as (|w| / speed_ref)^speed_exponent
        with the shaft speed w at the impact. ``windows`` [(onset_s, end_s or None)] limit the
        impacts to the times a fault is active (all the time when None); the train advances
        through the angles regardless, so the draws do not depend on the windows.
        ``scale_profile`` (times s, factors) scales the impulse over time, linearly between
        the points (a growing defect).

        With ``crossing_s_at_ref`` > 0 each impact is an entry and an exit (Sawalhi & Randall
        2011): the element unloads as it enters the defect (a force -I / dt held for the
        crossing time dt) and strikes its far edge dt later (the impulse +I), where
        dt = crossing_s_at_ref (speed_ref / |w|) (width) grows with the defect's width (the
        factor ``width_profile`` gives over time; the impulse's ``scale_profile`` when None)
        and falls with speed; forces beyond the end of a chunk are carried into the next.
        The unloading carries the element's load, the strike's impulse may saturate: the
        unloading is ``unloading_ratio`` x (width / scale) times the strike over dt.
        """
        if modulation not in ("none", "fixed", "rotating"):
            raise ValueError(f"modulation must be none, fixed or rotating, not {modulation!r}")
        self.location = location
        self.spacing = 2.0 * math.pi / order
        self.impulse = impulse_n_s
        self.slip_std = slip_std
        self.rng = rng
        self.direction = direction_rad
        self.next_angle: float | None = None
        self.modulation = modulation
        self.carrier_order = carrier_order
        self.defect_angle = defect_angle_rad
        self.epsilon = load_zone_epsilon
        self.floor = load_zone_floor
        self.speed_ref = speed_ref_rad_s
        self.speed_exponent = speed_exponent
        self.windows = windows
        self.scale_profile = scale_profile
        self.crossing_s = crossing_s_at_ref
        self.width_profile = width_profile if width_profile is not None else scale_profile
        self.unloading_ratio = unloading_ratio
        self.pending = np.zeros(0)

    def _weights(self, angles: np.ndarray) -> np.ndarray:
        """Load-zone weight of impacts at shaft angles ``angles`` (rad)."""
        from ..physics.bearing import load_zone_weights

        if self.modulation == "none":
            return np.ones_like(angles)
        if self.modulation == "fixed":
            psi = np.full_like(angles, self.defect_angle)
        else:
            psi = self.carrier_order * angles + self.defect_angle
        psi = np.angle(np.exp(1j * psi))  # wrapped to (-pi, pi]
        q = np.asarray(load_zone_weights(psi, epsilon=self.epsilon), dtype=np.float64)
        return self.floor + (1.0 - self.floor) * q

    def _spacing(self) -> float:
        return self.spacing * (1.0 + self.slip_std * self.rng.standard_normal())

    def forces(
        self,
        theta: np.ndarray,
        fs: float,
        omega: np.ndarray | None = None,
        j0: int = 0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Horizontal and vertical force samples (N) of the impacts within this chunk, whose
        first sample has synthesis index ``j0`` (time j0 / fs); ``omega`` (rad/s) is needed
        for a speed-dependent impulse."""
        n = theta.shape[0]
        out = np.zeros(n)
        if n == 0:
            return out, out.copy()
        ext = np.zeros(max(n, self.pending.size))
        ext[: self.pending.size] = self.pending
        if self.next_angle is None:
            self.next_angle = float(theta[0]) + self.spacing * self.rng.uniform()
        angles = []
        while self.next_angle <= theta[-1]:
            angles.append(self.next_angle)
            self.next_angle += self._spacing()
        if angles:
            # the shaft angle increases while the shaft turns forward: invert it by search
            at = np.asarray(angles)
            j = np.searchsorted(theta, at, side="left")
            # an impulse of I N s over one 1/fs sample, weighted by the load zone
            amp = self.impulse * fs * self._weights(at)
            if self.speed_ref > 0.0 and omega is not None:
                amp *= (np.abs(omega[j]) / self.speed_ref) ** self.speed_exponent
            t = (j0 + j) / fs
            scale = np.ones(j.shape)
            if self.scale_profile is not None:
                scale = np.interp(t, self.scale_profile[0], self.scale_profile[1])
                amp *= scale
            if self.windows is not None:
                amp = np.where(active_mask(t, self.windows), amp, 0.0)
            if self.crossing_s > 0.0 and omega is not None:
                w = np.maximum(np.abs(omega[j]), 1e-3 * self.speed_ref)
                width = np.ones(j.shape)
                if self.width_profile is not None:
                    width = np.interp(t, self.width_profile[0], self.width_profile[1])
                dt = np.minimum(self.crossing_s * width * self.speed_ref / w, MAX_CROSSING_S)
                d = np.maximum(np.rint(dt * fs).astype(np.int64), 1)
                need = int((j + d).max()) + 1
                if need > ext.size:
                    ext = np.concatenate([ext, np.zeros(need - ext.size)])
                unload = amp * self.unloading_ratio * width / scale
                for ji, di, ai, ui in zip(
                    j.tolist(), d.tolist(), amp.tolist(), unload.tolist(), strict=True
                ):
                    if ai != 0.0:
                        ext[ji : ji + di] -= ui / di  # the load lifts across the defect
                        ext[ji + di] += ai  # the strike at its far edge
            else:
                np.add.at(ext, j, amp)
        out = ext[:n]
        self.pending = ext[n:].copy()
        return out * math.cos(self.direction), out * math.sin(self.direction)


class ShaftOrderForce:
    """A force at shaft order ``order`` on bearing locations, active in time windows: an
    imbalance (1x, U w^2) or a misalignment (2x radial and 1x axial, growing with the
    transmitted torque).

    Radial part: F_r(t) (cos(k theta + phi), sin(k theta + phi)) on the horizontal and
    vertical directions, with F_r = radial_per_w2 w^2 + radial_per_torque |T_shaft|; axial
    part: F_a(t) cos(k_a theta + phi_a) with F_a = axial_per_torque |T_shaft|. ``weights``
    give each location's share (by index into the stage's locations).
    """

    def __init__(
        self,
        weights: dict[int, float],
        order: int,
        phase_rad: float,
        *,
        radial_per_w2: float = 0.0,
        radial_per_torque: float = 0.0,
        axial_order: int = 1,
        axial_per_torque: float = 0.0,
        axial_phase_rad: float = 0.0,
        windows: list[tuple[float, float | None]] | None = None,
    ):
        self.weights = weights
        self.order = int(order)
        self.phase = phase_rad
        self.radial_per_w2 = radial_per_w2
        self.radial_per_torque = radial_per_torque
        self.axial_order = int(axial_order)
        self.axial_per_torque = axial_per_torque
        self.axial_phase = axial_phase_rad
        self.windows = windows

    def forces(
        self, theta: np.ndarray, omega: np.ndarray, torque: np.ndarray, fs: float, j0: int = 0
    ) -> np.ndarray:
        """Force (3, n) in N (horizontal, vertical, axial) of a unit-weight location."""
        n = theta.shape[0]
        out = np.zeros((3, n))
        gate = window_gate(n, fs, j0, self.windows)
        if not gate.any():
            return out
        tq = np.abs(torque)
        f_r = gate * (self.radial_per_w2 * omega * omega + self.radial_per_torque * tq)
        ang = self.order * theta + self.phase
        out[0] = f_r * np.cos(ang)
        out[1] = f_r * np.sin(ang)
        if self.axial_per_torque:
            out[2] = (
                gate
                * self.axial_per_torque
                * tq
                * np.cos(self.axial_order * theta + self.axial_phase)
            )
        return out


class LooseSupport:
    """Mechanical looseness of a bearing's support (a loose foot or housing bolt): the
    support holds the rotor's 1x force only down to -(1 - loss) of its amplitude and lifts
    beyond, so once per turn the vertical force loses the cap below that level. The force
    this adds is F_1 max(0, -(1 - loss) - sin(theta + phi)) with F_1 = m e w^2 at the bearing:
    a pulse per turn, with harmonics of 1x that grow with the loss. Active in time windows."""

    def __init__(
        self,
        location: int,
        force_per_w2: float,
        loss: float,
        phase_rad: float,
        windows: list[tuple[float, float | None]] | None = None,
    ):
        self.weights = {location: 1.0}
        self.force_per_w2 = force_per_w2
        self.loss = loss
        self.phase = phase_rad
        self.windows = windows

    def forces(
        self, theta: np.ndarray, omega: np.ndarray, torque: np.ndarray, fs: float, j0: int = 0
    ) -> np.ndarray:
        """Force (3, n) in N (horizontal, vertical, axial) at the loose bearing."""
        n = theta.shape[0]
        out = np.zeros((3, n))
        f1 = self.force_per_w2 * omega * omega
        # the vertical part of the rotating 1x force is F_1 sin(theta + phi)
        cap = np.maximum(0.0, -(1.0 - self.loss) - np.sin(theta + self.phase))
        out[1] = window_gate(n, fs, j0, self.windows) * f1 * cap
        return out


class WearNoise:
    """Broadband force of distributed wear on a bearing late in a defect's life: Gaussian
    horizontal and vertical forces of rms ``rms_n`` x (w / w_f)^2 (the defect's width over
    its failure width, from ``width_profile``), so it rises only as the damage spreads.
    Draws come from ``rng`` sample by sample, whatever the chunking."""

    def __init__(
        self,
        location: int,
        rms_n: float,
        rng: np.random.Generator,
        width_profile: tuple[np.ndarray, np.ndarray],
        windows: list[tuple[float, float | None]] | None = None,
    ):
        self.weights = {location: 1.0}
        self.rms_n = rms_n
        self.rng = rng
        self.width_profile = width_profile
        self.windows = windows

    def forces(
        self, theta: np.ndarray, omega: np.ndarray, torque: np.ndarray, fs: float, j0: int = 0
    ) -> np.ndarray:
        """Force (3, n) in N at the worn bearing."""
        n = theta.shape[0]
        out = np.zeros((3, n))
        draws = self.rng.standard_normal((n, 2))
        t = (j0 + np.arange(n)) / fs
        level = self.rms_n * np.interp(t, self.width_profile[0], self.width_profile[1]) ** 2
        level = level * window_gate(n, fs, j0, self.windows)
        out[0] = level * draws[:, 0]
        out[1] = level * draws[:, 1]
        return out
