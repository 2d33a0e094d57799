"""Vibration synthesis: forces from the kinematic trace, through the machine's structural
modes, into accelerometers and their DAQ.

A stage of its own: it needs only a kinematic trace (shaft angle and speed, air-gap flux),
so it can run on a trace simulated by failsim or derived from a real recording.
"""
