"""The section notebooks as files: their jupytext text, their parameters, running one by hand.

The notebooks under ``notebooks/`` are jupytext ``py:percent`` files. This module
reads them without the build: :func:`notebook_fingerprint_text` gives the text a
build fingerprints (JupyterLab's saves add version lines to the header that change
nothing), :func:`coerce_parameters` reads parameters the way the notebook
declares them (papermill's ``-p wave 2014`` passes an integer), and
:func:`run_section_notebook` runs one section through papermill, as
``ciatstudy notebook`` does.

Light to import (the no-op build fingerprints notebooks through it): nothing
but ``pathlib`` at module level.
"""

from __future__ import annotations

from pathlib import Path

# Header lines that say which jupytext wrote the file, not what the notebook is.
_VERSION_KEYS = ("jupytext_version:", "format_version:")


class NotebookFailed(RuntimeError):
    """A notebook run by hand stopped at a cell (the executed notebook, up to that cell, is written)."""


def notebook_fingerprint_text(text: str) -> str:
    """A notebook's text without the jupytext header lines that name versions.

    Saving a notebook from JupyterLab may add ``jupytext_version`` and
    ``format_version`` to its YAML header; the notebook is the same, so its
    section should not re-run. Only the leading header block is touched.

    Examples
    --------
    >>> saved = "# ---\\n# jupyter:\\n#   jupytext:\\n#     text_representation:\\n#       format_version: '1.3'\\n" \\
    ...         "#       jupytext_version: 1.19.6\\n# ---\\n\\n# %%\\nx = 1  # format_version: kept\\n"
    >>> notebook_fingerprint_text(saved) == notebook_fingerprint_text(saved.replace("1.19.6", "1.16.0"))
    True
    >>> "jupytext_version" in notebook_fingerprint_text(saved), "format_version: kept" in notebook_fingerprint_text(saved)
    (False, True)
    """
    # A no-op build fingerprints every section's notebook: look at the header only, and only when needed.
    if not text.startswith(("# ---\n", "# ---\r\n")):
        return text
    end = text.find("\n# ---", 5)
    if end < 0 or "_version:" not in text[:end]:
        return text
    kept = [line for line in text[:end].split("\n") if not _is_version_line(line)]
    return "\n".join(kept) + text[end:]


def _is_version_line(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("#") and stripped[1:].strip().startswith(_VERSION_KEYS)


def declared_parameters(source: str) -> dict[str, str]:
    """Parameters of a ``parameters`` cell and their declared types, in order.

    The project's convention is one annotated line per parameter
    (``question: str = "q4"  # q2..q8``).

    >>> declared_parameters('wave: str = "2014"  # a folder\\nquestion: str = "q2"\\nsize: int = 3')
    {'wave': 'str', 'question': 'str', 'size': 'int'}
    """
    import re

    declaration = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>[A-Za-z_][\w\[\], |]*?)\s*=")
    found = {}
    for line in source.splitlines():
        match = declaration.match(line)
        if match:
            found[match["name"]] = match["type"].strip()
    return found


def _coerce(name: str, value, kind: str):
    if kind == "str" or kind.startswith("str |") or value is None:
        # papermill reads `-p wave 2014` as the integer 2014 and `-p ratio 1.0` as a float: give back the text
        return value if isinstance(value, str) else str(value)
    if kind in ("int", "float"):
        try:
            number = float(value) if kind == "float" else int(str(value).strip())
        except ValueError:
            raise ValueError(f"parameter {name!r} is declared {kind}, got {value!r}") from None
        return number
    if kind == "bool":
        text = str(value).strip().lower()
        if text not in {"true", "false", "1", "0"}:
            raise ValueError(f"parameter {name!r} is declared bool (true/false), got {value!r}")
        return text in {"true", "1"}
    return value


def coerce_parameters(given: dict, declared: dict[str, str]) -> dict:
    """Parameters as the notebook declares them: ``{"wave": 2014}`` gives ``{"wave": "2014"}``.

    Raises ``ValueError`` for a name the notebook does not declare (a typo would
    otherwise be injected and ignored) or a value its type cannot hold.

    Examples
    --------
    >>> coerce_parameters({"wave": 2014, "question": "q4"}, {"wave": "str", "question": "str"})
    {'wave': '2014', 'question': 'q4'}
    >>> coerce_parameters({"qestion": "q4"}, {"wave": "str", "question": "str"})
    Traceback (most recent call last):
    ...
    ValueError: unknown notebook parameter 'qestion'; the notebook declares: wave, question
    """
    unknown = [name for name in given if name not in declared]
    if unknown:
        raise ValueError(f"unknown notebook parameter {unknown[0]!r}; the notebook declares: {', '.join(declared)}")
    return {name: _coerce(name, value, declared[name]) for name, value in given.items()}


def wave_name(wave) -> str:
    """A wave as papermill users pass it (``2014``, an integer) or as a path, as the string the library uses.

    >>> wave_name(2014), wave_name("2014"), wave_name(Path("data/raw/2015"))
    ('2014', '2014', 'data/raw/2015')
    """
    return str(wave)


def _notebook_file(section: str, notebooks: Path) -> Path | None:
    """A notebook given as a file (``notebooks/33-choices.py``) or a file name (``33-choices``)."""
    candidate = Path(section)
    if candidate.suffix == ".py" and candidate.is_file():
        return candidate
    for name in (section, f"{section}.py"):
        if (notebooks / name).is_file():
            return notebooks / name
    return None


def resolve_section(section: str, wave: str) -> tuple[Path, dict, str]:
    """(notebook file, parameters, name) of a report section (``choices-q4``) or of a notebook file."""
    from ..data.config import Paths
    from .sections import plan, read_plan

    paths = Paths.for_wave(wave_name(wave))
    wave_plan = read_plan(wave_name(wave))
    sections = plan(wave_plan.codebook, set(wave_plan.files))
    by_slug = {s.slug: s for s in sections}
    if section in by_slug:
        chosen = by_slug[section]
        return paths.notebooks / chosen.notebook, dict(chosen.parameters), chosen.slug
    notebook = _notebook_file(section, paths.notebooks)
    if notebook is None:
        raise ValueError(
            f"no section or notebook {section!r}; wave {wave_plan.name}'s sections are "
            f"{', '.join(by_slug)} (or give a file of notebooks/)"
        )
    return notebook, {}, notebook.stem


def run_section_notebook(
    section: str, *, wave="2014", output: str | Path | None = None, parameters: dict | None = None, execute: bool = True
) -> Path:
    """Run one section's notebook through papermill and write the executed ``.ipynb``; return its path.

    Parameters
    ----------
    section : str
        A section of the wave's report (``profile``, ``choices-q4``: the build's
        names, with the build's parameters) or a notebook file (``33-choices``).
    wave : str or int
        The wave, as a name or a folder path (``2014`` as an integer is accepted).
    output : path, optional
        Where to write the notebook (default ``.build/<wave>/by-hand/<section>.ipynb``,
        which git ignores).
    parameters : dict, optional
        More parameters (values read with the types the ``parameters`` cell declares).
    execute : bool
        ``False`` writes the parameterised notebook without running it.

    Returns
    -------
    pathlib.Path
        The notebook written.
    """
    import jupytext
    import papermill

    from ..data.config import Paths
    from .startup import skip_unused_format_checkers

    skip_unused_format_checkers()
    wave = wave_name(wave)
    notebook_path, section_parameters, name = resolve_section(section, wave)
    notebook = jupytext.read(notebook_path)
    cell = next((c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])), None)
    declared = declared_parameters(cell.source) if cell is not None else {}
    values = coerce_parameters({"wave": wave, **section_parameters, **(parameters or {})}, declared)
    target = Path(output) if output else Paths.for_wave(wave).build_state / "by-hand" / f"{name}.ipynb"
    if target.suffix != ".ipynb":
        raise ValueError(f"{output}: the output must be a .ipynb file")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Kernel named explicitly: jupytext files carry a kernelspec, but papermill must not guess.
    try:
        papermill.execute_notebook(
            notebook,
            str(target),
            parameters=values,
            kernel_name="python3",
            prepare_only=not execute,
            progress_bar=False,
            cwd=str(notebook_path.parent),
        )
    except papermill.PapermillExecutionError as exc:
        raise NotebookFailed(
            f"{name} failed at cell {exc.exec_count}: {exc.ename}: {exc.evalue} (executed notebook: {target})"
        ) from None
    return target
