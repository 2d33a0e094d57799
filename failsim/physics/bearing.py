"""Rolling-bearing kinematics, load-zone distribution and friction.

A rolling bearing with the outer race fixed and the inner race turning with the shaft at f_r has
four characteristic frequencies, set by its geometry alone (Z rolling elements of diameter d on a
pitch circle of diameter D, contact angle α, r = (d / D) cos α)::

    FTF  = (f_r / 2)(1 - r)          cage (fundamental train) frequency
    BPFO = (Z f_r / 2)(1 - r)        ball pass frequency, outer race
    BPFI = (Z f_r / 2)(1 + r)        ball pass frequency, inner race
    BSF  = (D f_r / 2 d)(1 - r²)     ball spin frequency

They assume pure rolling; a real bearing slips by 1-2 %, so measured lines sit slightly off these
values. A localised defect on a race is struck once per element pass; a defect on a ball strikes
both races once per spin, hence a ball fault shows at 2 BSF.

The radial load is carried by the elements inside a load zone; the Stribeck/Harris law gives the
share of each element as a function of its angle from the load line. The constant-coefficient
friction torque lives in :mod:`failsim.physics.mechanics` and is re-exported here under the name
:func:`friction_torque_constant_mu_n_m`; the Palmgren model separates the speed- and
load-dependent parts.

References
----------
.. [1] T. A. Harris, M. N. Kotzalas, *Rolling Bearing Analysis*, 5th ed., CRC Press, 2006.
.. [2] P. D. McFadden, J. D. Smith, "Model for the vibration produced by a single point defect in
   a rolling element bearing", J. Sound Vib. 96(1), 1984.
.. [3] R. B. Randall, J. Antoni, "Rolling element bearing diagnostics - A tutorial", Mech. Syst.
   Signal Process. 25(2), 2011.
.. [4] N. Sawalhi, R. B. Randall, "Vibration response of spalled rolling element bearings:
   Observations, simulations and signal processing techniques to track the spall size", Mech.
   Syst. Signal Process. 25(3), 2011.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from failsim.physics.mechanics import bearing_friction_torque_n_m

__all__ = [
    "BearingGeometry",
    "CharacteristicFrequencies",
    "ball_defect_frequency",
    "characteristic_frequencies",
    "defect_drop_depth_m",
    "friction_torque_constant_mu_n_m",
    "load_zone_half_angle_rad",
    "load_zone_weights",
    "multipliers",
    "palmgren_friction_torque_n_m",
    "spall_transit_time_s",
]

FloatOrArray = float | np.ndarray

#: Constant-coefficient friction torque M = 0.5 μ F d, N m (the same function as
#: :func:`failsim.physics.mechanics.bearing_friction_torque_n_m`).
friction_torque_constant_mu_n_m = bearing_friction_torque_n_m


def _as_output(x: np.ndarray) -> FloatOrArray:
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def _finite_positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")


@dataclass(frozen=True)
class BearingGeometry:
    """Internal geometry of a rolling bearing.

    Parameters
    ----------
    n_elements : int
        Number of rolling elements Z (>= 1).
    element_diameter_m : float
        Ball or roller diameter d, m (> 0).
    pitch_diameter_m : float
        Pitch diameter D, m: diameter of the circle through the element centres (> d).
    contact_angle_deg : float, optional
        Contact angle α, degrees (0 <= α < 90); 0 for a deep-groove ball bearing under radial
        load.

    Raises
    ------
    ValueError
        If a value is not finite, not positive, d >= D, or α is outside [0, 90).
    """

    n_elements: int
    element_diameter_m: float
    pitch_diameter_m: float
    contact_angle_deg: float = 0.0

    def __post_init__(self) -> None:
        z = self.n_elements
        if isinstance(z, bool) or not isinstance(z, (int, np.integer)) or z < 1:
            raise ValueError(f"n_elements must be an integer >= 1, got {z!r}")
        _finite_positive("element_diameter_m", self.element_diameter_m)
        _finite_positive("pitch_diameter_m", self.pitch_diameter_m)
        if not self.element_diameter_m < self.pitch_diameter_m:
            raise ValueError(
                "element_diameter_m must be smaller than pitch_diameter_m, got "
                f"d = {self.element_diameter_m!r} m, D = {self.pitch_diameter_m!r} m"
            )
        angle = self.contact_angle_deg
        if not (math.isfinite(angle) and 0.0 <= angle < 90.0):
            raise ValueError(f"contact_angle_deg must be in [0, 90), got {angle!r}")

    @property
    def diameter_ratio(self) -> float:
        """r = (d / D) cos α, dimensionless (0 < r < 1)."""
        return (
            self.element_diameter_m
            / self.pitch_diameter_m
            * math.cos(math.radians(self.contact_angle_deg))
        )


class CharacteristicFrequencies(NamedTuple):
    """The four kinematic frequencies of a bearing, Hz (multiples of f_r when f_r = 1 Hz).

    Attributes
    ----------
    ftf : float or ndarray
        Fundamental train (cage) frequency.
    bpfo : float or ndarray
        Ball pass frequency, outer race.
    bpfi : float or ndarray
        Ball pass frequency, inner race.
    bsf : float or ndarray
        Ball spin frequency (a ball defect shows at 2 BSF, see :func:`ball_defect_frequency`).
    """

    ftf: FloatOrArray
    bpfo: FloatOrArray
    bpfi: FloatOrArray
    bsf: FloatOrArray


def characteristic_frequencies(
    geometry: BearingGeometry, shaft_hz: ArrayLike
) -> CharacteristicFrequencies:
    """Characteristic defect frequencies of a bearing with the outer race fixed.

    Parameters
    ----------
    geometry : BearingGeometry
        Number of elements, element and pitch diameters, contact angle.
    shaft_hz : float or array_like
        Shaft (inner-race) rotation frequency f_r, Hz. Any shape; negative values give the
        frequencies with a negative sign (reverse rotation).

    Returns
    -------
    CharacteristicFrequencies
        (ftf, bpfo, bpfi, bsf), Hz, each a float for a scalar ``shaft_hz`` and an array of its
        shape otherwise.

    Notes
    -----
    With r = (d / D) cos α and pure rolling:

    .. math::

        \\mathrm{FTF} = \\frac{f_r}{2}(1 - r), \\quad
        \\mathrm{BPFO} = \\frac{Z f_r}{2}(1 - r), \\quad
        \\mathrm{BPFI} = \\frac{Z f_r}{2}(1 + r), \\quad
        \\mathrm{BSF} = \\frac{D f_r}{2 d}(1 - r^2)

    so that BPFO + BPFI = Z f_r, BPFO = Z FTF and BPFI = Z (f_r - FTF). For the CWRU drive-end
    SKF 6205 (Z = 9, d = 0.3126 in, D = 1.537 in) the multipliers are 0.3983, 3.5848, 5.4152
    and 2.3567. Slip makes measured lines 1-2 % lower; search ±2-3 % bands.

    References
    ----------
    .. [1] Harris & Kotzalas, *Rolling Bearing Analysis*.
    .. [2] Randall & Antoni, MSSP 25(2), 2011.
    """
    fr = np.asarray(shaft_hz, dtype=float)
    r = geometry.diameter_ratio
    z = float(geometry.n_elements)
    d_over = geometry.pitch_diameter_m / geometry.element_diameter_m
    ftf = 0.5 * fr * (1.0 - r)
    bpfo = 0.5 * z * fr * (1.0 - r)
    bpfi = 0.5 * z * fr * (1.0 + r)
    bsf = 0.5 * d_over * fr * (1.0 - r * r)
    return CharacteristicFrequencies(
        _as_output(ftf), _as_output(bpfo), _as_output(bpfi), _as_output(bsf)
    )


def multipliers(geometry: BearingGeometry) -> CharacteristicFrequencies:
    """Characteristic frequencies as multiples of the shaft frequency.

    Parameters
    ----------
    geometry : BearingGeometry
        Bearing geometry.

    Returns
    -------
    CharacteristicFrequencies
        (ftf, bpfo, bpfi, bsf) per unit shaft frequency (dimensionless "orders").

    Notes
    -----
    Equal to :func:`characteristic_frequencies` at f_r = 1 Hz; every line is proportional to
    f_r, so ``characteristic_frequencies(g, f) == f * multipliers(g)``.
    """
    return characteristic_frequencies(geometry, 1.0)


def ball_defect_frequency(geometry: BearingGeometry, shaft_hz: ArrayLike) -> FloatOrArray:
    """Impact rate of a localised defect on a rolling element, Hz.

    Parameters
    ----------
    geometry : BearingGeometry
        Bearing geometry.
    shaft_hz : float or array_like
        Shaft frequency f_r, Hz.

    Returns
    -------
    float or ndarray
        2 BSF, Hz.

    Notes
    -----
    A ball defect strikes the inner and the outer race once per spin revolution:

    .. math:: f_\\mathrm{ball} = 2\\,\\mathrm{BSF} = \\frac{D f_r}{d}(1 - r^2)

    The impacts are modulated at the cage frequency FTF as the ball moves through the load zone.
    CWRU lists 2 BSF = 4.7135 f_r for its drive-end 6205.
    """
    return _as_output(2.0 * np.asarray(characteristic_frequencies(geometry, shaft_hz).bsf))


def _half_angle(epsilon: float) -> float:
    if not (math.isfinite(epsilon) and epsilon > 0.0):
        raise ValueError(f"epsilon must be finite and > 0, got {epsilon!r}")
    return math.acos(max(1.0 - 2.0 * epsilon, -1.0))


def load_zone_half_angle_rad(epsilon: float) -> float:
    """Half-width of the loaded arc of a radially loaded bearing.

    Parameters
    ----------
    epsilon : float
        Load distribution factor ε = (1 - P_d / 2δ_r) / 2 (> 0), with P_d the diametral
        clearance and δ_r the radial deflection: the projection of the loaded arc on the bearing
        diameter, as a fraction of it. 0.5 for zero clearance, smaller with clearance, 1 or more
        when preloaded (every element loaded).

    Returns
    -------
    float
        Load-zone half-angle ψ_l, rad, in (0, π]. π when ε >= 1.

    Notes
    -----
    The Stribeck bracket 1 - (1 - cos ψ)/(2ε) vanishes at

    .. math:: ψ_l = \\arccos(1 - 2ε)

    so ε = 0.5 gives ±90° and ε = 0.25 gives ±60°.

    References
    ----------
    .. [1] Harris & Kotzalas, *Rolling Bearing Analysis*, load distribution in radially
       loaded bearings.
    """
    return _half_angle(epsilon)


def load_zone_weights(
    angles_rad: ArrayLike,
    load_zone_half_angle_rad: float | None = None,
    epsilon: float | None = None,
    exponent: float = 1.5,
) -> FloatOrArray:
    """Relative load on a rolling element at an angle from the load line (Stribeck/Harris).

    Parameters
    ----------
    angles_rad : float or array_like
        Angle ψ of the element from the direction of the radial load, rad; any value (wrapped to
        (-π, π]).
    load_zone_half_angle_rad : float, optional
        Half-width ψ_l of the loaded arc, rad, in (0, π]. It fixes ε = (1 - cos ψ_l) / 2; give
        either this or ``epsilon`` (if both are given they must agree).
    epsilon : float, optional
        Load distribution factor ε (> 0). Defaults to 0.5 (zero clearance, ±90°) when neither it
        nor ``load_zone_half_angle_rad`` is given.
    exponent : float, optional
        Load-deflection exponent n: 3/2 for point contact (balls), 10/9 for line contact
        (rollers).

    Returns
    -------
    float or ndarray
        q(ψ) / q_max in [0, 1]: 1 on the load line, 0 outside the load zone.

    Raises
    ------
    ValueError
        If ``epsilon`` and ``load_zone_half_angle_rad`` disagree, or a value is out of range.

    Notes
    -----
    .. math::

        \\frac{q(ψ)}{q_\\max} = \\left[1 - \\frac{1 - \\cos ψ}{2 ε}\\right]^n
        \\quad \\text{for } |ψ| < ψ_l = \\arccos(1 - 2ε), \\text{ else } 0

    McFadden & Smith (1984) use this law to modulate the impacts of an inner-race defect, which
    passes through the load zone once per shaft turn.

    References
    ----------
    .. [1] Harris & Kotzalas, *Rolling Bearing Analysis*.
    .. [2] McFadden & Smith, J. Sound Vib. 96(1), 1984.
    """
    if not (math.isfinite(exponent) and exponent > 0.0):
        raise ValueError(f"exponent must be finite and > 0, got {exponent!r}")
    if load_zone_half_angle_rad is not None:
        psi_l = float(load_zone_half_angle_rad)
        if not (math.isfinite(psi_l) and 0.0 < psi_l <= math.pi):
            raise ValueError(f"load_zone_half_angle_rad must be in (0, π], got {psi_l!r}")
        eps_from_angle = 0.5 * (1.0 - math.cos(psi_l))
        if epsilon is not None:
            if not math.isclose(_half_angle(epsilon), psi_l, rel_tol=1e-9, abs_tol=1e-12):
                raise ValueError(
                    f"epsilon = {epsilon!r} implies a load-zone half-angle of "
                    f"{_half_angle(epsilon)!r} rad, not {psi_l!r} rad; give one of them"
                )
        eps = float(epsilon) if epsilon is not None else eps_from_angle
    else:
        eps = 0.5 if epsilon is None else float(epsilon)
        psi_l = _half_angle(eps)
    psi = np.angle(np.exp(1j * np.asarray(angles_rad, dtype=float)))
    bracket = 1.0 - (1.0 - np.cos(psi)) / (2.0 * eps)
    inside = (np.abs(psi) < psi_l) & (bracket > 0.0)
    q = np.where(inside, np.clip(bracket, 0.0, None), 0.0) ** exponent
    return _as_output(q)


def palmgren_friction_torque_n_m(
    speed_rpm: ArrayLike,
    kinematic_viscosity_cst: ArrayLike,
    mean_diameter_mm: float,
    load_n: ArrayLike,
    static_load_rating_n: float,
    f0: float = 1.5,
    z: float = 0.0005,
    y: float = 0.55,
    static_equivalent_load_n: ArrayLike | None = None,
) -> FloatOrArray:
    """Friction torque of a rolling bearing, Palmgren's model M = M_0 + M_1.

    Parameters
    ----------
    speed_rpm : float or array_like
        Speed of the rotating ring n, rpm (the sign is ignored).
    kinematic_viscosity_cst : float or array_like
        Kinematic viscosity of the lubricant at operating temperature ν, cSt (mm²/s, > 0); for
        grease, that of the base oil.
    mean_diameter_mm : float
        Mean bearing diameter d_m = (bore + outside diameter) / 2, mm (> 0).
    load_n : float or array_like
        Load that sets the load-dependent moment F_β, N (>= 0); the radial load for a radially
        loaded deep-groove ball bearing.
    static_load_rating_n : float
        Basic static load rating C_0, N (> 0).
    f0 : float, optional
        Lubrication factor: about 0.7-2 for grease or oil mist, up to 4 in an oil bath; 1.5 is a
        grease-lubricated deep-groove ball bearing.
    z : float, optional
        Load factor of M_1, about 0.0004-0.0006 for deep-groove ball bearings.
    y : float, optional
        Load exponent of M_1, about 0.55 for deep-groove ball bearings.
    static_equivalent_load_n : float or array_like, optional
        Static equivalent load P_0, N, in the ratio P_0 / C_0; defaults to ``load_n`` (pure
        radial load).

    Returns
    -------
    float or ndarray
        Frictional moment M, N m.

    Notes
    -----
    With ν in cSt, n in rpm, d_m in mm and the moments in N mm:

    .. math::

        M_0 = \\begin{cases} 10^{-7} f_0 (ν n)^{2/3} d_m^3 & ν n \\ge 2000 \\\\
                             160 \\cdot 10^{-7} f_0 d_m^3 & ν n < 2000 \\end{cases}

        M_1 = z \\left(\\frac{P_0}{C_0}\\right)^y F_β d_m

    M_0 is the viscous (speed-dependent) part, M_1 the load-dependent part. The two branches of
    M_0 meet at ν n = 2000 to within 1 %. Example: a 6205 (d_m = 38.5 mm, C_0 = 7.8 kN) at
    1500 rpm with 30 cSt, 1 kN and f_0 = 1.5 gives M_0 ≈ 10.8 N mm, M_1 ≈ 6.2 N mm
    (z = 0.0005), about 0.017 N m in all.

    References
    ----------
    .. [1] Harris & Kotzalas, *Rolling Bearing Analysis*, friction torque (Palmgren).
    """
    _finite_positive("mean_diameter_mm", mean_diameter_mm)
    _finite_positive("static_load_rating_n", static_load_rating_n)
    for name, value in (("f0", f0), ("z", z), ("y", y)):
        if not (math.isfinite(value) and value >= 0.0):
            raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    n = np.abs(np.asarray(speed_rpm, dtype=float))
    nu = np.asarray(kinematic_viscosity_cst, dtype=float)
    load = np.asarray(load_n, dtype=float)
    p0 = load if static_equivalent_load_n is None else np.asarray(static_equivalent_load_n, float)
    if np.any(nu <= 0.0):
        raise ValueError("kinematic_viscosity_cst must be > 0")
    if np.any(load < 0.0) or np.any(p0 < 0.0):
        raise ValueError("load_n and static_equivalent_load_n must be >= 0")
    dm = float(mean_diameter_mm)
    nu_n = nu * n
    m0 = np.where(
        nu_n >= 2000.0,
        1e-7 * f0 * np.cbrt(nu_n) ** 2 * dm**3,
        160e-7 * f0 * dm**3,
    )
    m1 = z * (p0 / static_load_rating_n) ** y * load * dm
    return _as_output((m0 + m1) * 1e-3)


def spall_transit_time_s(
    spall_length_m: ArrayLike, pitch_diameter_m: float, ftf_hz: ArrayLike
) -> FloatOrArray:
    """Time a rolling element takes to cross an extended spall (entry to exit event).

    Parameters
    ----------
    spall_length_m : float or array_like
        Length L of the spall along the raceway, m (>= 0).
    pitch_diameter_m : float
        Pitch diameter D, m (> 0).
    ftf_hz : float or array_like
        Cage frequency FTF, Hz (> 0).

    Returns
    -------
    float or ndarray
        Δt between the soft entry event and the exit impact, s.

    Notes
    -----
    The element centres travel round the pitch circle at the cage speed, v = π D FTF, so

    .. math:: Δt = \\frac{L}{π D \\, \\mathrm{FTF}}

    A 1 mm spall in a 6205 (D = 39.04 mm, FTF = 0.3983 f_r) at f_r = 30 Hz gives
    1e-3 / (π · 0.03904 · 11.95) = 0.68 ms. This is the time on an outer-race spall; on the
    rotating inner race the relative speed is π D (f_r - FTF), shorter by FTF / (f_r - FTF).

    References
    ----------
    .. [1] Sawalhi & Randall, MSSP 25(3), 2011.
    """
    _finite_positive("pitch_diameter_m", pitch_diameter_m)
    length = np.asarray(spall_length_m, dtype=float)
    ftf = np.asarray(ftf_hz, dtype=float)
    if np.any(length < 0.0):
        raise ValueError("spall_length_m must be >= 0")
    if np.any(~(ftf > 0.0)):
        raise ValueError("ftf_hz must be > 0")
    return _as_output(length / (math.pi * pitch_diameter_m * ftf))


def defect_drop_depth_m(width_m: ArrayLike, element_diameter_m: float) -> FloatOrArray:
    """Depth by which a rolling element's centre drops into a localised defect.

    Parameters
    ----------
    width_m : float or array_like
        Width w of the defect along the rolling direction, m (>= 0).
    element_diameter_m : float
        Rolling-element diameter d, m (> 0).

    Returns
    -------
    float or ndarray
        Drop h of the element's centre, m: the sagitta of the element's circle over a chord
        of the defect's width (d/2 for a defect as wide as the element or wider).

    Notes
    -----
    The element rests on the two edges of a defect narrower than itself, its centre lowered
    by the sagitta of its circle over the chord w (the defect deeper than that):

    .. math:: h = \\frac{d}{2} - \\sqrt{\\left(\\frac{d}{2}\\right)^2
              - \\left(\\frac{w}{2}\\right)^2} \\approx \\frac{w^2}{4 d}

    A 0.3 mm wide defect under a 15.08 mm ball (6308) lets it drop 1.49 µm. The element
    carrying a load Q must be lifted out again at the far edge, which costs Q h per passage
    (the energy a bearing defect dissipates, docs/faults/bearing-defects.md).
    """
    _finite_positive("element_diameter_m", element_diameter_m)
    w = np.asarray(width_m, dtype=float)
    if np.any(w < 0.0):
        raise ValueError("width_m must be >= 0")
    r = 0.5 * element_diameter_m
    half = np.minimum(0.5 * w, r)
    return _as_output(r - np.sqrt(r * r - half * half))
