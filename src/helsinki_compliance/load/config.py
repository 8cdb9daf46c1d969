"""Where the data is: a data directory, and the catalogue it extends.

A data directory holds ``commitments/``, ``observations/`` and ``goals/`` (any of them). A user's
own corpus usually holds only observations and goals and *extends* the bundled catalogue and
corpus, declared in ``helsinki-compliance.toml`` at its top::

    extends = "bundled"        # the catalogue, sources, cases and observations shipped with the tool
    # extends = "catalogue"    # only the bundled commitments/ (no bundled observations or goals)
    # extends = "../other"     # another data directory
    # extends = "none"         # stand-alone

or in ``pyproject.toml`` as ``[tool.helsinki-compliance]`` with ``data = "corpus"`` (the data
directory, relative to the pyproject) and the same ``extends``.

Which directory: ``--data DIR`` (or ``HELSINKI_COMPLIANCE_DATA``); else the current directory
when it is a data directory or has a config; else the bundled data.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from helsinki_compliance.errors import DataError, Problem, UsageError, did_you_mean
from helsinki_compliance.storage import atomic_write, read_bounded

CONFIG_NAME = "helsinki-compliance.toml"
PACKAGE_DATA = Path(__file__).parents[1] / "data"
_CHECKOUT = Path(__file__).resolve().parents[3]  # a source checkout (editable install)
DATA_DIRS = ("commitments", "observations", "goals")
EXTENDS = ("bundled", "catalogue", "none")


@dataclass(frozen=True)
class DataConfig:
    """The data directory, the base it extends (or None), and the config file read (if any).

    ``chosen`` is False when no data directory was named or found and the bundled data was
    taken as the fallback: that data ships with the tool and is read-only (:func:`writable`)."""

    root: Path
    base: Path | None = None
    base_dirs: tuple[str, ...] = DATA_DIRS
    config: Path | None = None
    chosen: bool = True


def bundled_data_dir() -> Path | None:
    """The data shipped with the package (in a wheel), or the source checkout's (editable install)."""
    if (PACKAGE_DATA / "commitments").is_dir():
        return PACKAGE_DATA
    if (_CHECKOUT / "commitments").is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return _CHECKOUT
    return None


#: The largest config file read (a config is a few lines).
MAX_CONFIG_BYTES = 1024 * 1024


def _text(path: Path) -> str:
    """A config file's text, through the tool's one bounded, non-blocking reader."""
    return read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")


def _read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise DataError([Problem(str(path), int(m.group(1)) if m else 0, "", f"TOML syntax: {exc}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Problem(str(path), 0, "", f"cannot read: {exc}")]) from None


def _line_of(path: Path, key: str) -> int:
    try:
        text = _text(path)
    except (OSError, UnicodeDecodeError):
        return 0
    for i, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return i
    return 0


def _settings(path: Path, table: dict[str, object], allowed: tuple[str, ...]) -> dict[str, str]:
    problems = []
    out: dict[str, str] = {}
    for k, v in table.items():
        if k not in allowed:
            problems.append(Problem(str(path), _line_of(path, k), k, f"unknown setting{did_you_mean(k, allowed)}"))
        elif not isinstance(v, str):
            problems.append(Problem(str(path), _line_of(path, k), k, "expected a string"))
        else:
            out[k] = v
    if problems:
        raise DataError(problems)
    return out


def _resolve(root: Path, settings: dict[str, str], config: Path | None) -> DataConfig:
    extends = settings.get("extends", "none")
    if extends == "none":
        return DataConfig(root, None, DATA_DIRS, config)
    if extends in ("bundled", "catalogue"):
        base = bundled_data_dir()
        if base is None:
            raise UsageError("extends = 'bundled', but no bundled data was found (reinstall the package)")
        if base.resolve() == root.resolve():
            return DataConfig(root, None, DATA_DIRS, config)
        return DataConfig(root, base, DATA_DIRS if extends == "bundled" else ("commitments",), config)
    base = (config.parent if config else root) / extends
    if not base.is_dir():
        where = f"{config}:{_line_of(config, 'extends')}: extends" if config else "extends"
        raise UsageError(f"{where}: data directory {str(base)!r} does not exist (or use one of {', '.join(EXTENDS)})")
    return DataConfig(root, base, DATA_DIRS, config)


def data_config(data: str | Path | None = None, cwd: Path | None = None) -> DataConfig:
    """Find the data directory and what it extends (see the module docstring)."""
    if data is not None:
        root = Path(data)
        if not root.is_dir():
            raise UsageError(f"data directory {str(root)!r} does not exist")
        return _from_dir(root)
    here = cwd or Path.cwd()
    if (here / CONFIG_NAME).is_file() or any((here / d).is_dir() for d in ("commitments",)):
        return _from_dir(here)
    pyproject = here / "pyproject.toml"
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {})
        table = tool.get("helsinki-compliance") if isinstance(tool, dict) else None
        if isinstance(table, dict):
            settings = _settings(pyproject, table, ("data", "extends"))
            root = here / settings.get("data", ".")
            if not Path(settings.get("data", ".")).is_absolute() and not root.resolve().is_relative_to(here.resolve()):
                line = _line_of(pyproject, "data")
                raise UsageError(
                    f"{pyproject}:{line}: data: {settings['data']!r} leads outside the project (to {root.resolve()}) "
                    "through '..' or a symbolic link; give its absolute path"
                )
            if not root.is_dir():
                raise UsageError(f"{pyproject}: data directory {str(root)!r} does not exist")
            return _resolve(root, settings, pyproject)
    if (here / "observations").is_dir():
        return _from_dir(here)
    bundled = bundled_data_dir()
    if bundled is None:
        raise UsageError(
            "no data directory: run inside a directory with commitments/, or name one (the data directory argument)"
        )
    return DataConfig(bundled, chosen=False)


def writable(cfg: DataConfig, command: str) -> None:
    """Refuse to write into the bundled data when it was taken only because no data directory was
    given (``--data``, ``HELSINKI_COMPLIANCE_DATA``, a config, or the current directory): it ships
    with the tool, and an upgrade would lose what was written there. A data directory the user
    names (``--data .`` in a checkout) is written as asked."""
    if cfg.chosen:
        return
    raise UsageError(
        f"{command}: no data directory was given, and the bundled data ({cfg.root}) is read-only. "
        "Make your own corpus, which extends the bundled one: `helsinki-compliance init my-corpus`, "
        f"then `cd my-corpus` and run `helsinki-compliance {command} ...` there (or pass --data my-corpus)"
    )


def _from_dir(root: Path) -> DataConfig:
    cfg = root / CONFIG_NAME
    if cfg.is_file():
        return _resolve(root, _settings(cfg, _read_toml(cfg), ("extends",)), cfg)
    return DataConfig(root)


INIT_CONFIG = """\
# helsinki-compliance data directory: your own observations and goals.
# extends = "bundled": use the bundled catalogue, sources, cases and observations as well;
# "catalogue": only the bundled commitments; "none": stand-alone; or a path to another data dir.
extends = "bundled"
"""

INIT_SOURCES = """\
# yaml-language-server: $schema={schemas}/sources.schema.json
# Your sources. Every observation cites one by id. Example:
#  - id: my-source
#    title: "Radio Liberty no longer jammed"
#    author: "A newspaper report"
#    date: "1988-12-01"
#    kind: press            # primary, government-document, ngo-report, scholarship, secondary, press
#    reliability: medium    # high, medium, low
sources: []
"""

INIT_OBSERVATIONS = """\
# yaml-language-server: $schema={schemas}/observations.schema.json
# Your observations: add them with `helsinki-compliance observe add` (or by hand).
observations: []
"""


def check_extends(target: Path, extends: str) -> Path | None:
    """Check an ``extends`` value for :func:`init`; the directory it names (None for a keyword)."""
    if extends in EXTENDS:
        return None
    if (
        not extends
        or any(ch in extends for ch in '"\\')
        or any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in extends)
    ):
        raise UsageError(
            f"extends {extends!r}: use {', '.join(EXTENDS)} or a path without quotes, backslashes or control characters"
        )
    base = Path(extends) if Path(extends).is_absolute() else target / extends
    if not base.is_dir():
        raise UsageError(
            f"extends {extends!r}: data directory {str(base)!r} does not exist (or use one of {', '.join(EXTENDS)})"
        )
    return base


def init(target: Path, extends: str = "bundled") -> list[Path]:
    """Create a data directory that extends the bundled data; refuse to overwrite anything.

    ``extends`` is one of :data:`EXTENDS` or the path of an existing data directory (relative to
    ``target``); text that TOML would need to escape (quotes, backslashes, control characters) is
    refused, so the config written is always valid."""
    check_extends(target, extends)

    files = {
        target / CONFIG_NAME: INIT_CONFIG.replace('extends = "bundled"', f'extends = "{extends}"'),
        target / "observations" / "sources.yaml": INIT_SOURCES,
        target / "observations" / "observations.yaml": INIT_OBSERVATIONS,
    }
    existing = [str(p) for p in files if p.exists()]
    if existing:
        raise UsageError(f"refusing to overwrite: {', '.join(existing)}")
    bundled = bundled_data_dir()
    schemas = (bundled / "schemas").resolve().as_uri() if bundled and (bundled / "schemas").is_dir() else "../schemas"
    (target / "goals").mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.replace("{schemas}", schemas))
    return list(files)
