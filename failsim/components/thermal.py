"""Lumped thermal network of the machine."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..physics.thermal import conductance_matrix, steady_state_temperatures_c, time_constants_s
from ..spec.validate import thermal_edges

#: nodes every machine has; bearing nodes ``bearing_<name>`` are added per bearing.
CORE_NODES = ("winding", "stator_iron", "rotor", "housing")


@dataclass(frozen=True)
class ThermalNetwork:
    """Nodes with heat capacities (J/K), thermal resistances between them (K/W) and to
    ambient, and shaft-fan cooling of the ambient paths.

    The ambient conductances are those at rated speed; at speed w they are multiplied by
    ``standstill_ratio + (1 - standstill_ratio) (|w| / w_N) ** speed_exponent``.
    """

    nodes: tuple[str, ...]
    capacity_j_k: tuple[float, ...]
    resistance_k_w: tuple[tuple[str, str, float], ...]
    standstill_ratio: float
    speed_exponent: float

    @classmethod
    def from_dict(cls, d: dict) -> ThermalNetwork:
        caps = d["capacity_j_k"]
        nodes = tuple(n for n in CORE_NODES if n in caps) + tuple(
            sorted(n for n in caps if n not in CORE_NODES)
        )
        res = [(a, b, float(r)) for a, b, r in thermal_edges({"thermal": d})]
        fan = d.get("fan_cooling") or {}
        return cls(
            nodes=nodes,
            capacity_j_k=tuple(float(caps[n]) for n in nodes),
            resistance_k_w=tuple(res),
            standstill_ratio=float(fan.get("standstill_ratio", 0.33)),
            speed_exponent=float(fan.get("speed_exponent", 0.7)),
        )

    def index(self, node: str) -> int:
        return self.nodes.index(node)

    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """(G, g_amb), W/K: C dT/dt = P - G T + g_amb T_amb (G includes the ambient
        conductances on its diagonal)."""
        return conductance_matrix(self.nodes, {(a, b): r for a, b, r in self.resistance_k_w})

    def steady_state_c(self, losses_w: dict[str, float], ambient_c: float) -> dict[str, float]:
        """Steady temperatures at rated fan speed for constant losses per node, degC."""
        g, g_amb = self.matrices()
        p = np.array([losses_w.get(n, 0.0) for n in self.nodes])
        t = steady_state_temperatures_c(g, g_amb, p, ambient_c)
        return dict(zip(self.nodes, (float(v) for v in t), strict=True))

    def time_constants_s(self) -> np.ndarray:
        """Time constants of the network at rated fan speed, s, longest first."""
        g, _ = self.matrices()
        return time_constants_s(np.array(self.capacity_j_k), g)
