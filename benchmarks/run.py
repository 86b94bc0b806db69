"""Speed and memory of ciatstudy, measured (``make bench``; not part of ``make test``).

Prints a table and writes benchmarks/results.json. Every figure is the median of
several runs; every comparison is a ratio of figures measured in this same run,
on a throw-away copy of the project (data/raw/2014, notebooks, lock).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results.json"


def project_copy(base: Path) -> Path:
    for rel in ("data/raw/2014", "notebooks"):
        shutil.copytree(ROOT / rel, base / rel)
    shutil.copy(ROOT / "requirements.lock", base / "requirements.lock")
    return base


def _start(cmd: list[str], env: dict, cwd: Path | None = None):
    # stderr goes to a file: a pipe nobody reads while waiting would stall a chatty command
    errors = tempfile.TemporaryFile()
    return subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors), errors


def _check(code: int, cmd: list[str], errors) -> None:
    if code != 0:
        errors.seek(0)
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed: {errors.read().decode(errors='replace')[-2000:]}")


def run(cmd: list[str], env: dict, cwd: Path | None = None) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (MB) of one command."""
    started = time.perf_counter()
    proc, errors = _start(cmd, env, cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    _check(os.waitstatus_to_exitcode(status), cmd, errors)
    return elapsed, usage.ru_maxrss // 1024


def run_tree(cmd: list[str], env: dict) -> tuple[float, int]:
    """Wall time (s) and peak memory of the whole process tree (MB).

    A build runs worker processes and kernels: their summed resident memory, sampled
    every 50 ms, is what the machine must hold at once.
    """
    import psutil

    started = time.perf_counter()
    proc, errors = _start(cmd, env)
    parent, tree_peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            members = [parent, *parent.children(recursive=True)]
            tree_peak = max(tree_peak, sum(m.memory_info().rss for m in members if m.is_running()))
        except psutil.Error:  # a process ended between listing and reading
            pass
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    _check(proc.returncode, cmd, errors)
    return elapsed, tree_peak // 2**20


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def clean_outputs(root: Path) -> None:
    for rel in ("data/processed", "figures", "reports", ".build"):
        shutil.rmtree(root / rel, ignore_errors=True)


# ----------------------------------------------------------------------------- the measures
def cold_build(root: Path, env: dict, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        clean_outputs(root)
        times.append(run([str(BIN / "ciatstudy"), "build", "--force"], env)[0])
    return times


PDF_SNIPPET = (
    "import sys; from pathlib import Path; from ciatstudy.report.pdf import write_pdf; "
    "sys.exit(write_pdf(Path(sys.argv[1]), Path(sys.argv[2])) is None)"
)


def pdf_print(root: Path, env: dict, repeat: int) -> list[float]:
    """Printing the built report.html to PDF with headless Chromium, alone (a build overlaps part of it)."""
    report = root / "reports/2014/report.html"
    return [
        run([str(BIN / "python"), "-c", PDF_SNIPPET, str(report), str(root / "bench-report.pdf")], env)[0]
        for _ in range(repeat)
    ]


def naive_build(root: Path, env: dict, repeat: int) -> list[float]:
    """One papermill CLI call per section run, then one nbconvert CLI call per executed notebook."""
    sys.path.insert(0, str(ROOT))
    from ciatstudy.pipeline.sections import read_plan
    from ciatstudy.pipeline.sections import plan

    wave = read_plan("2014")
    sections = plan(wave.codebook, set(wave.files))
    ipynb = root / "naive" / "in"
    ipynb.mkdir(parents=True, exist_ok=True)
    for notebook in {s.notebook for s in sections}:  # the naive way starts from .ipynb files
        subprocess.run(
            [
                str(BIN / "jupytext"),
                "--to",
                "ipynb",
                "-o",
                str(ipynb / notebook.replace(".py", ".ipynb")),
                str(root / "notebooks" / notebook),
            ],
            check=True,
            capture_output=True,
            env=env,
        )
    times = []
    for _ in range(repeat):
        clean_outputs(root)
        out = root / "naive" / "out"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        started = time.perf_counter()
        for s in sections:
            cmd = [
                str(BIN / "papermill"),
                str(ipynb / s.notebook.replace(".py", ".ipynb")),
                str(out / f"{s.slug}.ipynb"),
                "-k",
                "python3",
                "--cwd",
                str(root / "notebooks"),
                "-r",
                "wave",
                "2014",
            ]
            for key, value in s.parameters.items():
                cmd += ["-r", key, str(value)]
            run(cmd, env)
        for s in sections:
            run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out / f"{s.slug}.ipynb")], env)
        times.append(time.perf_counter() - started)
    return times


def noop_and_import(root: Path, env: dict, repeat: int) -> tuple[list[float], list[float]]:
    run([str(BIN / "ciatstudy"), "build"], env)  # make sure everything is up to date
    noop = [run([str(BIN / "ciatstudy"), "build"], env)[0] for _ in range(repeat)]
    imp = [run([str(BIN / "python"), "-c", "import ciatstudy"], env)[0] for _ in range(repeat)]
    return noop, imp


def touch_one_raw_file(root: Path, env: dict, repeat: int) -> list[float]:
    """Annexe II's table is read by one section only: change a cell, rebuild, repeat."""
    path = root / "data/raw/2014/resource_persons.csv"
    original = path.read_text(encoding="utf-8")
    run([str(BIN / "ciatstudy"), "build"], env)
    times = []
    for i in range(repeat):
        path.write_text(original.replace("Economiste", "Economiste" + " " * (i + 1), 1), encoding="utf-8")
        times.append(run([str(BIN / "ciatstudy"), "build"], env)[0])
    path.write_text(original, encoding="utf-8")
    return times


SCALE_SNIPPET = """
import sys, time
from ciatstudy.data.io import load_wave
from ciatstudy.analysis import score
t = time.perf_counter()
wave = load_wave(sys.argv[1])
for q in wave.codebook.questions:
    score.add_segment_tests(score.score_question(wave.responses, codebook=wave.codebook, question=q.id),
                            wave.responses, codebook=wave.codebook)
"""


def synthetic_wave(root: Path, n: int, seed: int = 2014) -> Path:
    """A wave of n respondents in codebook codes (the plain wide import format), answers drawn at random."""
    import numpy as np
    import yaml

    folder = root / "data" / "raw" / f"synth{n}"
    folder.mkdir(parents=True, exist_ok=True)
    codebook = yaml.safe_load((ROOT / "data/raw/2014/codebook.yaml").read_text(encoding="utf-8"))
    codebook["wave"] = folder.name
    codebook["responses"] = {"file": "responses.csv", "id_column": "respondent_id", "reconstructed": False}
    (folder / "codebook.yaml").write_text(
        yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    rng = np.random.default_rng(seed)
    columns = {
        "respondent_id": [f"s{i:07d}" for i in range(n)],
        "segment": np.where(rng.random(n) < 0.43, "mda", "non_mda"),
    }
    for q in codebook["questions"]:
        codes = [item["code"] for item in q["items"]]
        if q["kind"] == "agreement3":
            for code in codes:
                columns[code] = rng.integers(1, 4, n, dtype=np.int8)
        elif q["kind"] == "single":
            pick = rng.integers(0, len(codes), n)
            for j, code in enumerate(codes):
                columns[code] = (pick == j).astype(np.int8)
        else:
            for code in codes:
                columns[code] = (rng.random(n) < 0.4).astype(np.int8)
    # pyarrow writes 1.5 M rows in ~2 s (pandas: ~13 s); same text: no quotes, "\n" line ends
    import pyarrow as pa
    from pyarrow import csv as pacsv

    pacsv.write_csv(pa.table(columns), folder / "responses.csv", write_options=pacsv.WriteOptions(quoting_style="none"))
    return folder


def scale(root: Path, env: dict, sizes: list[int], repeat: int) -> dict:
    """Per size: a cold full build of the new wave (CSV parsed once, then the columnar cache), then
    load + validate + score in one process: first from the CSV, later runs from the Parquet cache."""
    out = {}
    for n in sizes:
        started = time.perf_counter()
        synthetic_wave(root, n)
        generated = time.perf_counter() - started
        shutil.rmtree(root / ".build", ignore_errors=True)
        build_s, build_mb = run_tree([str(BIN / "ciatstudy"), "build", "--wave", f"synth{n}"], env)
        shutil.rmtree(root / ".build" / "cache", ignore_errors=True)
        command = [str(BIN / "python"), "-c", SCALE_SNIPPET, f"synth{n}"]
        first = run(command, env)
        warm = [run(command, env) for _ in range(max(repeat - 1, 1))]
        out[n] = {
            "first_seconds": round(first[0], 3),
            "first_peak_mb": first[1],
            "seconds": median([r[0] for r in warm]),
            "peak_mb": max(r[1] for r in warm),
            "runs": 1 + len(warm),
            "build_seconds": round(build_s, 3),
            "build_tree_peak_mb": build_mb,
            "generate_seconds": round(generated, 1),
        }
        print(
            f"  {n:>9} respondents: build {build_s:.1f} s, load+validate+score {first[0]:.2f} s "
            f"(then {out[n]['seconds']:.2f} s)",
            flush=True,
        )
        for rel in (
            f"data/raw/synth{n}",
            ".build",
            f"data/processed/synth{n}",
            f"figures/synth{n}",
            f"reports/synth{n}",
        ):
            shutil.rmtree(root / rel, ignore_errors=True)
    return out


def environment_creation(repeat: int) -> list[float]:
    """`make venv` into an empty folder: the very set-up `make test` runs first."""
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            subprocess.run(
                ["make", "-s", "-C", str(ROOT), "venv", f"VENV={Path(tmp) / '.venv'}"], check=True, capture_output=True
            )
            times.append(time.perf_counter() - started)
    return times


IMPORT_SNIPPET = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from rerun import rerun_export
from ciatstudy.waves.synth.exports import csv_bytes
from ciatstudy.waves.importers import import_export, read_export, _questionnaire
from ciatstudy.waves.importers.mapping import load_mapping
from ciatstudy.waves.importers.column_groups import _distinct
from ciatstudy.waves.importers.matching import match_export
from pathlib import Path
root, fmt, n, wave = Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
rows, _ = rerun_export(fmt, n, 3)
path = root / f"rerun-{fmt}-{n}.csv"
path.write_bytes(csv_bytes(rows, fmt))
codebook, _ = _questionnaire(root, None)
export = read_export(path, fmt)
# Wall time, and CPU time of this process: on a shared machine the second is what an idle one would take.
def timed(f):
    w, c = time.perf_counter(), time.process_time()
    f()
    return time.perf_counter() - w, time.process_time() - c
distinct, distinct_cpu = timed(lambda: _distinct(export, export.columns))
match, match_cpu = timed(lambda: match_export(export, load_mapping(fmt, codebook), codebook))
whole = whole_cpu = None
if n <= 1000:     # the whole import at 1 000 only: at 10 000 the matching is what is measured
    whole, whole_cpu = timed(lambda: import_export(path, format=fmt, wave=wave, root=root))
print(json.dumps({"distinct_s": distinct, "match_s": match, "import_s": whole, "distinct_cpu_s": distinct_cpu,
                  "match_cpu_s": match_cpu, "import_cpu_s": whole_cpu}))
"""


def import_matching(root: Path, env: dict, repeat: int, fmt: str = "google") -> dict:
    """Import of a re-run export whose wordings differ from the codebook (automatic matching, no mapping):
    1 000 respondents end to end, and the matching alone at 1 000 and 10 000 respondents (its cost must not
    grow with the rows: it compares headers and distinct labels; counting the distinct labels is the one
    pass over the rows, timed apart)."""
    fixtures = ROOT / "tests" / "fixtures" / "rerun"
    out: dict = {"format": fmt}
    for n in (1000, 10_000):
        runs = []
        for i in range(repeat):
            proc = subprocess.run(
                [str(BIN / "python"), "-c", IMPORT_SNIPPET, str(fixtures), str(root), fmt, str(n), f"bench-{n}-{i}"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            shutil.rmtree(root / "data" / "raw" / f"bench-{n}-{i}", ignore_errors=True)
        out[str(n)] = {k: round(median([r[k] for r in runs]), 3) for k in runs[0] if runs[0][k] is not None}
    out["match_10x_over_1x"] = round(out["10000"]["match_s"] / out["1000"]["match_s"], 2)
    out["match_cpu_10x_over_1x"] = round(out["10000"]["match_cpu_s"] / out["1000"]["match_cpu_s"], 2)
    return out


def import_rows(results: dict) -> list[tuple[str, str, str, str]]:
    m = results["import_matching"]
    return [
        (
            f"import of 1 000 respondents, re-run wordings ({m['format']}, no mapping)",
            f"{m['1000']['import_s']:.2f} s",
            "< 2 s",
            f"CPU {m['1000']['import_cpu_s']:.2f} s",
        ),
        (
            "  matching alone, 1 000 respondents",
            f"{m['1000']['match_s']:.3f} s",
            "",
            f"CPU {m['1000']['match_cpu_s']:.3f} s",
        ),
        (
            "  matching alone, 10 000 respondents",
            f"{m['10000']['match_s']:.3f} s",
            "≈ 1 × (no growth)",
            f"{m['match_10x_over_1x']:.2f} × the 1 000's (CPU {m['match_cpu_10x_over_1x']:.2f} ×)",
        ),
        (
            "  counting distinct labels (one pass), 1 000 / 10 000",
            f"{m['1000']['distinct_s']:.3f} s",
            "",
            f"{m['10000']['distinct_s']:.3f} s",
        ),
    ]


# ----------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--build-repeat", type=int, default=3, help="runs of the cold full build")
    parser.add_argument(
        "--naive-repeat",
        type=int,
        default=1,
        help="runs of the naive build (19 sections × 3-7 s: one run keeps `make bench` under 5 minutes)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[28, 10_000, 100_000, 1_500_000])
    parser.add_argument("--only", choices=["import"], help="run one measure alone (prints it; results.json untouched)")
    args = parser.parse_args()
    if args.only == "import":
        with tempfile.TemporaryDirectory() as tmp:
            root = project_copy(Path(tmp))
            env = {**os.environ, "CIATSTUDY_ROOT": str(root)}
            results = {"import_matching": import_matching(root, env, args.repeat)}
        print(json.dumps(results, indent=2))
        for name, value, target, ratio in import_rows(results):
            print(f"{name:<62}  {value:>10}  {target:<18}  {ratio}")
        return 0
    started = time.perf_counter()
    results: dict = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "date": time.strftime("%Y-%m-%d"),
        }
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = project_copy(Path(tmp))
        env = {**os.environ, "CIATSTUDY_ROOT": str(root)}
        env.pop("CIATSTUDY_STAGE", None)
        print("cold full build…", flush=True)
        cold = cold_build(root, env, args.build_repeat)
        print("PDF of the report (Chromium)…", flush=True)
        pdf = pdf_print(root, env, args.repeat)
        print("naive build (papermill + nbconvert CLI per section)…", flush=True)
        naive = naive_build(root, env, args.naive_repeat)
        print("no-op rebuild and import…", flush=True)
        noop, imp = noop_and_import(root, env, max(args.repeat, 5))
        print("one raw file touched…", flush=True)
        touched = touch_one_raw_file(root, env, args.repeat)
        print("scale…", flush=True)
        results["scale"] = scale(root, env, args.sizes, args.repeat)
        print("import with automatic matching…", flush=True)
        results["import_matching"] = import_matching(root, env, args.repeat)
    print("environment creation…", flush=True)
    setup = environment_creation(1)
    results.update(
        {
            "cold_build_s": median(cold),
            "naive_build_s": median(naive),
            "cold_over_naive": round(median(cold) / median(naive), 3),
            "noop_build_s": median(noop),
            "import_ciatstudy_s": median(imp),
            "noop_over_import": round(median(noop) / median(imp), 2),
            "touch_one_raw_file_s": median(touched),
            "pdf_print_s": median(pdf),
            "pdf_over_cold": round(median(pdf) / median(cold), 3),
            "environment_creation_s": median(setup),
            "runs": {
                "cold": len(cold),
                "naive": len(naive),
                "noop": len(noop),
                "touch": len(touched),
                "setup": len(setup),
                "pdf": len(pdf),
            },
            "total_bench_s": round(time.perf_counter() - started, 1),
        }
    )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    rows = [
        (
            "cold full build (build --force)",
            f"{results['cold_build_s']:.1f} s",
            "≤ 0.3 × naive",
            f"{results['cold_over_naive']:.2f} × naive",
        ),
        (
            "PDF of report.html (Chromium, alone)",
            f"{results['pdf_print_s']:.1f} s",
            "≤ 0.25 × cold",
            f"{results['pdf_over_cold']:.2f} × cold",
        ),
        ("naive: papermill + nbconvert CLI per section", f"{results['naive_build_s']:.1f} s", "", ""),
        (
            "no-op rebuild",
            f"{results['noop_build_s']:.2f} s",
            "≤ 2 × import",
            f"{results['noop_over_import']:.2f} × import",
        ),
        ("python -c 'import ciatstudy'", f"{results['import_ciatstudy_s']:.2f} s", "", ""),
        ("rebuild after touching one raw file", f"{results['touch_one_raw_file_s']:.1f} s", "", ""),
        ("environment creation (empty .venv)", f"{results['environment_creation_s']:.1f} s", "≤ 60 s", ""),
    ]
    for n, v in results["scale"].items():
        label = f"{n:,}".replace(",", " ")
        target = "≤ 5 s, ≤ 2 GB" if n >= 1_500_000 else ""
        rows.append(
            (
                f"{label} respondents: full build (cold, 1 run)",
                f"{v['build_seconds']:.1f} s",
                "",
                f"{v['build_tree_peak_mb']} MB peak, all processes",
            )
        )
        rows.append(
            (
                f"{label}: load + validate + score, first (CSV)",
                f"{v['first_seconds']:.2f} s",
                target,
                f"{v['first_peak_mb']} MB peak",
            )
        )
        rows.append(
            (f"{label}: load + validate + score, cached", f"{v['seconds']:.2f} s", target, f"{v['peak_mb']} MB peak")
        )
    rows += import_rows(results)
    rows.append(("make bench itself", f"{results['total_bench_s']:.0f} s", "< 300 s", ""))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'median':>10}  {'target':<14}  measured")
    for name, value, target, ratio in rows:
        print(f"{name:<{width}}  {value:>10}  {target:<14}  {ratio}")
    print(
        f"\n{os.cpu_count()} cores, Python {platform.python_version()}; written {RESULTS.relative_to(ROOT)} "
        f"in {results['total_bench_s']:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
