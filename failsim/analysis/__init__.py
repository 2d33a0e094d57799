"""Signal analysis: spectra, envelope analysis, condition indicators, real reference data.

- :mod:`failsim.analysis.spectra`: amplitude and (squared-)envelope spectra, line prominence,
  RMS / kurtosis / crest factor, velocity RMS and ISO 10816 / 20816 zones.
- :mod:`failsim.analysis.cwru`: the CWRU Bearing Data Center recordings (real data, not shipped
  with failsim), used to check the tools and to compare simulated signatures with measured
  ones. Imported on demand (it needs pandas).
- :mod:`failsim.analysis.modal_fit`: structural modes fitted to a measured acceleration ASD
  (how the CWRU rig was calibrated to its normal baseline).
- :mod:`failsim.analysis.speed`: shaft speed and line frequency read from a recording.
- :mod:`failsim.analysis.calibrate`: a machine's vibration model calibrated to a healthy
  recording (``failsim calibrate``); :mod:`failsim.analysis.calibrate_io` reads the recording
  and writes the calibrated machine and its picture.
- :mod:`failsim.analysis.plot`: the picture behind ``failsim plot``.
- :mod:`failsim.analysis.inject`: simulated faults added to a real healthy recording (hybrid
  data). Imported on demand.
"""

from __future__ import annotations

from failsim.analysis.spectra import (
    ISO_10816_ZONE_LIMITS_MM_S,
    amplitude_spectrum,
    analytic_signal,
    crest_factor,
    db_above_local_median,
    envelope_spectrum,
    iso10816_zone,
    kurtosis,
    peak_near,
    rms,
    squared_envelope_spectrum,
    velocity_rms_mm_s,
)

__all__ = [
    "ISO_10816_ZONE_LIMITS_MM_S",
    "amplitude_spectrum",
    "analytic_signal",
    "crest_factor",
    "db_above_local_median",
    "envelope_spectrum",
    "iso10816_zone",
    "kurtosis",
    "peak_near",
    "rms",
    "squared_envelope_spectrum",
    "velocity_rms_mm_s",
]
