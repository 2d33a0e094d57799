"""Gearbox: speed ratio, reflected inertia and torque with losses, gear-mesh frequencies.

A gearbox of ratio i = ω_in / ω_out (i > 1 for a speed reducer) and efficiency η links a motor
(input) to a load (output). Losses always reduce the power that passes through, whichever way
it flows:

- motoring (the input drives the load, P_out = T_out ω_out > 0): P_in = P_out / η;
- regenerating (the load drives the input, P_out < 0: an overhauling load, or the load's
  inertia during a braking ramp): |P_in| = η |P_out|.

Torques follow the sign convention of :mod:`failsim.physics.mechanics`: the load torque
T_out opposes a positive output rotation, and the torque referred to the input, T_in, is the
torque the motor must supply at steady speed. Gear backlash and mesh stiffness are not
modelled here.

References
----------
.. [1] G. Niemann, H. Winter, *Maschinenelemente*, Band II (Getriebe), Springer.
.. [2] W. Leonhard, *Control of Electrical Drives*, Springer (reduction of inertia and
   torque through a gear).
.. [3] R. B. Randall, *Vibration-based Condition Monitoring*, Wiley (gear-mesh and
   hunting-tooth frequencies).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "GearPowers",
    "gear_loss_w",
    "gear_mesh_frequency_hz",
    "gear_ratio",
    "hunting_tooth_frequency_hz",
    "input_speed_rad_s",
    "output_speed_rad_s",
    "power_balance",
    "reflected_inertia_kg_m2",
    "reflected_torque_n_m",
]

FloatOrArray = float | np.ndarray


def _as_output(x: np.ndarray) -> FloatOrArray:
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def _ratio(ratio: float) -> None:
    if not (math.isfinite(ratio) and ratio > 0.0):
        raise ValueError(f"ratio must be finite and > 0, got {ratio!r}")


def _efficiency(name: str, value: float) -> None:
    if not (math.isfinite(value) and 0.0 < value <= 1.0):
        raise ValueError(f"{name} must be in (0, 1], got {value!r}")


def _finite_array(name: str, value: ArrayLike) -> np.ndarray:
    x = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return x


def _teeth(name: str, value: int) -> None:
    if isinstance(value, bool) or not float(value).is_integer() or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")


def gear_ratio(teeth_driver: int, teeth_driven: int) -> float:
    """Speed ratio of a gear pair from its tooth counts.

    Parameters
    ----------
    teeth_driver : int
        Teeth of the driving (input) gear z_1 (>= 1).
    teeth_driven : int
        Teeth of the driven (output) gear z_2 (>= 1).

    Returns
    -------
    float
        i = ω_in / ω_out = z_2 / z_1 (> 1 for a reducer).

    Notes
    -----
    Equal pitch-line velocity of the two gears gives ω_1 z_1 = ω_2 z_2. The ratio of a
    multi-stage gearbox is the product of its stage ratios, and its efficiency the product of
    the stage efficiencies.

    References
    ----------
    .. [1] Niemann & Winter, *Maschinenelemente*, Band II.
    """
    _teeth("teeth_driver", teeth_driver)
    _teeth("teeth_driven", teeth_driven)
    return teeth_driven / teeth_driver


def output_speed_rad_s(input_speed_rad_s: ArrayLike, ratio: float) -> FloatOrArray:
    """Output speed of a gearbox.

    Parameters
    ----------
    input_speed_rad_s : float or array_like
        Input (motor-side) speed ω_in, rad/s.
    ratio : float
        Gear ratio i = ω_in / ω_out (> 0).

    Returns
    -------
    float or ndarray
        ω_out = ω_in / i, rad/s.

    Notes
    -----
    A rigid gearbox: no backlash, no torsional compliance.

    References
    ----------
    .. [1] Niemann & Winter, *Maschinenelemente*, Band II.
    """
    _ratio(ratio)
    return _as_output(_finite_array("input_speed_rad_s", input_speed_rad_s) / ratio)


def input_speed_rad_s(output_speed_rad_s: ArrayLike, ratio: float) -> FloatOrArray:
    """Input speed of a gearbox from its output speed.

    Parameters
    ----------
    output_speed_rad_s : float or array_like
        Output (load-side) speed ω_out, rad/s.
    ratio : float
        Gear ratio i = ω_in / ω_out (> 0).

    Returns
    -------
    float or ndarray
        ω_in = i ω_out, rad/s.

    Notes
    -----
    The inverse of :func:`output_speed_rad_s`.

    References
    ----------
    .. [1] Niemann & Winter, *Maschinenelemente*, Band II.
    """
    _ratio(ratio)
    return _as_output(_finite_array("output_speed_rad_s", output_speed_rad_s) * ratio)


def reflected_inertia_kg_m2(load_inertia_kg_m2: ArrayLike, ratio: float) -> FloatOrArray:
    """Load inertia referred to the input (motor) shaft.

    Parameters
    ----------
    load_inertia_kg_m2 : float or array_like
        Inertia on the output shaft J_L, kg m² (>= 0).
    ratio : float
        Gear ratio i = ω_in / ω_out (> 0).

    Returns
    -------
    float or ndarray
        J_eq = J_L / i², kg m².

    Notes
    -----
    Equal kinetic energy on both sides: ½ J_L ω_out² = ½ J_eq ω_in² with ω_out = ω_in / i.
    Gear losses do not enter: they act on the transmitted torque, not on the stored energy.
    Some texts use J_L / (i² η) to charge the loss on the accelerating torque while motoring;
    here that loss is applied by :func:`reflected_torque_n_m` to the full torque transmitted
    to the load, its inertial part J_L dω_out/dt included.

    References
    ----------
    .. [1] Leonhard, *Control of Electrical Drives*.
    """
    _ratio(ratio)
    j = _finite_array("load_inertia_kg_m2", load_inertia_kg_m2)
    if np.any(j < 0.0):
        raise ValueError(f"load_inertia_kg_m2 must be >= 0, got {load_inertia_kg_m2!r}")
    return _as_output(j / ratio**2)


def reflected_torque_n_m(
    load_torque_n_m: ArrayLike,
    ratio: float,
    efficiency: float,
    output_speed_rad_s: ArrayLike,
    efficiency_reverse: float | None = None,
) -> FloatOrArray:
    """Load torque referred to the input shaft, with the gear loss in the right direction.

    Parameters
    ----------
    load_torque_n_m : float or array_like
        Torque the output shaft transmits to the load T_out, N m; positive opposes a
        positive output rotation. In a transient this includes the load's inertial torque.
    ratio : float
        Gear ratio i = ω_in / ω_out (> 0).
    efficiency : float
        Efficiency η when the input drives the output, 0 < η <= 1.
    output_speed_rad_s : float or array_like
        Output speed ω_out, rad/s; its sign with that of T_out decides the power flow.
    efficiency_reverse : float, optional
        Efficiency η_r when the output drives the input (back-driving), 0 < η_r <= 1; ``None``
        uses ``efficiency``. Worm gears back-drive with a much lower efficiency (self-locking
        ones, η_r <= 0, are outside this model).

    Returns
    -------
    float or ndarray
        Torque required at the input T_in, N m.

    Notes
    -----
    With the output power P_out = T_out ω_out:

    .. math::

        T_{in} = \\frac{T_{out}}{i η} \\quad (P_{out} \\ge 0, \\text{ motoring}), \\qquad
        T_{in} = \\frac{η_r T_{out}}{i} \\quad (P_{out} < 0, \\text{ regenerating})

    so that P_in = T_in ω_in = P_out / η when motoring and P_in = η_r P_out when the load
    drives: the loss P_in - P_out is never negative. At ω_out = 0 no power flows and the
    motoring form is used. The switch of form where P_out changes sign is a real
    discontinuity (gear friction is Coulomb-like); a kernel may smooth it over a small speed.

    References
    ----------
    .. [1] Niemann & Winter, *Maschinenelemente*, Band II (efficiency in both directions).
    .. [2] Leonhard, *Control of Electrical Drives*.
    """
    _ratio(ratio)
    _efficiency("efficiency", efficiency)
    eta_r = efficiency if efficiency_reverse is None else efficiency_reverse
    _efficiency("efficiency_reverse", eta_r)
    t_out = _finite_array("load_torque_n_m", load_torque_n_m)
    w_out = _finite_array("output_speed_rad_s", output_speed_rad_s)
    regenerating = t_out * w_out < 0.0
    t_in = np.where(regenerating, eta_r * t_out / ratio, t_out / (ratio * efficiency))
    return _as_output(t_in)


def gear_loss_w(
    output_power_w: ArrayLike, efficiency: float, efficiency_reverse: float | None = None
) -> FloatOrArray:
    """Power lost in a gearbox for a given output power.

    Parameters
    ----------
    output_power_w : float or array_like
        Power delivered to the load P_out = T_out ω_out, W (negative when the load drives).
    efficiency : float
        Efficiency η when the input drives the output, 0 < η <= 1.
    efficiency_reverse : float, optional
        Efficiency η_r when the output drives the input; ``None`` uses ``efficiency``.

    Returns
    -------
    float or ndarray
        P_loss >= 0, W.

    Notes
    -----
    .. math::

        P_{loss} = P_{out} (1/η - 1) \\quad (P_{out} \\ge 0), \\qquad
        P_{loss} = |P_{out}| (1 - η_r) \\quad (P_{out} < 0)

    References
    ----------
    .. [1] Niemann & Winter, *Maschinenelemente*, Band II.
    """
    _efficiency("efficiency", efficiency)
    eta_r = efficiency if efficiency_reverse is None else efficiency_reverse
    _efficiency("efficiency_reverse", eta_r)
    p = _finite_array("output_power_w", output_power_w)
    loss = np.where(p >= 0.0, p * (1.0 / efficiency - 1.0), -p * (1.0 - eta_r))
    return _as_output(loss)


class GearPowers(NamedTuple):
    """Power flows through a gearbox.

    Attributes
    ----------
    input_power_w : float or ndarray
        Power flowing from the motor into the gearbox P_in = T_in ω_in, W.
    output_power_w : float or ndarray
        Power flowing from the gearbox into the load P_out = T_out ω_out, W.
    loss_w : float or ndarray
        P_loss = P_in - P_out, W (>= 0 for a physical gearbox, whichever way power flows).
    """

    input_power_w: FloatOrArray
    output_power_w: FloatOrArray
    loss_w: FloatOrArray


def power_balance(
    input_torque_n_m: ArrayLike,
    input_speed_rad_s: ArrayLike,
    output_torque_n_m: ArrayLike,
    output_speed_rad_s: ArrayLike,
) -> GearPowers:
    """Power balance of a gearbox from its shaft torques and speeds (a check on a simulation).

    Parameters
    ----------
    input_torque_n_m : float or array_like
        Torque the motor applies to the input shaft T_in, N m.
    input_speed_rad_s : float or array_like
        Input speed ω_in, rad/s.
    output_torque_n_m : float or array_like
        Torque the output shaft applies to the load T_out, N m.
    output_speed_rad_s : float or array_like
        Output speed ω_out, rad/s.

    Returns
    -------
    GearPowers
        Input power, output power and loss.

    Notes
    -----
    .. math:: P_{in} = P_{out} + P_{loss}

    with P_in = T_in ω_in, P_out = T_out ω_out. A simulation is consistent when P_loss >= 0 and
    equals :func:`gear_loss_w` of P_out (energy stored in a compliant gearbox aside).

    References
    ----------
    .. [1] Niemann & Winter, *Maschinenelemente*, Band II.
    """
    p_in = _finite_array("input_torque_n_m", input_torque_n_m) * _finite_array(
        "input_speed_rad_s", input_speed_rad_s
    )
    p_out = _finite_array("output_torque_n_m", output_torque_n_m) * _finite_array(
        "output_speed_rad_s", output_speed_rad_s
    )
    return GearPowers(
        input_power_w=_as_output(p_in),
        output_power_w=_as_output(p_out),
        loss_w=_as_output(p_in - p_out),
    )


def gear_mesh_frequency_hz(teeth: int, shaft_hz: ArrayLike) -> FloatOrArray:
    """Gear-mesh frequency.

    Parameters
    ----------
    teeth : int
        Tooth count z of a gear (>= 1).
    shaft_hz : float or array_like
        Rotation frequency of that gear's shaft f, Hz.

    Returns
    -------
    float or ndarray
        f_mesh = z |f|, Hz.

    Notes
    -----
    .. math:: f_{mesh} = z_1 f_1 = z_2 f_2

    The same for both gears of a pair. Its harmonics carry sidebands at the two shaft
    frequencies (eccentricity, a local tooth fault).

    References
    ----------
    .. [1] Randall, *Vibration-based Condition Monitoring*, gear diagnostics.
    """
    _teeth("teeth", teeth)
    return _as_output(teeth * np.abs(_finite_array("shaft_hz", shaft_hz)))


def hunting_tooth_frequency_hz(
    teeth_driver: int, teeth_driven: int, driver_shaft_hz: ArrayLike
) -> FloatOrArray:
    """Hunting-tooth frequency of a gear pair: how often the same two teeth meet again.

    Parameters
    ----------
    teeth_driver : int
        Teeth of the driving gear z_1 (>= 1).
    teeth_driven : int
        Teeth of the driven gear z_2 (>= 1).
    driver_shaft_hz : float or array_like
        Rotation frequency of the driving shaft f_1, Hz.

    Returns
    -------
    float or ndarray
        f_HT, Hz.

    Notes
    -----
    A given tooth pair re-meshes every lcm(z_1, z_2) tooth meshes:

    .. math:: f_{HT} = \\frac{f_{mesh}}{\\operatorname{lcm}(z_1, z_2)}
        = \\frac{z_1 f_1 \\gcd(z_1, z_2)}{z_1 z_2}

    With coprime tooth counts (a "hunting" pair) this is f_1 / z_2 = f_2 / z_1: every tooth
    meets every other. A common factor makes the same pairs meet more often, which concentrates
    wear.

    References
    ----------
    .. [1] Randall, *Vibration-based Condition Monitoring*, gear diagnostics.
    """
    _teeth("teeth_driver", teeth_driver)
    _teeth("teeth_driven", teeth_driven)
    z1, z2 = int(teeth_driver), int(teeth_driven)
    lcm = z1 * z2 // math.gcd(z1, z2)
    return _as_output(gear_mesh_frequency_hz(z1, driver_shaft_hz) / np.asarray(float(lcm)))
