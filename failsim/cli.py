"""failsim's command line: thin click commands that parse, call the API and print.

Errors that failsim raises on purpose (bad input, divergence, missing optional packages)
become one message on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from ._version import __version__
from .errors import FailsimError


def _friendly(func):
    """Run a command body, turning failsim errors into one line and an exit status."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except FailsimError as exc:
            click.echo(f"failsim: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("failsim: interrupted; files of the unfinished run were removed", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="failsim")
def main() -> None:
    """failsim: physics-based simulation of machine failures, written as labelled Parquet."""


@main.command("run")
@click.argument("scenario")
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output directory."
)
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Override the seed.")
@click.option(
    "--duration",
    "duration_s",
    type=float,
    default=None,
    help="Override the duration, s (> 0).",
)
@click.option("--chunk", "chunk_s", type=float, default=None, help="Chunk length, s.")
@click.option(
    "--paired",
    is_flag=True,
    help="Also write the same run without its faults (same seed), aligned sample for sample.",
)
@click.option("--quiet", is_flag=True, help="Print nothing on success.")
@_friendly
def run_cmd(
    scenario: str,
    out_dir: str,
    seed: int | None,
    duration_s: float | None,
    chunk_s: float | None,
    paired: bool,
    quiet: bool,
) -> None:
    """Simulate SCENARIO (a bundled name or a YAML path) and write it to --out."""
    import time

    from .errors import SpecError
    from .simulation import SolverOptions, run

    if chunk_s is not None and not chunk_s > 0:
        raise SpecError(f"{chunk_s!r} is not allowed: must be greater than 0 (s)", file="--chunk")
    t0 = time.perf_counter()
    record = run(
        scenario,
        out_dir,
        seed=seed,
        duration_s=duration_s,
        options=SolverOptions(chunk_s=chunk_s),
        progress=not quiet and sys.stderr.isatty(),
        paired=paired,
    )
    wall = time.perf_counter() - t0
    if quiet:
        return
    import json

    sizes = json.loads(record["streams_json"])
    click.echo(
        f"run {record['run_id']}: {record['duration_s']:g} s of {record['scenario']} "
        f"on {record['machine']} (seed {record['seed']}) in {wall:.2f} s wall "
        + ("with its healthy twin" if paired else f"({record['duration_s'] / wall:.3g}x real time)")
    )
    for name, info in sizes.items():
        click.echo(f"  {name:<8} {info['rows']:>10} rows {info['bytes'] / 1e6:>9.3f} MB")
    if record["ended_early"]:
        click.echo(f"  ended early: {record['end_reason']} at {record['end_t_s']:.3f} s")
    if record["paired_run_id"]:
        click.echo(f"  healthy twin (same seed, no faults): {record['paired_run_id']}")
    click.echo(f"  written to {Path(out_dir)}")


@main.command("validate")
@click.argument("files", nargs=-1, required=True)
@_friendly
def validate_cmd(files: tuple[str, ...]) -> None:
    """Check machine and scenario FILES; report every invalid one, exit 2 if any."""
    from .errors import SpecError
    from .spec import validate_file

    failed = 0
    for f in files:
        try:
            spec = validate_file(f)
            if hasattr(spec, "machine"):
                from .simulation import RunEngine

                RunEngine(spec)  # the checks that need the run's streams (fault targets)
        except SpecError as exc:
            failed += 1
            click.echo(f"failsim: error: {exc}", err=True)
            continue
        kind = "scenario" if hasattr(spec, "machine") else "machine"
        click.echo(f"ok: {f} ({kind} {spec.name})")
    if failed:
        sys.exit(2)


@main.command("list")
@click.argument("what", type=click.Choice(["machines", "scenarios", "faults"]))
@_friendly
def list_cmd(what: str) -> None:
    """List bundled machines, scenarios or fault kinds."""
    from .spec import list_machines, list_scenarios, load_machine, load_scenario

    if what == "faults":
        from .faults.catalogue import FAULT_KINDS

        click.echo(f"{'kind':<20} {'category':<9} {'parameter [unit]':<22} what it does")
        for k in FAULT_KINDS:
            param = f"{k.parameter} [{k.unit}]" if k.parameter else "-"
            click.echo(f"{k.kind:<20} {k.category:<9} {param:<22} {k.summary}")
        click.echo("u: the unit of the target channel; details in docs/faults/")
    elif what == "machines":
        for name in list_machines():
            spec = load_machine(name)
            desc = " ".join(str(spec.data.get("description", "")).split())
            click.echo(f"{name:<28} {desc}")
    else:
        for name in list_scenarios():
            spec = load_scenario(name)
            desc = " ".join(str(spec.data.get("description", "")).split())
            click.echo(f"{name:<28} [{spec.machine.name}, {spec.data['duration_s']:g} s] {desc}")


@main.command("describe")
@click.argument("machine")
@_friendly
def describe_cmd(machine: str) -> None:
    """Show a machine's parameters with units and its derived quantities."""
    from .describe import describe_machine

    click.echo(describe_machine(machine))


@main.command("plot")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--run-id", default=None, help="Run to plot (default: the first completed).")
@click.option("--channel", default=None, help="Vibration column (default: the first).")
@click.option("--band", nargs=2, type=float, default=None, help="Envelope band LO HI, Hz.")
@click.option("--start", "start_s", type=float, default=None, help="Segment start, s.")
@click.option("--duration", "duration_s", type=float, default=None, help="Segment length, s.")
@click.option("--out", "png", type=click.Path(dir_okay=False), default=None, help="PNG path.")
@_friendly
def plot_cmd(
    run_dir: str,
    run_id: str | None,
    channel: str | None,
    band: tuple[float, float] | None,
    start_s: float | None,
    duration_s: float | None,
    png: str | None,
) -> None:
    """Plot a run's vibration: time series, spectrum, squared-envelope spectrum with the
    bearings' defect frequencies at the measured speed."""
    from .analysis.plot import plot_run

    path = plot_run(
        run_dir,
        run_id=run_id,
        channel=channel,
        band_hz=band,
        start_s=start_s,
        duration_s=duration_s,
        png=png,
    )
    click.echo(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
