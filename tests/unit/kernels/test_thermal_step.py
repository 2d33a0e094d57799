"""The kernel's backward-Euler thermal step against the network's analytic solution."""

from __future__ import annotations

import numpy as np
import pytest

from failsim.components.machine import Machine
from failsim.kernels import layout as L
from failsim.kernels.machine_kernel import _thermal_step
from failsim.kernels.pack import pack
from failsim.physics.thermal import steady_state_temperatures_c, step_response_c
from failsim.spec import load_machine, load_scenario

LOSSES_W = {"winding": 420.0, "rotor": 310.0, "stator_iron": 160.0, "housing": 45.0}
BEARING_W = (7.0, 3.5)


def _packed():
    machine = Machine.from_spec(load_machine("im_7p5kw_pump"))
    scenario = load_scenario("im_7p5kw_pump_rated")
    pk = pack(machine, scenario.data, thermal_coupling=False)
    # rated speed: the fan factor is 1 and the ambient conductances are the nominal ones
    pk.x[L.X_WM] = pk.p[L.P_W_RATED]
    return machine, pk


def _load_step(pk, dt):
    s = pk.s
    s[L.S_ACC_DT] = dt
    s[L.S_ACC_CU_S] = LOSSES_W["winding"] * dt
    s[L.S_ACC_CU_R] = LOSSES_W["rotor"] * dt
    s[L.S_ACC_FE] = LOSSES_W["stator_iron"] * dt
    s[L.S_ACC_FW] = LOSSES_W["housing"] * dt
    for j, w in enumerate(BEARING_W):
        s[L.S_ACC_BEARING0 + j] = w * dt


def _loss_vector(machine):
    nodes = machine.thermal.nodes
    p = np.array([LOSSES_W.get(n, 0.0) for n in nodes])
    p[nodes.index("bearing_drive_end")] = BEARING_W[0]
    p[nodes.index("bearing_non_drive_end")] = BEARING_W[1]
    return p


def test_thermal_step_follows_the_analytic_step_response():
    machine, pk = _packed()
    n = len(machine.thermal.nodes)
    g, g_amb = machine.thermal.matrices()
    caps = np.array(machine.thermal.capacity_j_k)
    dt = 0.01
    amat = np.empty((n, n))
    rhs = np.empty(n)
    t_end = 600.0
    for _ in range(int(t_end / dt)):
        _load_step(pk, dt)
        _thermal_step(pk.x, pk.s, pk.p, pk.th, amat, rhs)
    temps = pk.s[L.S_TEMPS0 : L.S_TEMPS0 + n]
    exact = step_response_c(caps, g, g_amb, _loss_vector(machine), 25.0, np.full(n, 25.0), t_end)
    # backward Euler at 10 ms against time constants of a minute and more: error ~ dt / tau
    np.testing.assert_allclose(temps - 25.0, exact - 25.0, rtol=2e-4)


def test_thermal_step_converges_to_losses_times_resistance():
    machine, pk = _packed()
    n = len(machine.thermal.nodes)
    g, g_amb = machine.thermal.matrices()
    amat = np.empty((n, n))
    rhs = np.empty(n)
    for _ in range(10_000):  # 10^5 s: about 60 times the slowest time constant
        _load_step(pk, 10.0)
        _thermal_step(pk.x, pk.s, pk.p, pk.th, amat, rhs)
    temps = pk.s[L.S_TEMPS0 : L.S_TEMPS0 + n]
    steady = steady_state_temperatures_c(g, g_amb, _loss_vector(machine), 25.0)
    np.testing.assert_allclose(temps, steady, rtol=1e-9)
    # the whole machine: housing rise = total loss x housing-to-ambient resistance
    housing = machine.thermal.nodes.index("housing")
    total = float(_loss_vector(machine).sum())
    assert temps[housing] - 25.0 == pytest.approx(total * 0.042, rel=1e-9)
