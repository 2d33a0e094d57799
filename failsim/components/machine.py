"""The machine: all declared parts together, built from a validated machine spec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .conveyor import BeltConveyor
from .drive import VariableFrequencyDrive
from .drivetrain import Bearing, Brake, Load, Shaft
from .electrical import DCDrive, DCMotor, InductionMotor, MainsSupply
from .gearbox import Gearbox
from .protection import OverloadRelay
from .thermal import ThermalNetwork
from .vibration import Accelerometer, VibrationModel, accelerometer_from_dict

if TYPE_CHECKING:
    from ..spec import MachineSpec


@dataclass(frozen=True)
class Machine:
    """A motor-driven machine: supply, motor, shaft, load, bearings, thermal network,
    protection and sensors (sensor settings are kept as the validated mapping)."""

    name: str
    supply: MainsSupply
    motor: InductionMotor | DCMotor
    shaft: Shaft
    load: Load
    bearings: tuple[Bearing, ...]
    thermal: ThermalNetwork
    relay: OverloadRelay
    sensors: dict
    vibration: VibrationModel | None = None
    accelerometers: tuple[Accelerometer, ...] = ()
    drive: VariableFrequencyDrive | None = None
    gearbox: Gearbox | None = None
    conveyor: BeltConveyor | None = None
    dc_drive: DCDrive | None = None
    brake: Brake | None = None

    @classmethod
    def from_spec(cls, spec: MachineSpec) -> Machine:
        d = spec.data
        return cls(
            name=spec.name,
            supply=MainsSupply.from_dict(d["supply"]),
            motor=(
                DCMotor.from_dict(d["motor"])
                if d["motor"]["type"] == "dc"
                else InductionMotor.from_dict(d["motor"])
            ),
            shaft=Shaft.from_dict(d["shaft"]),
            load=Load.from_dict(d["load"]),
            bearings=tuple(Bearing.from_dict(b) for b in d.get("bearings", [])),
            thermal=ThermalNetwork.from_dict(d["thermal"]),
            relay=OverloadRelay.from_dict(d["protection"]["overload_relay"]),
            sensors=d.get("sensors", {}),
            vibration=VibrationModel.from_dict(d["vibration"]) if d.get("vibration") else None,
            accelerometers=tuple(accelerometer_from_dict(a) for a in d.get("accelerometers", [])),
            drive=(
                VariableFrequencyDrive.from_dict(d["drive"])
                if d["supply"].get("type", "mains") == "vfd"
                else None
            ),
            gearbox=Gearbox.from_dict(d["gearbox"]) if d.get("gearbox") else None,
            conveyor=BeltConveyor.from_dict(d["conveyor"]) if d.get("conveyor") else None,
            dc_drive=DCDrive.from_dict(d["dc_drive"]) if d.get("dc_drive") else None,
            brake=Brake.from_dict(d["brake"]) if d.get("brake") else None,
        )
