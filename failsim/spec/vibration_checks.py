"""Semantic checks of a machine's vibration model and accelerometers, and of the vibration
stream settings of a scenario against its machine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .validate import SpecSource, show
from .validate import _suggest as suggest


def check_machine_vibration(d: Mapping[str, Any], src: SpecSource) -> None:
    """Names refer to existing bearings; names are unique; sensors need a vibration model."""
    bearings = [b["name"] for b in d["bearings"]]
    known = ", ".join(bearings) or "none (the machine has no bearings)"
    vib = d.get("vibration")
    accs = d.get("accelerometers", [])
    if accs and vib is None:
        raise src.error(
            ("accelerometers",),
            "accelerometers need a vibration model: add a `vibration:` section with the "
            "rotor mass and the structural modes",
            None,
        )
    if vib is not None:
        if not bearings:
            raise src.error(
                ("vibration",),
                "a vibration model needs at least one bearing: forces act at the bearings",
                None,
            )
        from failsim.catalogue.bearings import lookup_bearing
        from failsim.errors import SpecError

        for i, b in enumerate(d["bearings"]):
            if b.get("geometry"):
                continue
            try:
                lookup_bearing(str(b.get("designation", "")))
            except SpecError as exc:
                raise src.error(
                    ("bearings", i, "designation"),
                    f"{show(b.get('designation', ''))} is not allowed: a machine with a "
                    "vibration model needs each bearing's geometry; give `geometry:` or a "
                    f"catalogue designation ({exc.message})",
                    b.get("designation", ""),
                ) from None
        mesh_loc = vib.get("gear_mesh_location")
        if mesh_loc is not None and mesh_loc not in bearings:
            raise src.error(
                ("vibration", "gear_mesh_location"),
                f"unknown bearing {show(mesh_loc)}; {suggest(mesh_loc, bearings)}the mesh force "
                f"enters at a bearing: {known}",
                mesh_loc,
            )
        seen: set[str] = set()
        for i, mode in enumerate(vib["modes"]):
            if mode["name"] in seen:
                raise src.error(
                    ("vibration", "modes", i, "name"),
                    f"{show(mode['name'])} is not allowed: mode names must be unique",
                    mode["name"],
                )
            seen.add(mode["name"])
            for loc in mode.get("shape", {}):
                if loc not in bearings:
                    raise src.error(
                        ("vibration", "modes", i, "shape", loc),
                        f"unknown bearing {show(loc)}; {suggest(loc, bearings)}mode shapes are "
                        f"given at bearings: {known}",
                        loc,
                    )
    names: set[str] = set()
    for i, acc in enumerate(accs):
        if acc["name"] in names:
            raise src.error(
                ("accelerometers", i, "name"),
                f"{show(acc['name'])} is not allowed: accelerometer names must be unique",
                acc["name"],
            )
        names.add(acc["name"])
        if acc["location"] not in bearings:
            raise src.error(
                ("accelerometers", i, "location"),
                f"unknown bearing {show(acc['location'])}; {suggest(acc['location'], bearings)}"
                f"accelerometers are mounted at bearings: {known}",
                acc["location"],
            )


def check_scenario_vibration(
    scenario: Mapping[str, Any], machine: Mapping[str, Any], src: SpecSource
) -> None:
    """Every structural mode must lie below the DAQ band edge of the synthesis rate."""
    vib = machine.get("vibration")
    if vib is None or not machine.get("accelerometers"):
        return
    settings = scenario["streams"]["vibration"]
    fs_synth = settings["sample_rate_hz"] * settings["oversample"]
    top = max(m["frequency_hz"] for m in vib["modes"])
    if top >= 0.45 * fs_synth:
        raise src.error(
            ("streams", "vibration", "sample_rate_hz"),
            f"{show(settings['sample_rate_hz'])} is not allowed: machine "
            f"{machine['name']!r} has a mode at {top:g} Hz, which the synthesis rate "
            f"sample_rate_hz x oversample = {fs_synth} Hz must resolve (mode below 0.45 x "
            "that rate); raise sample_rate_hz or oversample (Hz)",
            settings["sample_rate_hz"],
        )
