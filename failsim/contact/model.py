"""Items on a belt section: PyBullet contact, driven by the belt through friction forces.

The scene (x along the belt, y across, z up): a belt section of ``length_m`` x ``width_m``
whose top surface is z = 0; side guides along both edges that may narrow (a funnel from the
full width to ``narrow_width_m`` between ``narrow_start_m`` and ``narrow_end_m``, then straight);
an optional gate (a bar across the belt at ``gate_at_m``) that is open or closed; items (boxes
with random size, mass and friction, drawn from the run seed) fed at the infeed end and
removed when they pass the discharge end.

PyBullet has no moving belt surface, so the belt carries the items through a friction force
computed here from the contact: the belt's own friction in PyBullet is zero, and each item
in contact with it receives

    F_i = mu_i N_i (v_b e_x - v_i) / sqrt(|v_b e_x - v_i|^2 + v_eps^2)

(regularised Coulomb friction: the kinetic level mu_i N_i when it slides, proportional to the
slip below v_eps), N_i the normal force of its belt contacts from PyBullet's contact solve, v_i
its velocity in the belt plane. The belt receives -F_i: the load the items put on the belt is

    F_belt = sum_i F_i,x + f_r sum_i N_i

the second term the resistance of the belt running on its bed or idlers under the items'
weight (``support_friction``). Guides, gate and items push on each other through PyBullet's
own contact (with the items' friction). Coupling with the lumped belt model: call
:meth:`ContactModel.step` with the belt speed at a fixed rate (240-1000 Hz) and feed the
returned belt force back as an extra running resistance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import SpecError
from ..rng import component_rng
from . import require_pybullet

G = 9.80665


@dataclass(frozen=True)
class ContactSpec:
    """A belt section with items (lengths m, masses kg, rates 1/s, friction coefficients -)."""

    length_m: float = 6.0
    width_m: float = 0.8
    feed_rate_per_s: float = 1.0
    item_length_m: tuple[float, float] = (0.2, 0.5)
    item_width_m: tuple[float, float] = (0.15, 0.4)
    item_height_m: tuple[float, float] = (0.1, 0.3)
    item_mass_kg: tuple[float, float] = (1.0, 15.0)
    item_friction: tuple[float, float] = (0.3, 0.6)
    narrow_start_m: float | None = None
    narrow_end_m: float | None = None
    narrow_width_m: float | None = None
    gate_at_m: float | None = None
    support_friction: float = 0.33
    rate_hz: float = 240.0
    substeps: int = 1
    slip_eps_m_s: float = 0.01

    def check(self) -> None:
        """Raise a :class:`SpecError` for an impossible section."""

        def bad(name: str, why: str) -> SpecError:
            return SpecError(
                f"{getattr(self, name)!r} is not allowed: {why}", field=f"contact.{name}"
            )

        for name in ("length_m", "width_m", "rate_hz"):
            if not getattr(self, name) > 0:
                raise bad(name, "must be greater than 0")
        if not 240.0 <= self.rate_hz <= 1000.0:
            raise bad("rate_hz", "must be within 240-1000 Hz (the coupling rate)")
        if self.feed_rate_per_s < 0:
            raise bad("feed_rate_per_s", "must be at least 0")
        for name in ("item_length_m", "item_width_m", "item_height_m", "item_mass_kg"):
            lo, hi = getattr(self, name)
            if not 0 < lo <= hi:
                raise bad(name, "must be (low, high) with 0 < low <= high")
        if max(self.item_width_m) >= self.width_m:
            raise bad("item_width_m", f"items must be narrower than the belt ({self.width_m} m)")
        narrow = (self.narrow_start_m, self.narrow_end_m, self.narrow_width_m)
        if any(v is not None for v in narrow):
            if any(v is None for v in narrow):
                raise bad("narrow_width_m", "a narrowing needs its start, end and width")
            if not 0 < self.narrow_start_m < self.narrow_end_m < self.length_m:
                raise bad("narrow_end_m", "need 0 < narrow_start_m < narrow_end_m < length_m")
            if not 0 < self.narrow_width_m < self.width_m:
                raise bad("narrow_width_m", f"must be between 0 and the belt width {self.width_m}")
        if self.gate_at_m is not None and not 0 < self.gate_at_m < self.length_m:
            raise bad("gate_at_m", f"must be on the section (0-{self.length_m} m)")


@dataclass
class StepResult:
    """What one coupling step of the contact model gives back."""

    belt_force_n: float  # load on the belt along its travel, N (friction + support)
    friction_force_n: float  # sum of the items' belt-friction forces along x, N
    support_force_n: float  # f_r times the items' normal force on the belt, N
    normal_force_n: float  # the items' total normal force on the belt, N
    on_belt: int
    fed: int  # items placed so far
    discharged: int  # items that left over the discharge end so far
    stalled: int  # items on the belt moving at less than 20 % of the belt speed
    guide_impulse_n_s: float  # normal impulse on guides and gate in the step (track_impacts)


@dataclass
class _Item:
    body: int
    mass_kg: float
    friction: float
    half: tuple[float, float, float]


@dataclass
class ContactModel:
    """A belt section with items, advanced at the coupling rate (see the module docstring)."""

    spec: ContactSpec
    seed: int
    #: also sum the normal impulse of the items on guides and gate each step (costs a contact
    #: query per guide)
    track_impacts: bool = False
    items: dict[int, _Item] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.spec.check()
        self.p = require_pybullet()
        p = self.p
        self.cid = p.connect(p.DIRECT)
        self.dt = 1.0 / self.spec.rate_hz
        p.setTimeStep(self.dt / self.spec.substeps, physicsClientId=self.cid)
        p.setGravity(0.0, 0.0, -G, physicsClientId=self.cid)
        p.setPhysicsEngineParameter(
            deterministicOverlappingPairs=1, numSolverIterations=20, physicsClientId=self.cid
        )
        self.rng = component_rng(self.seed, "contact.items")
        self.t = 0.0
        self.fed = 0
        self.discharged = 0
        self.gate_closed = False
        self._state: dict[int, tuple[float, float, float, float, float]] = {}  # x y z vx vy
        self.momentum_fed = 0.0  # momentum the items brought onto the section, kg m/s
        self.momentum_discharged = 0.0  # and took off it
        self._next_feed = self._draw_gap()
        self._build()

    # ------------------------------------------------------------------ scene
    def _box(self, half, pos, yaw=0.0, mass=0.0, friction=0.5):
        p = self.p
        shape = p.createCollisionShape(p.GEOM_BOX, halfExtents=half, physicsClientId=self.cid)
        orn = p.getQuaternionFromEuler((0.0, 0.0, yaw))
        body = p.createMultiBody(
            baseMass=mass,
            baseCollisionShapeIndex=shape,
            basePosition=pos,
            baseOrientation=orn,
            physicsClientId=self.cid,
        )
        # no artificial damping (Bullet's default slows every body by 4 %/s): friction and
        # contact are the only forces, so the items' momentum balance holds
        p.changeDynamics(
            body,
            -1,
            lateralFriction=friction,
            restitution=0.05,
            linearDamping=0.0,
            angularDamping=0.0,
            physicsClientId=self.cid,
        )
        return body

    def _build(self) -> None:
        s = self.spec
        thick, h = 0.05, 0.4
        # the belt: no friction of its own (the belt drags items through _belt_forces)
        self.belt = self._box(
            (0.5 * s.length_m + 1.0, 0.5 * s.width_m, thick),
            (0.5 * s.length_m, 0.0, -thick),
            friction=0.0,
        )
        self.fixed = []
        half_w = 0.5 * s.width_m
        if s.narrow_width_m is None:
            for side in (-1.0, 1.0):
                self.fixed.append(
                    self._box(
                        (0.5 * s.length_m, 0.02, h), (0.5 * s.length_m, side * (half_w + 0.02), h)
                    )
                )
        else:
            x0, x1, hn = s.narrow_start_m, s.narrow_end_m, 0.5 * s.narrow_width_m
            seg_len = math.hypot(x1 - x0, half_w - hn)
            yaw = math.atan2(half_w - hn, x1 - x0)
            for side in (-1.0, 1.0):
                self.fixed.append(
                    self._box((0.5 * x0, 0.02, h), (0.5 * x0, side * (half_w + 0.02), h))
                )
                self.fixed.append(
                    self._box(
                        (0.5 * seg_len, 0.02, h),
                        (0.5 * (x0 + x1), side * (0.5 * (half_w + hn) + 0.02), h),
                        yaw=-side * yaw,
                    )
                )
                rest = s.length_m - x1
                self.fixed.append(
                    self._box((0.5 * rest, 0.02, h), (x1 + 0.5 * rest, side * (hn + 0.02), h))
                )
        self.gate = None
        if s.gate_at_m is not None:
            self.gate = self._box((0.02, half_w, h), (s.gate_at_m, 0.0, 50.0))  # parked: open
            self.fixed.append(self.gate)

    def set_gate(self, closed: bool) -> None:
        """Close the gate across the belt (or open it)."""
        if self.gate is None or closed == self.gate_closed:
            return
        z = 0.4 if closed else 50.0
        self.p.resetBasePositionAndOrientation(
            self.gate, (self.spec.gate_at_m, 0.0, z), (0, 0, 0, 1), physicsClientId=self.cid
        )
        self.gate_closed = closed

    # ------------------------------------------------------------------ items
    def _draw_gap(self) -> float:
        rate = self.spec.feed_rate_per_s
        return math.inf if rate <= 0 else float(self.rng.exponential(1.0 / rate))

    def _feed(self, belt_speed: float) -> None:
        """Place the items due by now at the infeed, unless the infeed is blocked (they wait:
        an item is counted as fed when it is placed)."""
        s = self.spec
        while self.t >= self._next_feed:
            u = self.rng.random(5)
            lo = np.array([s.item_length_m[0], s.item_width_m[0], s.item_height_m[0]])
            hi = np.array([s.item_length_m[1], s.item_width_m[1], s.item_height_m[1]])
            half = 0.5 * (lo + u[:3] * (hi - lo))
            mass = s.item_mass_kg[0] + u[3] * (s.item_mass_kg[1] - s.item_mass_kg[0])
            mu = s.item_friction[0] + u[4] * (s.item_friction[1] - s.item_friction[0])
            room = 0.5 * s.width_m - half[1] - 0.01
            y = float(self.rng.uniform(-room, room))
            x = half[0] + 0.05
            if self._infeed_blocked(x + half[0] + 0.05):
                return  # try again next step; the draw is kept by not advancing the schedule
            body = self._box(tuple(half), (x, y, half[2] + 0.002), mass=mass, friction=mu)
            self.p.resetBaseVelocity(body, (belt_speed, 0.0, 0.0), physicsClientId=self.cid)
            self.items[body] = _Item(body, mass, mu, tuple(half))
            self._state[body] = (x, y, half[2], belt_speed, 0.0)
            self.momentum_fed += mass * belt_speed
            self.fed += 1
            self._next_feed += self._draw_gap()

    def _infeed_blocked(self, x_clear: float) -> bool:
        return any(self._state[b][0] - item.half[0] < x_clear for b, item in self.items.items())

    # ------------------------------------------------------------------ stepping
    def _belt_forces(self, belt_speed: float) -> tuple[float, float]:
        """Apply the belt's friction to every item touching it; returns (sum of F_x, sum N)."""
        p = self.p
        normal: dict[int, float] = {}
        for c in p.getContactPoints(bodyA=self.belt, physicsClientId=self.cid):
            normal[c[2]] = normal.get(c[2], 0.0) + c[9]
        fx_total = 0.0
        n_total = 0.0
        eps2 = self.spec.slip_eps_m_s**2
        for body, n in normal.items():
            item = self.items.get(body)
            if item is None or n <= 0.0:
                continue
            # the state at the end of the last step is the state now (positions, velocities)
            x, y, z, vx, vy = self._state[body]
            rx, ry = belt_speed - vx, -vy
            scale = item.friction * n / math.sqrt(rx * rx + ry * ry + eps2)
            fx, fy = scale * rx, scale * ry
            p.applyExternalForce(
                body, -1, (fx, fy, 0.0), (x, y, z), p.WORLD_FRAME, physicsClientId=self.cid
            )
            fx_total += fx
            n_total += n
        return fx_total, n_total

    def _guide_impulse(self) -> float:
        total = 0.0
        for body in self.fixed:
            for c in self.p.getContactPoints(bodyA=body, physicsClientId=self.cid):
                total += c[9]
        return total * self.dt / self.spec.substeps

    def step(self, belt_speed_m_s: float) -> StepResult:
        """Advance one coupling step (1 / rate_hz) at the given belt speed."""
        self._feed(belt_speed_m_s)
        fx_sum = n_sum = impulse = 0.0
        for _ in range(self.spec.substeps):
            fx, n = self._belt_forces(belt_speed_m_s)
            self.p.stepSimulation(physicsClientId=self.cid)
            fx_sum += fx
            n_sum += n
            if self.track_impacts:
                impulse += self._guide_impulse()
        k = float(self.spec.substeps)
        fx_mean, n_mean = fx_sum / k, n_sum / k
        self.t += self.dt
        stalled = self._discharge_and_count(belt_speed_m_s)
        support = self.spec.support_friction * n_mean
        return StepResult(
            belt_force_n=float(fx_mean + support),
            friction_force_n=float(fx_mean),
            support_force_n=float(support),
            normal_force_n=float(n_mean),
            on_belt=len(self.items),
            fed=self.fed,
            discharged=self.discharged,
            stalled=stalled,
            guide_impulse_n_s=impulse,
        )

    def _discharge_and_count(self, belt_speed: float) -> int:
        stalled = 0
        p, cid = self.p, self.cid
        for body in list(self.items):
            (x, y, z), _ = p.getBasePositionAndOrientation(body, physicsClientId=cid)
            (vx, vy, _), _ = p.getBaseVelocity(body, physicsClientId=cid)
            if x > self.spec.length_m or z < -1.0:
                self.momentum_discharged += self.items[body].mass_kg * vx
                p.removeBody(body, physicsClientId=cid)
                del self.items[body]
                del self._state[body]
                self.discharged += 1
                continue
            self._state[body] = (x, y, z, vx, vy)
            if abs(belt_speed) > 1e-3 and vx < 0.2 * belt_speed:
                stalled += 1
        return stalled

    def momentum_x(self) -> float:
        """Total momentum of the items along the belt, kg m/s."""
        total = 0.0
        for body, item in self.items.items():
            (vx, _, _), _ = self.p.getBaseVelocity(body, physicsClientId=self.cid)
            total += item.mass_kg * vx
        return total

    def close(self) -> None:
        if getattr(self, "cid", None) is not None:
            self.p.disconnect(physicsClientId=self.cid)
            self.cid = None
