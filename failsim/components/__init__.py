"""Frozen dataclasses that declare each part of a machine: parameters with units.

They are built from a validated :class:`failsim.spec.MachineSpec` by
:func:`failsim.components.machine.Machine.from_spec` and packed into arrays for the kernels by
:mod:`failsim.kernels.pack`.
"""

from .machine import Machine

__all__ = ["Machine"]
