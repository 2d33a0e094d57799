"""Semantic checks of drives, gearboxes and conveyors, and of scenario actions that need
a drive."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

from .validate import SpecSource, show

#: actions only a variable-frequency drive can carry out
DRIVE_ONLY_ACTIONS = ("ss1", "ss2", "set_frequency")


def check_machine_drive(d: Mapping[str, Any], src: SpecSource) -> None:
    supply = d["supply"]
    drive = d.get("drive")
    kind = supply.get("type", "mains")
    motor_type = d["motor"]["type"]
    if motor_type == "dc" and kind != "dc_drive":
        raise src.error(
            ("supply", "type"),
            f"{show(kind)} is not allowed for a DC motor: set supply.type: dc_drive and add a "
            "`dc_drive:` section",
            kind,
        )
    if kind in ("mains", "vfd") and motor_type != "induction":
        raise src.error(
            ("motor", "type"),
            f"{show(motor_type)} is not allowed with supply.type {kind}: mains and V/f drives "
            "feed induction motors",
            motor_type,
        )
    if kind == "dc_drive" and d.get("dc_drive") is None:
        raise src.error(
            ("dc_drive",),
            "supply.type is dc_drive, so the machine needs a `dc_drive:` section "
            "(max_voltage_v, current_limit_a, speed_setpoint_rpm)",
            None,
        )
    if motor_type == "dc":
        motor = d["motor"]
        if (motor.get("field") is None) == (motor.get("back_emf_constant_v_s_rad") is None):
            raise src.error(
                ("motor", "back_emf_constant_v_s_rad"),
                "a DC motor needs exactly one of back_emf_constant_v_s_rad (permanent magnet) "
                "and field (separately excited) (V s/rad)",
                motor.get("back_emf_constant_v_s_rad"),
            )
    if supply.get("type", "mains") == "vfd" and drive is None:
        raise src.error(
            ("drive",),
            "supply.type is vfd, so the machine needs a `drive:` section (rated_frequency_hz, "
            "rated_voltage_v, current_limit_a, frequency_setpoint_hz)",
            None,
        )
    if drive is not None and supply.get("type", "mains") != "vfd":
        raise src.error(
            ("supply", "type"),
            f"{show(supply.get('type', 'mains'))} is not allowed with a `drive:` section: set "
            "supply.type: vfd, or remove the drive",
            supply.get("type", "mains"),
        )
    if drive is not None:
        v_rect = 3.0 * math.sqrt(2.0) / math.pi * supply["line_voltage_v"]
        order = [
            ("undervoltage_trip_v", drive["undervoltage_trip_v"]),
            ("rectified supply", v_rect),
            ("overvoltage_control_v", drive["overvoltage_control_v"]),
            ("overvoltage_trip_v", drive["overvoltage_trip_v"]),
        ]
        for (name_a, a), (name_b, b) in itertools.pairwise(order):
            if not a < b:
                field = name_a if name_a != "rectified supply" else name_b
                raise src.error(
                    ("drive", field),
                    f"{show(drive.get(field, a))} is not allowed: the DC-link levels must rise "
                    f"in the order undervoltage trip < rectified supply ({v_rect:.0f} V at "
                    f"{supply['line_voltage_v']:g} V) < overvoltage control < overvoltage trip "
                    f"(V); here {name_a} = {a:.0f} V and {name_b} = {b:.0f} V",
                    drive.get(field, a),
                )
        if drive.get("braking_resistor_ohm") is not None:
            if not drive["chopper_off_v"] < drive["chopper_on_v"] < drive["overvoltage_trip_v"]:
                raise src.error(
                    ("drive", "chopper_on_v"),
                    f"{show(drive['chopper_on_v'])} is not allowed: need chopper_off_v < "
                    "chopper_on_v < overvoltage_trip_v (V)",
                    drive["chopper_on_v"],
                )
    load = d["load"]
    conveyor = d.get("conveyor")
    if load["type"] == "conveyor" and conveyor is None:
        raise src.error(
            ("conveyor",),
            "load.type is conveyor, so the machine needs a `conveyor:` section",
            None,
        )
    if conveyor is not None and load["type"] != "conveyor":
        raise src.error(
            ("load", "type"),
            f"{show(load['type'])} is not allowed with a `conveyor:` section: set load.type: "
            "conveyor, or remove the conveyor",
            load["type"],
        )
    if conveyor is not None:
        if conveyor["length_m"] < 80.0 and conveyor.get("coefficient_c") is None:
            raise src.error(
                ("conveyor", "coefficient_c"),
                f"null is not allowed for a conveyor of {conveyor['length_m']:g} m: the DIN "
                "22101 / ISO 5048 table of C starts at 80 m; give coefficient_c (about 2-3 "
                "for short conveyors) [-]",
                None,
            )
        if conveyor["friction_kinetic"] > conveyor["friction_static"]:
            raise src.error(
                ("conveyor", "friction_kinetic"),
                f"{show(conveyor['friction_kinetic'])} is not allowed: must be at most "
                f"friction_static = {conveyor['friction_static']:g} [-]",
                conveyor["friction_kinetic"],
            )
        if abs(conveyor["lift_m"]) >= conveyor["length_m"]:
            raise src.error(
                ("conveyor", "lift_m"),
                f"{show(conveyor['lift_m'])} is not allowed: the lift must be smaller than the "
                f"length {conveyor['length_m']:g} m (m)",
                conveyor["lift_m"],
            )


def check_scenario_drive(
    scenario: Mapping[str, Any], machine: Mapping[str, Any], src: SpecSource
) -> None:
    has_drive = machine.get("drive") is not None
    for i, event in enumerate(scenario["events"]):
        action = event["action"]
        if action in DRIVE_ONLY_ACTIONS and not has_drive:
            raise src.error(
                ("events", i, "action"),
                f"{show(action)} is not allowed: machine {machine['name']!r} has no drive "
                "(supply.type mains); a mains machine can open_contactor (stop category 0) "
                "or sto (the same)",
                action,
            )
        if action == "set_frequency" and event.get("frequency_hz") is None:
            raise src.error(
                ("events", i, "frequency_hz"),
                "set_frequency needs frequency_hz, the new set-point (Hz)",
                None,
            )
