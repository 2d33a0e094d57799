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

#: units a recording's samples may be in (failsim.analysis.compare.UNITS converts them)
RECORDING_UNITS = ("g", "m/s2", "m_s2", "mm/s2")


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


@main.command("sweep")
@click.argument("scenario")
@click.option(
    "--out",
    "out",
    default=None,
    help="Output directory or fsspec URL (s3://bucket/prefix); not needed with --dry-run.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores); with --scheduler local, Dask workers.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Make only the first N runs."
)
@click.option(
    "--dry-run", is_flag=True, help="Print the run table and check every run; simulate nothing."
)
@click.option("--resume", is_flag=True, help="Continue an interrupted sweep in --out.")
@click.option(
    "--scheduler",
    default=None,
    help="Run on Dask: a scheduler address (tcp://host:8786) or 'local' for a local cluster.",
)
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@_friendly
def sweep_cmd(
    scenario: str,
    out: str | None,
    jobs: int | None,
    limit: int | None,
    dry_run: bool,
    resume: bool,
    scheduler: str | None,
    quiet: bool,
) -> None:
    """Run the sweep of SCENARIO (its sweep: section) as one dataset in --out.

    Exit status: 0 when every run completed, 1 when the output cannot be written, 2 for bad
    input, 3 when some runs failed or diverged (recorded in runs.parquet with their error),
    130 when interrupted (continue with --resume).
    """
    from .errors import SpecError
    from .sweep import check_runs, plan, sweep

    if dry_run:
        p = plan(scenario, limit)
        check_runs(p)
        _print_plan(p)
        return
    if out is None:
        raise SpecError("--out is required (or use --dry-run)", file="command line")
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(total=0, unit="run", disable=None, dynamic_ncols=True)

    def progress(task, record, summary) -> None:
        if bar is None:
            return
        if bar.total != summary.planned - summary.skipped:
            bar.total = summary.planned - summary.skipped
        bar.update(1)
        wall = bar.format_dict["elapsed"] or 1e-9
        bar.set_postfix(failed=summary.failed, sim_per_wall=f"{summary.simulated_s / wall:.3g}x")

    try:
        summary = sweep(
            scenario,
            out,
            jobs=jobs,
            limit=limit,
            resume=resume,
            scheduler=scheduler,
            progress=progress,
        )
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        click.echo(
            "failsim: interrupted; complete runs are kept, unfinished ones removed; "
            "continue with: failsim sweep ... --resume",
            err=True,
        )
        sys.exit(130)
    if bar is not None:
        bar.close()
    if not quiet:
        rate = summary.simulated_s / summary.wall_s if summary.wall_s > 0 else 0.0
        click.echo(
            f"sweep: {summary.planned} runs planned, {summary.skipped} already done, "
            f"{summary.completed} completed, {summary.diverged} diverged, "
            f"{summary.failed} failed in {summary.wall_s:.1f} s "
            f"({summary.simulated_s:g} s simulated, {rate:.3g}x real time)"
        )
        for run_id, error in summary.errors[:5]:
            click.echo(f"  not completed: {run_id}: {error}")
        if len(summary.errors) > 5:
            click.echo(f"  ... and {len(summary.errors) - 5} more (see runs.parquet)")
        click.echo(f"  runs: {summary.runs_path}")
    if summary.failed or summary.diverged:
        sys.exit(3)


def _print_plan(p) -> None:
    """The run table of a sweep plan, then the counts by class and split."""
    header = ["#", "run_id", "class", "inst", "rep", "split", "seed", *p.axes]
    rows = []
    for r in p.runs:
        vals = [
            "-" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v))
            for v in (r.params.get(a) for a in p.axes)
        ]
        rows.append(
            [
                str(r.index),
                r.run_id,
                r.fault_class,
                str(r.instance),
                str(r.repeat),
                r.split,
                str(r.seed),
                *vals,
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    by_class = ", ".join(f"{k} {v}" for k, v in sorted(p.counts("fault_class").items()))
    by_split = ", ".join(f"{k} {v}" for k, v in sorted(p.counts("split").items()))
    click.echo(
        f"{len(p.runs)} runs (sweep {p.sweep_id}); by class: {by_class}; by split: {by_split}"
    )


@main.command("validate")
@click.argument("files", nargs=-1, required=True)
@_friendly
def validate_cmd(files: tuple[str, ...]) -> None:
    """Check machine and scenario FILES; report every invalid one, exit 2 if any."""
    from .errors import MissingDependencyError, SpecError
    from .spec import validate_file

    failed = 0
    for f in files:
        note = ""
        try:
            spec = validate_file(f)
            if hasattr(spec, "machine"):
                from .simulation import RunEngine

                try:
                    RunEngine(spec)  # the checks that need the run's streams (fault targets)
                except MissingDependencyError as exc:
                    note = f"; not built: {exc}"
                if spec.data.get("sweep"):
                    from .sweep import check_runs, plan

                    check_runs(plan(spec), first_per_class=True)
        except SpecError as exc:
            failed += 1
            click.echo(f"failsim: error: {exc}", err=True)
            continue
        kind = "scenario" if hasattr(spec, "machine") else "machine"
        click.echo(f"ok: {f} ({kind} {spec.name}){note}")
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


@main.command("compare")
@click.argument("simulated", type=click.Path(file_okay=False))
@click.argument("real", type=click.Path(dir_okay=False))
@click.option("--run-id", default=None, help="Simulated run (default: the first completed).")
@click.option("--sim-channel", default=None, help="Simulated vibration column.")
@click.option("--real-column", default="accel_g", show_default=True, help="Real samples column.")
@click.option(
    "--real-unit",
    default="g",
    show_default=True,
    type=click.Choice(RECORDING_UNITS),
    help="Unit of the real samples.",
)
@click.option("--real-rate", type=float, default=None, help="Real sample rate, Hz.")
@click.option("--recording", default=None, help="Row of a table of recordings (CWRU layout).")
@click.option("--shaft-rpm", type=float, default=None, help="Real shaft speed, rpm.")
@click.option(
    "--bearing",
    default=None,
    help="Bearing for the defect frequencies: one of the machine's, or a designation (6205).",
)
@click.option("--machine-class", default="I", show_default=True, help="ISO 10816 class.")
@click.option("--start", "start_s", type=float, default=None, help="Simulated segment start, s.")
@click.option("--duration", "duration_s", type=float, default=None, help="Segment length, s.")
@click.option("--out", "png", type=click.Path(dir_okay=False), default=None, help="PNG path.")
@_friendly
def compare_cmd(
    simulated: str,
    real: str,
    run_id: str | None,
    sim_channel: str | None,
    real_column: str,
    real_unit: str,
    real_rate: float | None,
    recording: str | None,
    shaft_rpm: float | None,
    bearing: str | None,
    machine_class: str,
    start_s: float | None,
    duration_s: float | None,
    png: str | None,
) -> None:
    """Compare a simulated run's vibration (SIMULATED: an output directory) with a real
    recording (REAL: Parquet or CSV): statistics side by side, and a PNG of both spectra and
    squared-envelope spectra marked with the bearing's defect frequencies."""
    from .analysis.compare import (
        compare_signals,
        orders_from_metadata,
        plot_comparison,
        signal_from_file,
        signal_from_run,
    )

    sim, meta = signal_from_run(
        simulated, run_id=run_id, channel=sim_channel, start_s=start_s, duration_s=duration_s
    )
    other = signal_from_file(
        real,
        column=real_column,
        unit=real_unit,
        rate_hz=real_rate,
        recording=recording,
        shaft_rpm=shaft_rpm,
    )
    orders = orders_from_metadata(meta, bearing)
    table = compare_signals([sim, other], orders=orders, machine_class=machine_class)
    with __import__("pandas").option_context("display.width", 200, "display.max_colwidth", 40):
        click.echo(table.to_string(float_format=lambda v: f"{v:.4g}"))
    path = Path(png) if png else Path(simulated) / "plots" / "compare.png"
    plot_comparison([sim, other], path, orders=orders)
    click.echo(f"wrote {path}")


@main.command("calibrate")
@click.argument("recording", type=click.Path(dir_okay=False))
@click.option("--machine", required=True, help="Machine to start from: bundled name or YAML path.")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="YAML file to write."
)
@click.option("--column", default="accel_g", show_default=True, help="Column of the samples.")
@click.option(
    "--unit",
    default="g",
    show_default=True,
    type=click.Choice(RECORDING_UNITS),
    help="Unit of the samples.",
)
@click.option(
    "--rate",
    "rate_hz",
    type=click.FloatRange(min=0.0, min_open=True),
    default=None,
    help="Sample rate, Hz (default: from a t_s column or the table's sample_rate_hz).",
)
@click.option("--recording", "recording_name", default=None, help="Row of a table of recordings.")
@click.option(
    "--shaft-rpm",
    type=click.FloatRange(min=0.0, min_open=True),
    default=None,
    help="Shaft speed, rpm (default: estimated from the shaft orders).",
)
@click.option(
    "--line-hz",
    type=click.FloatRange(min=0.0, min_open=True),
    default=None,
    help="Line frequency, Hz (default: estimated, 50 or 60 family).",
)
@click.option(
    "--location",
    default=None,
    help="Accelerometer or bearing location of the recording (default: the first accelerometer).",
)
@click.option("--png", type=click.Path(dir_okay=False), default=None, help="Picture of the fit.")
@click.option("--force", is_flag=True, help="Replace an existing --out file.")
@_friendly
def calibrate_cmd(
    recording: str,
    machine: str,
    out: str,
    column: str,
    unit: str,
    rate_hz: float | None,
    recording_name: str | None,
    shaft_rpm: float | None,
    line_hz: float | None,
    location: str | None,
    png: str | None,
    force: bool,
) -> None:
    """Calibrate MACHINE's vibration model to RECORDING, a healthy machine's vibration
    (Parquet or CSV): estimate shaft speed, line frequency, noise floor, levels and the
    structural modes the accelerometer sees, and write the machine with its modes and
    background force replaced to --out."""
    import re

    from .analysis.calibrate import calibrate
    from .analysis.calibrate_io import check_output, read_recording, write_machine

    check_output(out, force=force)
    signal = read_recording(
        recording, column=column, unit=unit, rate_hz=rate_hz, recording=recording_name
    )
    label = Path(recording).name + (f", recording {recording_name}" if recording_name else "")
    label += f", column {column}"
    stem = Path(out).stem
    cal = calibrate(
        signal,
        machine,
        location=location,
        shaft_rpm=shaft_rpm,
        line_hz=line_hz,
        name=stem if re.fullmatch(r"[a-z0-9_]+", stem) else None,
        source=label,
    )
    click.echo(cal.table())
    click.echo("")
    click.echo(cal.mode_table())
    for note in cal.notes:
        click.echo(f"note: {note}")
    picture = None
    if png:
        from .analysis.calibrate_io import plot_calibration

        picture = plot_calibration(cal, png)
    path = write_machine(cal, out, force=force)
    click.echo(f"wrote {path} (machine {cal.machine['name']})")
    if picture is not None:
        click.echo(f"wrote {picture}")


def _read_faults(texts: tuple[str, ...]) -> list[dict]:
    """Faults from ``--fault`` values: each an inline YAML mapping or list, or a YAML / JSON
    file holding a list of faults or a scenario with ``faults:``."""
    from .errors import SpecError
    from .spec.yaml_lines import load_yaml, load_yaml_file

    faults: list[dict] = []
    for text in texts:
        path = Path(text)
        if path.suffix.lower() in (".yaml", ".yml", ".json") and path.exists():
            data, _ = load_yaml_file(path)
        else:
            data, _ = load_yaml(text, source="--fault")
        if isinstance(data, dict) and "faults" in data:
            data = data["faults"]
        items = data if isinstance(data, list) else [data]
        for item in items:
            if not isinstance(item, dict):
                raise SpecError(
                    f"a fault must be a mapping such as '{{kind: bearing_defect, target: "
                    f"bearing.drive_end, part: inner_race, size_mm: 0.18, trigger: {{at_s: 1}}}}'"
                    f", got {item!r}",
                    file="--fault",
                )
            faults.append(item)
    if not faults:
        raise SpecError("give at least one --fault", file="--fault")
    return faults


@main.command("inject")
@click.option("--baseline", required=True, type=click.Path(dir_okay=False), help="Recording.")
@click.option("--machine", required=True, help="Machine the recording was made on.")
@click.option(
    "--fault",
    "faults",
    multiple=True,
    required=True,
    help="A fault as inline YAML, or a YAML/JSON file of faults (repeatable).",
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Parquet file.")
@click.option("--labels", type=click.Path(dir_okay=False), default=None, help="Labels table.")
@click.option("--column", default="accel_g", show_default=True, help="Samples column.")
@click.option(
    "--unit",
    default="g",
    show_default=True,
    type=click.Choice(RECORDING_UNITS),
    help="Unit of the samples.",
)
@click.option("--rate", type=float, default=None, help="Sample rate, Hz.")
@click.option("--recording", default=None, help="Row of a table of recordings (CWRU layout).")
@click.option("--accelerometer", default=None, help="Which accelerometer of the machine.")
@click.option("--shaft-rpm", type=float, default=None, help="Shaft speed, rpm.")
@click.option("--line-hz", type=float, default=None, help="Line frequency, Hz.")
@click.option("--torque-n-m", type=float, default=None, help="Shaft torque, N m.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--duration", "duration_s", type=float, default=None, help="Use the first S s.")
@_friendly
def inject_cmd(
    baseline: str,
    machine: str,
    faults: tuple[str, ...],
    out: str,
    labels: str | None,
    column: str,
    unit: str,
    rate: float | None,
    recording: str | None,
    accelerometer: str | None,
    shaft_rpm: float | None,
    line_hz: float | None,
    torque_n_m: float | None,
    seed: int,
    duration_s: float | None,
) -> None:
    """Add simulated faults' vibration to a real healthy recording (hybrid data): the fault's
    response through the machine's structure and accelerometer, on a trace at the recording's
    shaft speed, added to the recording, with per-sample labels and provenance."""
    from .analysis.compare import signal_from_file
    from .analysis.inject import inject_fault

    signal = signal_from_file(
        baseline, column=column, unit=unit, rate_hz=rate, recording=recording, shaft_rpm=shaft_rpm
    )
    result = inject_fault(
        signal,
        machine,
        _read_faults(faults),
        accelerometer=accelerometer,
        line_hz=line_hz,
        shaft_torque_n_m=torque_n_m,
        seed=seed,
        duration_s=duration_s,
        source=str(baseline),
    )
    path = result.write(out, labels_path=labels)
    table = result.to_arrow()
    anomalous = sum(table.column("is_anomaly").to_pylist())
    click.echo(
        f"wrote {path}: {table.num_rows} samples, {anomalous} labelled anomalous"
        + (f"; labels in {labels}" if labels else "")
    )


if __name__ == "__main__":  # pragma: no cover
    main()
