"""Where the bundled machines and scenarios live.

A wheel ships the repository's ``machines/`` and ``scenarios/`` folders inside the package as
``failsim/_bundled/machines`` and ``failsim/_bundled/scenarios``. In a source checkout (an
editable install, or running from the repository) they are the top-level folders next to the
``failsim`` package.
"""

from __future__ import annotations

from pathlib import Path

from failsim.errors import SpecError

#: The kinds of bundled spec, each a folder of YAML files.
KINDS: tuple[str, ...] = ("machines", "scenarios")

#: File suffixes recognised as YAML specs.
YAML_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def bundled_dir(kind: str) -> Path:
    """Return the folder of bundled specs of one kind.

    Parameters
    ----------
    kind:
        ``"machines"`` or ``"scenarios"``.

    Returns
    -------
    Path
        ``failsim/_bundled/<kind>`` if it exists (installed from a wheel), else ``<kind>``
        next to the ``failsim`` package (a source checkout). If neither exists, the first is
        returned; listing it gives no names.

    Raises
    ------
    SpecError
        If ``kind`` is not one of :data:`KINDS`.
    """
    if kind not in KINDS:
        raise SpecError(
            f"unknown kind of bundled spec {kind!r}: must be one of 'machines', 'scenarios'",
            value=kind,
        )
    installed = _PACKAGE_DIR / "_bundled" / kind
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent / kind
    if checkout.is_dir():
        return checkout
    return installed


def bundled_names(kind: str) -> list[str]:
    """Names (file stems) of the bundled specs of one kind, sorted.

    Parameters
    ----------
    kind:
        ``"machines"`` or ``"scenarios"``.

    Returns
    -------
    list of str
        One name per ``.yaml`` / ``.yml`` file; empty if the folder does not exist.
    """
    return yaml_stems(bundled_dir(kind))


def bundled_file(kind: str, name: str) -> Path | None:
    """The bundled file for a name, or ``None`` if there is none.

    Parameters
    ----------
    kind:
        ``"machines"`` or ``"scenarios"``.
    name:
        File stem, without suffix.

    Returns
    -------
    Path or None
        ``<bundled_dir(kind)>/<name>.yaml`` (or ``.yml``) if it exists.
    """
    return find_yaml(bundled_dir(kind), name)


def find_yaml(directory: Path, name: str) -> Path | None:
    """``<directory>/<name>.yaml`` or ``.yml`` if one of them is a file, else ``None``."""
    for suffix in YAML_SUFFIXES:
        candidate = directory / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def yaml_stems(directory: Path) -> list[str]:
    """Sorted, unique stems of the YAML files in ``directory`` (empty if it does not exist)."""
    if not directory.is_dir():
        return []
    return sorted(
        {p.stem for p in directory.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file()}
    )


def list_machines() -> list[str]:
    """Names of the bundled machines, sorted.

    Returns
    -------
    list of str
        File stems of ``bundled_dir("machines")``; each can be passed to
        :func:`failsim.spec.load_machine`.
    """
    return bundled_names("machines")


def list_scenarios() -> list[str]:
    """Names of the bundled scenarios, sorted.

    Returns
    -------
    list of str
        File stems of ``bundled_dir("scenarios")``; each can be passed to
        :func:`failsim.spec.load_scenario`.
    """
    return bundled_names("scenarios")
