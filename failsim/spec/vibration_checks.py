"""Semantic checks of a machine's vibration model and accelerometers, and of the vibration
stream settings and accelerometer faults of a scenario against its machine."""

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
    """Every structural mode must lie below the DAQ band edge of the synthesis rate; a loose
    mount's resonance below the stream's Nyquist frequency and its stud mount's resonance."""
    check_loose_mounts(scenario, machine, src)
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


def check_loose_mounts(
    scenario: Mapping[str, Any], machine: Mapping[str, Any], src: SpecSource
) -> None:
    """A ``sensor_mount_loose`` fault's ``resonance_hz`` must lie below the Nyquist frequency
    of the vibration stream (a resonance the DAQ cannot sample changes nothing it delivers)
    and below the resonance of the accelerometer's own mount (loosening lowers it)."""
    fs = scenario["streams"]["vibration"]["sample_rate_hz"]
    accs = {f"accel_{a['name']}_m_s2": a for a in machine.get("accelerometers", [])}
    for i, fault in enumerate(scenario.get("faults", [])):
        if fault["kind"] != "sensor_mount_loose":
            continue
        r = fault["resonance_hz"]
        if not r < 0.5 * fs:
            raise src.error(
                ("faults", i, "resonance_hz"),
                f"{show(r)} is not allowed: the loose mount's resonance must lie in "
                f"(0, {0.5 * fs:g}) Hz, below the Nyquist frequency of the vibration stream "
                f"(streams.vibration.sample_rate_hz = {fs} Hz, halved); lower resonance_hz "
                "or raise sample_rate_hz (Hz)",
                r,
            )
        acc = accs.get(fault["target"].split(".", 1)[1])
        if acc is not None and not r < acc["mounted_resonance_hz"]:
            raise src.error(
                ("faults", i, "resonance_hz"),
                f"{show(r)} is not allowed: a loosened mount rings lower than the mount it "
                f"loosens; accelerometer {acc['name']!r} of machine {machine['name']!r} has "
                f"mounted_resonance_hz = {acc['mounted_resonance_hz']:g} Hz, so resonance_hz "
                f"must lie in (0, {acc['mounted_resonance_hz']:g}) Hz",
                r,
            )
