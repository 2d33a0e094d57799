"""The vibration stage's model of one accelerometer's spectral density, as the calibration
fits it (:mod:`failsim.analysis.calibrate`): uncorrelated white forces at every bearing, the
machine's modes and shapes, the stage's biquads at the synthesis rate, the accelerometer's
mount as the stage realises it at the recording's rate, the sensor's noise; and the anchoring
of its modes at the recording's resonance peaks (:mod:`failsim.analysis.resonances`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .resonances import EXPLAINED_WITHIN, discovered_modes, line_frequencies, resonance_peaks

__all__ = ["StageModel", "anchor_modes", "participation", "stage_mount"]

#: Full relative width of the median smoothing of the spectral density.
SMOOTHING = 0.03
#: A fitted damping ratio below this is narrower than the smoothing can show: not determined.
DAMPING_RESOLVED = SMOOTHING / 8.0
#: Top of the fitted band, fraction of the sample rate (a DAQ's flat passband).
BAND_TOP = 0.45
#: Oversampling of the vibration stage (the scenario default).
OVERSAMPLE = 2


def stage_mount(acc: dict, fs: float) -> tuple[float, float]:
    """The accelerometer's mount as the vibration stage realises it at sample rate fs: the
    continuous resonance (Hz, damping ratio) whose response best matches the stage's filter
    over 10 Hz - 0.45 fs."""
    from scipy.optimize import least_squares

    from ..components.vibration import accelerometer_from_dict
    from ..vibration.filters import biquad_response
    from ..vibration.stage import _SensorChain
    from .modal_fit import mount_response

    synth = OVERSAMPLE * fs
    chain = _SensorChain(accelerometer_from_dict(acc), 0, synth, round(fs), OVERSAMPLE)
    grid = np.geomspace(10.0, BAND_TOP * fs, 400)
    target = np.log(np.abs(biquad_response(chain.mount, grid, synth)))

    def resid(p: np.ndarray) -> np.ndarray:
        return np.log(np.abs(mount_response(grid, math.exp(p[0]), math.exp(p[1])))) - target

    start = [math.log(acc["mounted_resonance_hz"]), math.log(acc["mounted_damping_ratio"])]
    sol = least_squares(resid, start)
    return float(math.exp(sol.x[0])), float(math.exp(sol.x[1]))


def participation(mode: dict, acc: dict) -> float:
    """The mode's participation at the accelerometer (0 when it moves along another axis)."""
    if mode["direction"] != acc["axis"]:
        return 0.0
    shape = mode.get("shape") or {}
    return 1.0 if not shape else float(shape.get(acc["location"], 0.0))


def anchor_modes(
    f: np.ndarray,
    density: np.ndarray,
    smooth: np.ndarray,
    modes: list[dict],
    fit_idx: list[int],
    acc: dict,
    band: tuple[float, float],
    line_hz: float,
    force: float,
    tolerance: float,
) -> tuple[list[dict], dict[int, float], list[str]]:
    """The recording's resonance peaks in ``band`` (:mod:`failsim.analysis.resonances`) and
    the fitted modes: each peak anchors the nearest fitted mode within 5 % of it (that mode
    starts at the peak), and a peak no mode explains gets a new mode, with a starting modal
    mass whose peak response 1 / (2 zeta m) to the force density ``force`` (N/√Hz) is the
    peak's level; a peak with a fitted mode within ``tolerance`` (the fit's frequency bound)
    is left to the fit. Returns the new modes, the anchors {mode index: peak Hz} and notes."""
    if not band[1] > band[0]:
        return [], {}, []
    lines = line_frequencies(line_hz, None, band[1] * 1.1)
    peaks, _ = resonance_peaks(f, smooth, band, lines_hz=lines, density=density)
    anchors: dict[int, float] = {}
    added: list[dict] = []
    for p in peaks:
        free = [i for i in fit_idx if i not in anchors]
        dist = {i: abs(modes[i]["frequency_hz"] / p - 1.0) for i in free}
        near = min(dist, key=dist.get) if dist else None
        if near is not None and dist[near] <= EXPLAINED_WITHIN:
            anchors[near] = float(f"{p:.5g}")
            continue
        if any(abs(modes[i]["frequency_hz"] / p - 1.0) <= tolerance for i in fit_idx):
            continue  # a mode the fit may move there
        level = float(np.interp(p, f, smooth))
        mass = force / (2.0 * 0.05 * max(level, 1e-12))
        added += discovered_modes(
            [p],
            [],
            axis=acc["axis"],
            location=acc["location"],
            modal_mass_kg=min(max(mass, 1e-3), 1e5),
            taken_names={m["name"] for m in modes + added},
        )
    notes = []
    if added:
        notes.append(
            f"added {len(added)} mode(s) for resonance peaks of the recording that no mode of "
            "the machine explains (within 5 %): "
            + ", ".join(f"{m['frequency_hz']:.0f} Hz" for m in added)
            + f"; they move {acc['location']} along {acc['axis']} only"
        )
    return added, anchors, notes


@dataclass
class StageModel:
    """The vibration stage's model of one accelerometer's spectral density."""

    acc: dict
    locations: list[str]
    noise: float
    synth: float
    mount: tuple[float, float]

    def asd(self, f: np.ndarray, modes: list[dict], force: float) -> np.ndarray:
        from .modal_fit import modal_asd

        top = 0.45 * self.synth
        seen = [m for m in modes if participation(m, self.acc) != 0.0 and m["frequency_hz"] < top]
        if not seen:
            return np.full(f.shape, self.noise)
        return modal_asd(
            f,
            seen,
            force_density_n_per_sqrt_hz=force,
            sensor_noise_density=self.noise,
            synthesis_rate_hz=self.synth,
            mount=self.mount,
            sensor_location=self.acc["location"],
            force_locations=self.locations,
        )

    def fit(
        self,
        f: np.ndarray,
        asd: np.ndarray,
        modes: list[dict],
        fit_idx: list[int],
        force: float,
        band: tuple[float, float],
        tolerance: float | dict[int, float],
        limit: float,
    ) -> tuple[dict[int, dict], dict[int, str], list[str]]:
        """Fit the modes ``fit_idx`` of ``modes`` (the other modes the sensor sees held);
        return the fitted modes by index, the status of those not determined, and notes.

        A mode whose mass runs to the upper bound adds nothing to the spectrum, and one whose
        damping falls below :data:`DAMPING_RESOLVED` is narrower than the smoothing can show:
        both are held as they were, with the status "not determined", and the rest fitted
        again. A mode whose frequency runs above ``limit`` is held at ``limit`` with its fitted
        damping and mass, and the rest fitted again.
        """
        from .modal_fit import MASS_BOUNDS_KG, fit_modes

        active = list(fit_idx)
        pinned: dict[int, dict] = {}
        status: dict[int, str] = {}
        notes: list[str] = []
        fitted: list[dict[str, Any]] = []
        while active:
            held = [
                pinned.get(i, m)
                for i, m in enumerate(modes)
                if i not in active
                and participation(m, self.acc) != 0.0
                and m["frequency_hz"] < 0.45 * self.synth
            ]
            fitted = fit_modes(
                f,
                asd,
                force_density_n_per_sqrt_hz=force,
                sensor_noise_density=self.noise,
                initial_modes=[modes[i] for i in active],
                band_hz=band,
                rel_width=SMOOTHING,
                points_per_decade=300,
                frequency_tolerance=[
                    tolerance.get(i, max(tolerance.values()))
                    if isinstance(tolerance, dict)
                    else tolerance
                    for i in active
                ],
                synthesis_rate_hz=self.synth,
                mount=self.mount,
                sensor_location=self.acc["location"],
                force_locations=self.locations,
                fixed_modes=held,
            )
            bad = [
                i
                for i, m in zip(active, fitted, strict=True)
                if m["modal_mass_kg"] >= 0.5 * MASS_BOUNDS_KG[1]
                or m["damping_ratio"] < DAMPING_RESOLVED
            ]
            for i in bad:
                status[i] = "not determined by the recording: kept"
            high = [
                (i, m)
                for i, m in zip(active, fitted, strict=True)
                if i not in bad and m["frequency_hz"] > limit
            ]
            for i, m in high:
                pinned[i] = {**m, "frequency_hz": limit}
                notes.append(
                    f"{m['name']} held at {limit:g} Hz, the machine's highest mode, so that the "
                    "scenarios that ran the machine still run"
                )
            if not bad and not high:
                break
            active = [i for i in active if i not in bad and i not in pinned]
        result = dict(zip(active, fitted, strict=True)) if active else {}
        result.update(pinned)
        for i in pinned:
            status[i] = f"fitted, frequency held at {limit:g} Hz"
        return result, status, notes
