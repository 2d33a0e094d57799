"""Discrete items on a belt conveyor, simulated with PyBullet rigid-body contact.

Optional: ``pip install 'failsim[contact]'`` brings PyBullet. The core of failsim imports and
runs without it; :func:`require_pybullet` gives one clear message when a contact model is
asked for without it.
"""

from __future__ import annotations

from ..errors import MissingDependencyError

__all__ = ["require_pybullet"]


def require_pybullet():
    """The ``pybullet`` module, or a :class:`~failsim.errors.MissingDependencyError`."""
    try:
        import pybullet
    except ImportError:
        raise MissingDependencyError(
            "the contact model (items on the belt) needs PyBullet: pip install 'failsim[contact]'"
        ) from None
    return pybullet
