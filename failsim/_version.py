"""failsim's version, read by the build and written into every output file."""

__version__ = "0.1.0"
