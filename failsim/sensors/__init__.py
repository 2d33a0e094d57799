"""Sensor and acquisition chains: transducer dynamics, gain error, noise, sampling,
quantisation and clipping. Each chain carries its filter state and random generator across
chunks, so the result does not depend on how a run is split."""
