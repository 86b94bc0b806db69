"""The report's sections, in the order of the study, and what each one reads.

A section is one run of one notebook with its parameters. The questions 2–8
notebook runs once per choice question of the wave's codebook.
"""

from __future__ import annotations

from collections import namedtuple

# One run of one notebook. A plain named tuple — not a dataclass, not typing.NamedTuple — because a
# no-op build imports this module and must cost little more than starting Python.
#   slug: unique name of the run (output notebook, --only, progress lines)
#   notebook: file under notebooks/ (jupytext py:percent)
#   title: French heading in the report and its table of contents
#   parameters: papermill parameters besides the wave (never mutated)
#   reads: raw resources it reads ("responses" = the answers file)
#   position: where it goes in the report (see SPECS)
Section = namedtuple("Section", "slug notebook title parameters reads position", defaults=({}, (), ()))


class SectionSpec:
    """A notebook of the report, expanded into one or more sections for a given wave."""

    def __init__(
        self,
        name: str,
        notebook: str,
        title: str,
        *,
        reads: tuple[str, ...] = (),
        requires: tuple[str, ...] = (),
        per_question: tuple[str, ...] = (),
        per_corpus: bool = False,
        rank: int = 0,
        parts: tuple[tuple[str, str], ...] = (),
    ):
        self.name, self.notebook, self.title, self.reads = name, notebook, title, reads
        self.requires = requires  # side tables without which the section does not apply
        self.per_question = per_question  # question kinds to run once each for
        self.per_corpus = per_corpus  # run once per free-text corpus of the codebook
        self.rank = rank  # report order; questions and their corpora sort within it
        self.parts = parts  # (part, side table): sub-sections shown only with their table

    def expand(self, codebook, available: set[str]) -> list[Section]:
        if not set(self.requires) <= available:
            return []
        if self.per_corpus:
            return [
                Section(
                    f"{self.name}-{c['id']}",
                    self.notebook,
                    f"Corpus — {c['title']}",
                    {"corpus": c["id"]},
                    self.reads,
                    _corpus_position(c["id"], codebook, self.rank),
                )
                for c in codebook.raw.get("free_text", [])
                if c["id"] in CORPORA and _has_answers(c)
            ]
        if not self.per_question:
            return [Section(self.name, self.notebook, self.title, {}, self.reads, (self.rank, 0, 0))]
        return [
            Section(
                f"{self.name}-{q.id}",
                self.notebook,
                f"Question {q.number} : {q.title}",
                {"question": q.id},
                self.reads,
                (self.rank, q.number, 0),
            )
            for q in codebook.questions
            if q.kind in self.per_question
        ]


def _has_answers(corpus: dict) -> bool:
    """Whether a free-text corpus has answers in the wave (``answers`` is written by the import; 2014's
    quoted corpora have no count and are all there)."""
    return corpus.get("answers") is None or int(corpus["answers"]) > 0


# The corpora the report rebuilds, and where each goes: before the questions (definitions, arguments),
# right after the question it explains, or after the conclusions (the panorama of examples).
CORPORA = {
    "definition": ("before", 1),
    "argument": ("before", 2),
    "q3_explanation": ("after", "q3"),
    "q4_remark": ("after", "q4"),
    "panorama": ("end", 1),
}
QUESTIONS_RANK = 32


def _corpus_position(corpus: str, codebook, rank: int) -> tuple:
    where, key = CORPORA[corpus]
    if where == "before":
        return (QUESTIONS_RANK - 1, key, 0)
    if where == "after":
        number = next((q.number for q in codebook.questions if q.id == key), 99)
        return (QUESTIONS_RANK, number, 1)
    return (rank, key, 0)


# Report order, findings first (issue 14): after the summary and the method (written by the report itself),
# the survey — who answered, the free-text definitions, questions 1 to 8, the conclusions table, the
# panorama of examples, the evolution since a baseline wave —, then the two programmes (Solidâges 21, the
# 2012 call), Annexe II, the audit; the technical appendix and the provenance close the report.
SPECS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "solidages",
        "10-solidages.py",
        "Le programme « Solidâges 21 »",
        rank=50,
        reads=("solidages21_figures", "objets_transactionnels"),
        requires=("solidages21_figures", "objets_transactionnels"),
    ),
    SectionSpec(
        "call",
        "11-call-for-projects.py",
        "L'appel à projets Fondation SNCF / RNMA (bilan 2012)",
        rank=51,
        reads=("sncf_call_2012", "sncf_call_2012_sectors", "sncf_call_2012_cooperation_forms"),
        requires=("sncf_call_2012", "sncf_call_2012_sectors", "sncf_call_2012_cooperation_forms"),
    ),
    SectionSpec(
        "persons",
        "20-resource-persons.py",
        "Annexe II : personnes ressources",
        rank=60,
        reads=("resource_persons",),
        requires=("resource_persons",),
    ),
    SectionSpec(
        "profile",
        "30-profile.py",
        "Qui a répondu ?",
        rank=30,
        reads=("responses", "respondents", "respondent_sectors", "staff_bands"),
        parts=(("list", "respondents"), ("staff", "staff_bands"), ("sectors", "respondent_sectors")),
    ),
    SectionSpec(
        "agreement",
        "32-agreement.py",
        "",
        reads=("responses", "published_tables"),
        per_question=("agreement3",),
        rank=QUESTIONS_RANK,
    ),
    SectionSpec(
        "choices",
        "33-choices.py",
        "",
        reads=("responses", "published_tables"),
        per_question=("multi", "single"),
        rank=QUESTIONS_RANK,
    ),
    SectionSpec(
        "corpus",
        "35-corpus.py",
        "",
        reads=("quotes", "respondents", "panorama_typology"),
        requires=("quotes",),
        per_corpus=True,
        rank=41,
    ),
    SectionSpec(
        "conclusions",
        "40-conclusions.py",
        "Annexe III : apport de l'enquête aux conclusions",
        rank=40,
        reads=("responses", "conclusions_survey", "conclusion_items"),
        requires=("conclusions_survey", "conclusion_items"),
    ),
    SectionSpec(
        "audit",
        "90-audit.py",
        "Contrôle de cohérence des chiffres publiés",
        rank=90,
        reads=(
            "published_tables",
            "narrative_claims",
            "respondents",
            "respondent_sectors",
            "staff_bands",
            "sncf_call_2012",
            "sncf_call_2012_sectors",
            "sncf_call_2012_cooperation_forms",
            "solidages21_figures",
            "objets_transactionnels",
        ),
        requires=("published_tables",),
    ),
)


def comparison_section(baseline: str) -> Section:
    """The section comparing a wave with a baseline wave (``build --baseline``)."""
    return Section(
        "comparison",
        "60-comparison.py",
        f"Évolutions depuis la vague {baseline}",
        {"baseline": baseline},
        ("responses", "baseline:codebook", "baseline:responses"),
        (45, 0, 0),
    )


# The report's parts, by section rank: (first rank, part key in labels_fr.yaml ``frontmatter.parts``).
PARTS = ((0, "survey"), (50, "programmes"), (60, "annexes"))


def part_of(section: Section) -> str:
    """Which part of the report a section belongs to (``survey``, ``programmes`` or ``annexes``).

    >>> part_of(Section("audit", "90-audit.py", "", position=(90, 0, 0)))
    'annexes'
    >>> part_of(Section("echo", "echo.py", "Écho"))  # no position: first part
    'survey'
    """
    rank = section.position[0] if section.position else 0  # a section without a position sorts first
    return [key for first, key in PARTS if rank >= first][-1]


def plan(codebook, available: set[str], specs=SPECS, baseline: str | None = None) -> list[Section]:
    """Every section that applies to a wave, in report order."""
    sections = [section for spec in specs for section in spec.expand(codebook, available)]
    if baseline:
        sections.append(comparison_section(baseline))
    return sorted(sections, key=lambda s: s.position)  # stable: specs order breaks ties


def left_out(codebook, available: set[str], specs=SPECS) -> list[tuple[str, str]]:
    """What the report leaves out for a wave, and why: one (slug, reason) per section or sub-section
    whose data the wave lacks (shown by ``ciatstudy build``; no heading stands empty).

    >>> from ciatstudy.data.codebook import Codebook
    >>> cb = Codebook.from_dict({"wave": "w", "segments": {"variable": "s", "levels": [{"code": "a", "label": "A"}]},
    ...     "responses": {"file": "r.csv"}, "questions": [{"id": "q2", "kind": "multi",
    ...     "items": [{"code": "2A", "label": "Un"}]}], "free_text": [{"id": "panorama", "answers": 0}]})
    >>> left_out(cb, {"responses", "quotes"})[:2]
    [('solidages', 'no solidages21_figures, objets_transactionnels table in this wave'), ('call', 'no sncf_call_2012, sncf_call_2012_sectors, sncf_call_2012_cooperation_forms table in this wave')]
    >>> [slug for slug, _ in left_out(cb, {"responses", "quotes"})][3:]
    ['profile-list', 'profile-staff', 'profile-sectors', 'corpus-panorama', 'conclusions', 'audit']
    """
    out = []
    for spec in specs:
        missing = [name for name in spec.requires if name not in available]
        if missing:
            out.append((spec.name, f"no {', '.join(missing)} table in this wave"))
            continue
        out += [
            (f"{spec.name}-{part}", f"no {table} table in this wave")
            for part, table in spec.parts
            if table not in available
        ]
        if spec.per_corpus:
            out += [
                (f"{spec.name}-{c['id']}", "no answer in this wave")
                for c in codebook.raw.get("free_text", [])
                if c["id"] in CORPORA and not _has_answers(c)
            ]
    return out


# --------------------------------------------------------------------------- the plan
# What a build needs to decide what to run, read without pandas (a no-op build stays fast).
Plan = namedtuple("Plan", "name folder codebook files")


def read_plan(wave: str) -> Plan:
    from ..data.codebook import read_wave_inputs
    from ..data.config import wave_folder
    from ..errors import DataError

    name, folder = wave_folder(wave)
    if not (folder / "codebook.yaml").is_file():
        raise DataError(
            f"no wave {str(wave)!r}: {folder / 'codebook.yaml'} does not exist "
            "(bring a survey export in with `ciatstudy import`)"
        )
    # syntax (file, line, column), types (file, key path), every input inside the wave's folder
    codebook, package, inputs = read_wave_inputs(folder)
    files = {"responses": inputs["responses"]}
    for resource in package.get("resources", []):
        if resource.get("format", "csv") == "csv":
            files.setdefault(str(resource["name"]), inputs[str(resource["name"])])
    return Plan(name, folder, codebook, files)
