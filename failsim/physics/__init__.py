"""Pure physics functions: numbers and arrays in, numbers and arrays out.

Each module covers one physical topic and documents its equations and sources:

- :mod:`failsim.physics.induction_motor`: steady-state equivalent circuit of the squirrel-cage
  induction motor, breakdown and locked-rotor points, Clarke and Park transforms.
- :mod:`failsim.physics.thermal`: lumped thermal networks, temperature-dependent resistance,
  shaft-fan cooling.
- :mod:`failsim.physics.overload_relay`: thermal-replica overload relay with IEC trip classes.
- :mod:`failsim.physics.mechanics`: load-torque laws, coast-down, torsional frequency,
  bearing friction.
- :mod:`failsim.physics.bearing`: rolling-bearing kinematics (characteristic frequencies),
  load zone, Palmgren friction, spall transit time.

All quantities are SI; every parameter name carries its unit.
"""

from __future__ import annotations
