"""Command line: ``ciatstudy build | audit | validate | import | synth | reconstruct | notebook``.

Exit code 0 on success; otherwise one clear line on stderr and a non-zero code
(2 for bad input or a bad argument).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace


DESCRIPTION = (
    "Rebuild the 2014 CIAT study (FDVA, RNMA & France Bénévolat) from its data, "
    "and run the same analysis on new survey waves."
)
WAVE_HELP = "wave name (a folder under data/raw/) or path of a wave folder holding codebook.yaml"


def check_wave_argument(value) -> str:
    """Say what is wrong with a ``--wave``/``WAVE_OR_PATH`` argument that names no wave, before loading anything.

    A wave is given by name (``2014``: the folder ``data/raw/2014/``) or by the path of a
    folder holding ``codebook.yaml``. A path is reported as the user typed it, never
    re-anchored under ``data/raw/``; a name is left for the loader to look up.

    Examples
    --------
    >>> check_wave_argument("2014")
    '2014'
    >>> check_wave_argument("no/such/folder")
    Traceback (most recent call last):
    ...
    ValueError: invalid wave name 'no/such/folder': no such folder either; expected a wave name (e.g. 2014) or a wave folder holding codebook.yaml
    """
    value = str(value)
    path = Path(value)
    expected = "expected a wave name (e.g. 2014) or a wave folder holding codebook.yaml"
    if path.is_file():
        raise ValueError(f"{value}: this is a file; {expected} (for {path.name}, give its folder: {path.parent})")
    looks_like_path = os.sep in value or "/" in value or path.suffix.lower() in {".csv", ".xlsx", ".yaml", ".yml"}
    if path.is_dir() and looks_like_path and not (path / "codebook.yaml").is_file():
        raise ValueError(f"{value}: this folder holds no codebook.yaml; {expected}")
    if looks_like_path and not path.exists():
        # neither a folder nor a valid name: say both, so that `--wave ../raw/2014` reads as the bad name it is
        shown = value if len(value) <= 60 else value[:59] + "…"
        raise ValueError(
            f"invalid wave name {shown!r}: no such {'file' if path.suffix else 'folder'} either; {expected}"
        )
    return value


def _cmd_validate(args) -> int:
    from .data.io import load_wave

    wave = load_wave(check_wave_argument(args.wave))
    sizes = ", ".join(f"{wave.codebook.segment_label(k)} {v}" for k, v in wave.segment_sizes().items())
    kind = "reconstructed " if wave.reconstructed else ""
    print(
        f"wave {wave.name}: valid — {len(wave.responses)} {kind}respondents ({sizes}), "
        f"{len(wave.codebook.questions)} questions, {len(wave.codebook.item_codes)} items, "
        f"{len(wave.tables)} other tables"
    )
    return 0


def _cmd_reconstruct(args) -> int:
    from .data.config import Paths
    from .data.io import load_codebook, read_csv, write_text
    from .data.reconstruct import PUBLISHED_FILE, reconstruct_responses, to_csv_text

    check_wave_argument(args.wave)

    raw = Paths.for_wave(args.wave).raw
    codebook = load_codebook(raw / "codebook.yaml")
    sizes = {level["code"]: int(level["n"]) for level in codebook.raw["segments"]["levels"]}
    text = to_csv_text(reconstruct_responses(codebook, read_csv(raw / PUBLISHED_FILE), sizes))
    target = raw / codebook.responses_file
    if args.write:
        write_text(text, target)
        print(f"wrote {target}")
        return 0
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if current == text:
        print(f"{target.name} is up to date with {PUBLISHED_FILE}")
        return 0
    print(f"{target.name} differs from what {PUBLISHED_FILE} gives; run with --write to regenerate it", file=sys.stderr)
    return 1


def _cmd_audit(args) -> int:
    from .audit.runner import run_audit, summary_lines
    from .data.config import Paths
    from .data.io import write_csv

    check_wave_argument(args.wave)
    result = run_audit(args.wave)
    if result.empty:  # a wave of our own survey publishes nothing: there is nothing to audit, and that is fine
        print(
            f"wave {args.wave}: nothing published to check (no published tables or narrative claims in "
            "its datapackage.json); no audit.csv written"
        )
        return 0
    target = write_csv(result, Paths.for_wave(args.wave).processed / "audit.csv")
    for line in summary_lines(result):
        print(line)
    print(f"written: {target}")
    return 0


def _cmd_build(args) -> int:
    from .pipeline.build import build

    check_wave_argument(args.wave)
    if args.baseline:
        check_wave_argument(args.baseline)
    return build(
        args.wave, only=args.only, jobs=args.jobs, force=args.force, baseline=args.baseline, pdf=not args.no_pdf
    )


def _cmd_import(args) -> int:
    from .waves.importers import run_import

    if not Path(args.file).is_file():  # named as the user gave it, so a mistyped folder shows
        raise ValueError(f"{args.file}: file not found" + (" (this is a folder)" if Path(args.file).is_dir() else ""))
    return run_import(args)


def _cmd_notebook(args) -> int:
    from .pipeline.notebooks import NotebookFailed, run_section_notebook

    check_wave_argument(args.wave)
    try:
        written = run_section_notebook(
            args.section,
            wave=args.wave,
            output=args.output,
            parameters=dict(args.parameter or ()),
            execute=not args.no_execute,
        )
    except NotebookFailed as exc:
        print(f"ciatstudy: error: {exc}", file=sys.stderr)
        return 1
    print(f"written: {written}")
    return 0


def positive_int(text: str) -> int:
    """argparse type of ``--jobs``: an integer of at least 1.

    >>> positive_int("3")
    3
    >>> positive_int("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be an integer of at least 1, got '0'
    """
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer of at least 1, got {text!r}")
    return value


# `ciatstudy build`'s defaults, for argparse and for the plain reading below alike.
BUILD_DEFAULTS = {
    "wave": "2014",
    "only": None,
    "jobs": os.cpu_count() or 1,
    "force": False,
    "baseline": None,
    "no_pdf": False,
}


def _plain_build(argv: list[str]) -> SimpleNamespace | None:
    """``build`` alone or with ``--wave W`` / ``--force``, read without argparse.

    Building argparse's parsers costs more than checking that nothing changed,
    and a no-op rebuild is what analysts run most; any other form goes through argparse.
    """
    if not argv or argv[0] != "build":
        return None
    args = SimpleNamespace(command="build", func=_cmd_build, **BUILD_DEFAULTS)
    rest = argv[1:]
    while rest:
        if rest[0] == "--force":
            args.force, rest = True, rest[1:]
        elif rest[0] == "--wave" and len(rest) > 1 and not rest[1].startswith("-"):
            args.wave, rest = rest[1], rest[2:]
        else:
            return None
    return args


def main(argv: list[str] | None = None) -> int:
    """Run ``ciatstudy`` with ``argv`` (default: the process's arguments); return the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    args = _plain_build(argv)
    if args is None:
        args = _parse(argv)
    try:
        return int(args.func(args) or 0)
    except ValueError as exc:  # DataError (bad input) or a bad argument, e.g. --only naming no section
        print(f"ciatstudy: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ciatstudy: interrupted", file=sys.stderr)
        return 130


def _help_formatter(argparse):
    """argparse's formatter, with every option's default (or "required") at the end of its help."""

    class HelpFormatter(argparse.HelpFormatter):
        def _get_help_string(self, action):
            text = action.help or ""
            if not action.option_strings or action.default is argparse.SUPPRESS or "default" in text:
                return text
            if action.required:
                return f"{text} (required)"
            if action.default is False:
                return f"{text} (default: off)"
            return f"{text} (default: {'none' if action.default is None else '%(default)s'})"

    return HelpFormatter


def _one_line_parser(argparse):
    """argparse's parser, but a bad argument gives one line on stderr (no usage block), exit code 2.

    Every error of the command line is one line; ``--help`` still shows the usage.
    """

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")

    return Parser


def _parse(argv: list[str]):
    return build_parser(argv).parse_args(argv)


def build_parser(argv: list[str] = ()):
    """The argparse parser; the import and synth options only when ``argv`` may need them (or is empty)."""
    import argparse

    from . import __version__

    formatter = _help_formatter(argparse)
    parser = _one_line_parser(argparse)(
        prog="ciatstudy",
        description=DESCRIPTION,
        formatter_class=formatter,
        epilog="Run 'ciatstudy COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, description: str | None = None):
        return sub.add_parser(
            name, help=help, description=description or help[0].upper() + help[1:] + ".", formatter_class=formatter
        )

    p = command("build", "run the section notebooks and export the report of a wave")
    p.add_argument("--wave", default=BUILD_DEFAULTS["wave"], help=WAVE_HELP)
    p.add_argument(
        "--only",
        nargs="+",
        metavar="SECTION",
        help="run only these sections: a notebook's name (choices) or one run (choices-q4) (default: all)",
    )
    p.add_argument(
        "--jobs",
        type=positive_int,
        default=BUILD_DEFAULTS["jobs"],
        metavar="N",
        help="sections run in parallel, at least 1 (default: the number of cores)",
    )
    p.add_argument("--force", action="store_true", help="re-run every section even if nothing changed")
    p.add_argument("--baseline", metavar="WAVE", help="add a section comparing the wave with this baseline wave")
    p.add_argument(
        "--no-pdf",
        action="store_true",
        help="export report.html, tables.xlsx and manifest.json but no report.pdf (faster; an older report.pdf "
        "is removed, never left beside a newer report.html)",
    )
    p.set_defaults(func=_cmd_build)

    p = command(
        "audit",
        "check every published figure of a wave's report (GRIM-style)",
        "Check every published figure of a wave's report (GRIM-style) and write "
        "data/processed/WAVE/audit.csv. A wave with nothing published (a new survey) has nothing "
        "to check: that is said in one line, with exit code 0.",
    )
    p.add_argument("--wave", default="2014", help=WAVE_HELP)
    p.set_defaults(func=_cmd_audit)

    p = command(
        "validate",
        "load and validate a wave (name or folder)",
        "Load and validate a whole wave: its codebook, answers and side tables. On error, one line "
        "names the file, row and column.",
    )
    p.add_argument("wave", metavar="WAVE_OR_PATH", help=WAVE_HELP + ", e.g. 2014 or data/raw/2014")
    p.set_defaults(func=_cmd_validate)

    p_import = command("import", "bring a survey-tool export in as a new wave")
    p_synth = command("synth", "write a synthetic survey export (tests, benchmarks)")
    if not argv or argv[0] in {"import", "synth", "-h", "--help"}:
        # The importers need pandas; other commands (a no-op build above all) must not pay for it.
        from .waves import importers
        from .waves.synth import command as synth_command

        importers.configure_parser(p_import)  # FILE --format --wave [--mapping] [--key-file]
        p_import.set_defaults(func=_cmd_import)
        synth_command.configure_parser(p_synth)  # --n --seed --format --output

    p = command("reconstruct", "check (or --write) wave 2014's reconstructed answers")
    p.add_argument("--wave", default="2014", help=WAVE_HELP)
    p.add_argument("--write", action="store_true", help="regenerate the raw file (developer action)")
    p.set_defaults(func=_cmd_reconstruct)

    p = command(
        "notebook",
        "run one section's notebook by hand and write the executed .ipynb",
        "Run one section's notebook as the build does (same parameters), through papermill, and write "
        "the executed notebook. SECTION is a section of the wave's report (profile, choices-q4, "
        "corpus-definition, ...; an unknown name lists them) or a notebook file (33-choices, "
        "notebooks/33-choices.py) with its parameters given by -p.",
    )
    p.add_argument("section", metavar="SECTION", help="a section of the wave's report, or a notebook file")
    p.add_argument("--wave", default="2014", help=WAVE_HELP)
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter (read with the type its parameters cell declares); repeatable",
    )
    p.add_argument(
        "--output",
        metavar="PATH.ipynb",
        help="executed notebook to write (default: .build/WAVE/by-hand/SECTION.ipynb, git-ignored)",
    )
    p.add_argument(
        "--no-execute",
        action="store_true",
        help="write the parameterised notebook without running it (to open in JupyterLab)",
    )
    p.set_defaults(func=_cmd_notebook)
    return parser


if __name__ == "__main__":
    sys.exit(main())
