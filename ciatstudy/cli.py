"""Command line: ``ciatstudy build | audit | validate | import | synth | reconstruct``.

Exit code 0 on success; otherwise one clear line on stderr and a non-zero code.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace


def _cmd_validate(args) -> int:
    from .io import load_wave

    wave = load_wave(args.wave)
    sizes = ", ".join(f"{wave.codebook.segment_label(k)} {v}" for k, v in wave.segment_sizes().items())
    kind = "reconstructed " if wave.reconstructed else ""
    print(f"wave {wave.name}: valid — {len(wave.responses)} {kind}respondents ({sizes}), "
          f"{len(wave.codebook.questions)} questions, {len(wave.codebook.item_codes)} items, "
          f"{len(wave.tables)} other tables")
    return 0


def _cmd_reconstruct(args) -> int:
    from .config import Paths
    from .io import load_codebook, read_csv, write_text
    from .reconstruct import PUBLISHED_FILE, reconstruct_responses, to_csv_text

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
    print(f"{target.name} differs from what {PUBLISHED_FILE} gives; run with --write to regenerate it",
          file=sys.stderr)
    return 1


def _cmd_audit(args) -> int:
    from .audit import run_audit, summary_lines
    from .config import Paths
    from .io import write_csv

    result = run_audit(args.wave)
    target = write_csv(result, Paths.for_wave(args.wave).processed / "audit.csv")
    for line in summary_lines(result):
        print(line)
    print(f"written: {target}")
    return 0


def _cmd_build(args) -> int:
    from .build import build

    return build(args.wave, only=args.only, jobs=args.jobs, force=args.force, baseline=args.baseline)


# `ciatstudy build`'s defaults, for argparse and for the plain reading below alike.
BUILD_DEFAULTS = {"wave": "2014", "only": None, "jobs": os.cpu_count() or 1, "force": False, "baseline": None}


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


def _parse(argv: list[str]):
    import argparse

    parser = argparse.ArgumentParser(prog="ciatstudy", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="run the section notebooks and export the report of a wave")
    p.add_argument("--wave", default=BUILD_DEFAULTS["wave"])
    p.add_argument("--only", nargs="+", metavar="SECTION", help="run only these sections")
    p.add_argument("--jobs", type=int, default=BUILD_DEFAULTS["jobs"], help="parallel sections (default: cores)")
    p.add_argument("--force", action="store_true", help="re-run every section even if nothing changed")
    p.add_argument("--baseline", metavar="WAVE", help="add a section comparing the wave with this baseline wave")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("audit", help="check every published figure of a wave's report (GRIM-style)")
    p.add_argument("--wave", default="2014")
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser("validate", help="load and validate a wave (name or folder)")
    p.add_argument("wave", metavar="WAVE_OR_PATH")
    p.set_defaults(func=_cmd_validate)

    p_import = sub.add_parser("import", help="bring a survey-tool export in as a new wave")
    p_synth = sub.add_parser("synth", help="write a synthetic survey export (tests, benchmarks)")
    if not argv or argv[0] in {"import", "synth", "-h", "--help"}:
        # The importers need pandas; other commands (a no-op build above all) must not pay for it.
        from . import importers, synth

        importers.configure_parser(p_import)  # FILE --format --wave [--mapping] [--key-file]
        synth.configure_parser(p_synth)  # --n --seed --format --output

    p = sub.add_parser("reconstruct", help="check (or --write) wave 2014's reconstructed answers")
    p.add_argument("--wave", default="2014")
    p.add_argument("--write", action="store_true", help="regenerate the raw file (developer action)")
    p.set_defaults(func=_cmd_reconstruct)

    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
