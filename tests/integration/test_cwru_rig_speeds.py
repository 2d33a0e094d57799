"""The CWRU bearing test rig (machines/cwru_rig.yaml) against the rig's published operating
points: the shaft speed at each dynamometer load (CWRU Bearing Data Center: about 1797, 1772,
1750 and 1730 rpm at 0, 1, 2 and 3 hp), and an overload relay that lets the rig run at 3 hp
(150 % of rating) for the length of a test without tripping."""

from __future__ import annotations

import math

import numpy as np
import pytest

import failsim
from failsim.components.machine import Machine
from failsim.physics.overload_relay import replica_levels, trip_time_s
from failsim.simulation import SolverOptions

#: shaft speed listed by CWRU for each motor load, hp -> rpm
CWRU_SPEED_RPM = {0: 1797.0, 1: 1772.0, 2: 1750.0, 3: 1730.0}
SPEED_TOLERANCE_RPM = 5.0
#: a test run at 3 hp must not trip the relay from cold within this time
TEST_LENGTH_S = 600.0


def _relay():
    return Machine.from_spec(failsim.load_machine("cwru_rig")).relay


def _window(proc, t_from: float, t_to: float):
    return proc[(proc.t_s >= t_from) & (proc.t_s < t_to)]


def _relay_trips(result) -> list[float]:
    events = result.events.to_pandas()
    return events.loc[events.kind == "relay_trip", "t_s"].tolist()


@pytest.mark.parametrize("load_hp", sorted(CWRU_SPEED_RPM))
def test_steady_speed_matches_cwru(load_hp: int) -> None:
    result = failsim.simulate(f"cwru_rig_{load_hp}hp", options=SolverOptions())
    duration = float(result.scenario.data["duration_s"])
    proc = result.to_pandas("process")
    last = _window(proc, duration - 2.0, duration)
    assert len(last) >= 19
    speed = float(last.speed_rpm.mean())
    assert speed == pytest.approx(CWRU_SPEED_RPM[load_hp], abs=SPEED_TOLERANCE_RPM)
    # steady: no drift over the last 2 s beyond the encoder's resolution
    first, second = last.speed_rpm.iloc[: len(last) // 2], last.speed_rpm.iloc[len(last) // 2 :]
    assert abs(float(second.mean()) - float(first.mean())) < 0.5
    assert _relay_trips(result) == []
    assert result.record["ended_early"] is False


@pytest.mark.slow
def test_three_hp_runs_ten_minutes_without_trip() -> None:
    relay = _relay()
    result = failsim.simulate("cwru_rig_3hp", duration_s=60.0, options=SolverOptions())
    assert _relay_trips(result) == []
    assert result.record["ended_early"] is False

    proc = result.to_pandas("process")
    level = proc.relay_thermal_level_pu.to_numpy(dtype=float)
    t = proc.t_s.to_numpy()
    running = t >= 5.0
    # the thermal level rises steadily while the motor carries the 3 hp current
    assert np.all(np.diff(level[running]) > 0.0)
    level_end = float(level[-1])
    assert 0.0 < level_end < 0.5

    # steady 3 hp current, as a multiple of the relay setting: above the ultimate trip
    # current k I_e, so a sustained 150 % load is eventually cleared ...
    current = float(_window(proc, 40.0, 60.0).current_rms_a.mean())
    multiple = current / relay.current_setting_a
    assert multiple > relay.k_factor

    # ... and the simulated level follows the thermal replica driven by that current
    rms = _window(proc, 10.0, 60.0).current_rms_a.to_numpy(dtype=float)
    dt = 1.0 / int(result.scenario.data["streams"]["process"]["sample_rate_hz"])
    level_10 = float(level[np.searchsorted(t, 10.0)])
    replica = replica_levels(
        rms / relay.current_setting_a,
        dt,
        trip_class=relay.trip_class,
        k_factor=relay.k_factor,
        initial_level=level_10,
        time_constant_s=relay.time_constant_s,
    )
    assert replica[-1] == pytest.approx(level_end, rel=0.03)

    # from cold at that current the relay needs longer than a 10 min test ...
    from_cold = trip_time_s(
        multiple,
        trip_class=relay.trip_class,
        k_factor=relay.k_factor,
        time_constant_s=relay.time_constant_s,
    )
    assert TEST_LENGTH_S < from_cold < math.inf
    # ... also counting what the direct-on-line start and the first minute added
    rest = trip_time_s(
        multiple,
        trip_class=relay.trip_class,
        k_factor=relay.k_factor,
        initial_level=level_end,
        time_constant_s=relay.time_constant_s,
    )
    assert float(t[-1]) + dt + rest > TEST_LENGTH_S
