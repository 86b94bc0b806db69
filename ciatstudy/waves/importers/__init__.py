"""``ciatstudy import``: bring a survey-tool export in as a new wave, without personal data.

::

    ciatstudy import export.csv --format surveymonkey --wave 2025 [--mapping m.yaml] [--key-file ~/k]
    ciatstudy import export.csv --format surveymonkey --wave 2025 --suggest-mapping m.yaml

reads the export (SurveyMonkey, LimeSurvey, Google Forms, KoboToolbox, or a
plain table in codebook codes; CSV in any usual encoding and delimiter, or
XLSX), maps it onto the questionnaire's codebook — what the mapping does not
say exactly is matched automatically by wording and answer shape
(:mod:`.matching`), every match shown with its score; ambiguous or missing
matches stop the import, all listed at once —, drops personal data, and
writes ``data/raw/<wave>/``:

``codebook.yaml``
    the questionnaire's codebook, with this wave's metadata and
    ``responses: {file: responses.csv, reconstructed: false}``;
``responses.csv``
    one row per respondent: id, segment, one column per item (3/2/1, 1/0, empty);
``quotes.csv``
    the free-text answers (``quote_id, respondent_id, segment, corpus, text,
    source``), with identifiers replaced by tags such as ``[courriel]``;
``datapackage.json``
    describes both tables (Frictionless Data);
``README.md``
    where and when the export came from (file, format, SHA-256, date), what
    was dropped and why, and the command that made the folder.

Everything is built in a temporary folder next to the target, validated with
:func:`ciatstudy.data.io.load_wave`, and moved into place in one rename: a failed
import leaves nothing behind. An existing wave is never overwritten.

Examples
--------
>>> FORMATS
('surveymonkey', 'limesurvey', 'google', 'kobo', 'plain')
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
from pathlib import Path

import yaml

from ...data.codebook import Codebook
from ...data.config import Paths, check_wave_name, project_root
from ...errors import DataError
from ..privacy import key_id, load_key, recorded_file_name
from .decode import Plan, assign_roles, decode_rows
from .layouts import FORMATS, Export, parse
from .mapping import Mapping, load_mapping
from .match_results import Matching, MatchError
from .matching import match_export
from .reading import read_grid
from .suggest import suggestion_yaml
from .summary import ImportSummary, _submitted
from .tables import _check_duplicate_emails, _ids, _quotes_frame, _redactor, _responses_frame
from .wave_files import _write_wave

__all__ = [
    "FORMATS",
    "ImportSummary",
    "import_export",
    "suggest_mapping",
    "read_export",
    "configure_parser",
    "run_import",
]


# --------------------------------------------------------------------------- reading
def read_export(file: str | os.PathLike, format: str) -> Export:
    """Read an export file and its header rows (no mapping yet): for inspection and tests.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "formulaire.csv"
    >>> _ = path.write_text("Horodateur,Votre structure est-elle une MDA ?,Q1 [Ligne un]\\n"
    ...                     "03/03/2025 10:00:00,Oui,D'accord\\n", encoding="utf-8")
    >>> export = read_export(path, "google")
    >>> [c.readings[0] for c in export.columns]
    [('Horodateur', None), ('Votre structure est-elle une MDA ?', None), ('Q1', 'Ligne un')]
    """
    path = Path(file)
    return parse(read_grid(path, display=path.name), format)


def _questionnaire(root: Path, questionnaire: str | os.PathLike | None) -> tuple[Codebook, dict]:
    from ...data.io import load_codebook

    path = Path(questionnaire) if questionnaire else Paths.for_wave("2014", root).raw / "codebook.yaml"
    codebook = load_codebook(path)
    return codebook, yaml.load(
        path.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )  # noqa: S506 - safe


def import_export(
    file: str | os.PathLike,
    *,
    format: str,
    wave: str,
    mapping: str | os.PathLike | None = None,
    key_file: str | os.PathLike | None = None,
    root: str | os.PathLike | None = None,
    questionnaire: str | os.PathLike | None = None,
    link: bool | None = None,
    command: str | None = None,
) -> ImportSummary:
    """Import a survey-tool export as wave ``wave``: see the module docstring.

    Parameters
    ----------
    file : path
        The export (CSV or XLSX).
    format : {"surveymonkey", "limesurvey", "google", "kobo", "plain"}
    wave : str
        Name of the new wave (folder ``data/raw/<wave>/``, which must not exist).
    mapping : path, optional
        YAML laid over the format's default mapping (see :mod:`.mapping`).
    key_file : path, optional
        Pseudonymisation key (outside the repository). Giving one, or setting
        ``CIATSTUDY_PSEUDONYM_KEY``/``_FILE``, asks for keyed pseudonyms.
    root : path, optional
        Project root (default: ``CIATSTUDY_ROOT`` or the package's checkout).
    questionnaire : path, optional
        Codebook of the questionnaire (default: wave 2014's).
    link : bool, optional
        Force (True) or refuse (False) pseudonyms; default: whether a key is available.

    Returns
    -------
    ImportSummary

    Raises
    ------
    DataError
        Any problem with the export, the mapping or the key, naming the file,
        row and column; nothing is written then.
    """
    root = Path(root) if root else project_root()
    target = _new_wave_folder(file, format, wave, root)
    codebook, raw_codebook = _questionnaire(root, questionnaire)
    maps: Mapping = load_mapping(format, codebook, mapping)
    if link is None:
        link = bool(
            key_file or os.environ.get("CIATSTUDY_PSEUDONYM_KEY") or os.environ.get("CIATSTUDY_PSEUDONYM_KEY_FILE")
        )
    key = load_key(key_file, repository=root) if link else None

    export = read_export(file, format)
    found: Matching = match_export(export, maps, codebook)
    if found.problems:
        raise MatchError(export.file, found.problems)
    plan: Plan = assign_roles(export, maps, codebook)
    respondents, skipped = decode_rows(export, plan, maps, codebook)
    _check_duplicate_emails(respondents, export)
    ids, unlinked = _ids(respondents, str(wave), key, export)
    responses = _responses_frame(respondents, ids, codebook)
    quotes, dropped = _quotes_frame(respondents, ids, redactor := _redactor(respondents), format)

    sizes, answered = _answer_counts(responses, codebook)
    roles = plan.roles
    summary = ImportSummary(
        wave=str(wave),
        folder=target,
        source=recorded_file_name(export.file, export.grid.sha256, redactor),
        format=format,
        sha256=export.grid.sha256,
        size=export.grid.size,
        reading=", ".join(export.grid.notes) or export.grid.container.upper(),
        respondents=len(respondents),
        segments=sizes,
        answered=answered,
        quotes=len(quotes),
        redactions=redactor.count,
        redaction_counts=dict(redactor.counts),
        identifiers=[(c.where, roles[c.index].identifier) for c in plan.of("identifier")],
        ignored=[c.where for c in plan.of("ignore")],
        unmapped=[c.where for c in plan.of("unmapped")],
        missing_items=plan.missing_items,
        absent_questions=[q for q, m in maps.questions.items() if m.absent],
        skipped_rows=skipped,
        other_texts_dropped=dropped,
        pseudonymised=key is not None,
        key_id=key_id(key) if key else "",
        unlinked=unlinked,
        mapping_files=maps.files,
        submitted=_submitted(export),
        matches=[m.line() for m in found.fuzzy()],
        mapping_notes=maps.notes,
        corpora={str(k): int(v) for k, v in quotes["corpus"].value_counts().items()},
        ticked_nothing={q.id: len(respondents) - answered[q.id] for q in codebook.questions if q.kind != "agreement3"},
        bases={q.id: q.base for q in codebook.questions if q.kind != "agreement3"},
    )
    today = _dt.date.today().isoformat()
    command = command or (
        f"ciatstudy import {summary.source} --format {format} --wave {wave}"
        + (f" --mapping {Path(mapping).name}" if mapping else "")
        + (" --key-file <key outside the repository>" if key else "")
    )
    _write_wave(target, summary, responses, quotes, raw_codebook, codebook, sizes, today, command)
    return summary


def _new_wave_folder(file: str | os.PathLike, format: str, wave: str, root: Path) -> Path:
    """The raw folder of the new wave, once the format and the wave's name are known good and the folder is free."""
    if format not in FORMATS:
        raise DataError(
            f"unknown format {format!r}; expected one of {', '.join(FORMATS)}", file=Path(file).name, row=1, column="A"
        )
    try:
        check_wave_name(wave)  # the one check of every command that takes a wave
    except ValueError as exc:
        raise DataError(str(exc)) from None
    target = Paths.for_wave(str(wave), root).raw
    if target.exists():
        raise DataError(
            f"wave {wave} already exists ({target}); raw data are read-only: choose another wave name, "
            "or remove the folder to import again"
        )
    return target


def _answer_counts(responses, codebook: Codebook) -> tuple[dict[str, int], dict[str, int]]:
    """Respondents per segment code, and respondents answering each question (at least one item)."""
    sizes = {code: int((responses[codebook.segment_variable] == code).sum()) for code in codebook.segment_codes}
    answered = {}
    for q in codebook.questions:
        cols = responses[q.codes]
        answered[q.id] = int((cols != "").any(axis=1).sum())
    return sizes, answered


def suggest_mapping(
    file: str | os.PathLike,
    *,
    format: str,
    output: str | os.PathLike,
    mapping: str | os.PathLike | None = None,
    root: str | os.PathLike | None = None,
    questionnaire: str | os.PathLike | None = None,
) -> Matching:
    """Write the complete mapping that automatic matching finds for ``file``, for review; write nothing else.

    The YAML names the segment, every question, item and answer label the
    export uses (exact ones included, so the file is complete on its own),
    with each match's score as a comment, the doubtful ones marked
    ``REVIEW``, and the columns matched to nothing listed at the end. Passed
    back with ``--mapping``, it gives the same wave as the automatic import.

    Returns
    -------
    Matching
        What was found (the problems are written in the file, not raised).
    """
    from ...data.io import atomic_path

    root = Path(root) if root else project_root()
    if format not in FORMATS:
        raise DataError(
            f"unknown format {format!r}; expected one of {', '.join(FORMATS)}", file=Path(file).name, row=1, column="A"
        )
    codebook, _ = _questionnaire(root, questionnaire)
    maps: Mapping = load_mapping(format, codebook, mapping)
    export = read_export(file, format)
    found = match_export(export, maps, codebook)
    target = Path(output)
    if target.resolve() == Path(file).resolve():
        raise DataError("--suggest-mapping would overwrite the export itself; name another file", file=str(output))
    # The analyst chooses where the mapping goes (like synth's --output): not one of the project's outputs.
    with atomic_path(target) as tmp:
        tmp.write_text(suggestion_yaml(export, found, codebook), encoding="utf-8")
    return found


# --------------------------------------------------------------------------- command line
def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Arguments of ``ciatstudy import`` (used by :mod:`ciatstudy.cli`)."""
    parser.add_argument("file", metavar="FILE", help="the survey tool's export (CSV or XLSX)")
    parser.add_argument("--format", required=True, choices=FORMATS, help="the tool that wrote the export")
    parser.add_argument("--wave", required=True, help="name of the new wave, e.g. 2025 (data/raw/WAVE/ must not exist)")
    parser.add_argument("--mapping", metavar="MAPPING.yaml", help="mapping laid over the format's default one")
    parser.add_argument(
        "--suggest-mapping",
        metavar="MAPPING.yaml",
        dest="suggest_mapping",
        help="write the mapping that automatic matching finds (for review, then --mapping) and nothing else",
    )
    parser.add_argument(
        "--key-file",
        metavar="KEY",
        help="pseudonymisation key, outside the repository: "
        "respondent ids become keyed pseudonyms, linkable across waves",
    )
    parser.set_defaults(func=run_import)
    return parser


def run_import(args: argparse.Namespace) -> int:
    """Run an import from parsed arguments and print its summary (DataError propagates)."""
    if getattr(args, "suggest_mapping", None):
        found = suggest_mapping(args.file, format=args.format, output=args.suggest_mapping, mapping=args.mapping)
        print(
            f"wrote {args.suggest_mapping}: a mapping for {Path(args.file).name} — {len(found.matches)} matches "
            f"({len(found.fuzzy())} automatic), {len(found.problems)} to settle (marked REVIEW), "
            f"{len(found.unmatched)} columns matched to nothing; nothing else was written. Review it, then: "
            f"ciatstudy import {Path(args.file).name} --format {args.format} --wave {args.wave} "
            f"--mapping {args.suggest_mapping}"
        )
        return 0
    summary = import_export(args.file, format=args.format, wave=args.wave, mapping=args.mapping, key_file=args.key_file)
    print(summary.text())
    return 0
