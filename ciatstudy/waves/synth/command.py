"""``ciatstudy synth``: a synthetic export written as a CSV file or an XLSX workbook, and its command-line options."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ...errors import DataError
from .exports import csv_bytes, export_rows
from .questionnaire import FORMATS
from .respondents import synth_wave

__all__ = ["synth", "configure_parser", "run_synth"]


def _xlsx_value(text: str, format: str):
    if re.fullmatch(r"-?[1-9]\d{0,14}|0", text) and format != "plain":
        return int(text)
    return text if text != "" else None


def synth(n: int, seed: int, format: str, output: str | Path | None = None) -> Path:
    """Write a synthetic export of ``n`` respondents as ``format`` writes it; return its path.

    ``output`` ending in ``.xlsx`` gives a workbook (two header rows for
    SurveyMonkey, numbers as numbers), anything else the tool's CSV: UTF-8 with
    BOM for SurveyMonkey, ``;`` and quoted fields for LimeSurvey and
    KoboToolbox, Windows-1252 with ``;`` for the plain table (Excel's French
    "CSV"). Default output: ``synth-<format>-n<n>-s<seed>.csv``.
    """
    from ...data.io import atomic_path

    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {FORMATS}")
    rows = export_rows(synth_wave(n, seed), format)
    target = Path(output or f"synth-{format}-n{n}-s{seed}.csv")
    with atomic_path(target) as tmp:
        if target.suffix.lower() == ".xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = {"kobo": "CIAT 2025", "surveymonkey": "Sheet"}.get(format, "Réponses")
            for row in rows:
                sheet.append([_xlsx_value(v, format) for v in row])
            book.save(tmp)
        else:
            tmp.write_bytes(csv_bytes(rows, format))
    return target


# --------------------------------------------------------------------------- command line
def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Arguments of ``ciatstudy synth``."""
    parser.add_argument("--n", type=int, required=True, help="number of respondents")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same file)")
    parser.add_argument("--format", required=True, choices=FORMATS, help="the survey tool whose export to imitate")
    # Required: the file holds made-up names and e-mails, which must not land unnoticed in the checkout.
    parser.add_argument("--output", metavar="PATH", required=True, help="file to write (.csv or .xlsx)")
    parser.set_defaults(func=run_synth)
    return parser


def run_synth(args: argparse.Namespace) -> int:
    if args.n < 1:
        raise DataError(f"--n must be at least 1, got {args.n}")
    path = synth(args.n, args.seed, args.format, args.output)
    print(
        f"wrote {path}: synthetic {args.format} export of {args.n} respondents (seed {args.seed}); "
        "fictitious names and contacts"
    )
    return 0
