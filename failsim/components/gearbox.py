"""Gearbox declaration."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gearbox:
    """Speed reducer: ratio input/output, efficiency (losses oppose the power flow),
    inertias of its input and output sides, pinion teeth (mesh frequency = teeth x f_in)."""

    ratio: float
    efficiency: float
    input_inertia_kg_m2: float
    output_inertia_kg_m2: float
    input_teeth: int

    @classmethod
    def from_dict(cls, d: dict) -> Gearbox:
        return cls(
            ratio=float(d["ratio"]),
            efficiency=float(d["efficiency"]),
            input_inertia_kg_m2=float(d["input_inertia_kg_m2"]),
            output_inertia_kg_m2=float(d["output_inertia_kg_m2"]),
            input_teeth=int(d["input_teeth"]),
        )
