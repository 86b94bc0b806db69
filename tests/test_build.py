"""The build end to end on a throw-away project: notebooks through papermill, then the report."""

import io
import json
import re

import pytest

from ciatstudy.pipeline.build import build
from conftest import shared_build

pytestmark = [pytest.mark.notebook, pytest.mark.shared_builds("2014")]


def test_build_writes_tables_figures_and_a_report_without_code(tmp_path_factory, monkeypatch):
    project, code, log = shared_build(tmp_path_factory, "2014")
    assert code == 0, log
    assert "profile" in log and "ran" in log
    assert (
        project / "data/processed/2014/profile_segments.csv"
    ).read_text() == "segment,n\ntous,28\nmda,12\nnon_mda,16\n"
    assert (project / "figures/2014/profile_budget.png").stat().st_size > 5000
    html = (project / "reports/2014/report.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Qui a répondu\u202f?" in html
    assert "load_wave" not in html and "import " not in html  # no code
    assert 'wave: str = "2014"' not in html and "injected-parameters" not in html
    assert "PosixPath(" not in html and "output_execute_result" not in html  # no stray value reprs
    assert "<script" not in html and "http://" not in html.split("<main>")[0]
    assert re.search(r'<img[^>]+src="data:image/png;base64,', html)
    manifest = json.loads((project / "reports/2014/manifest.json").read_text())
    assert manifest["wave"] == "2014" and manifest["reconstructed_answers"] is True
    assert (project / "reports/2014/tables.xlsx").exists()

    # nothing changed: every section is skipped
    monkeypatch.setenv("CIATSTUDY_ROOT", str(project))
    out = io.StringIO()
    code, log = build("2014", jobs=1, out=out), out.getvalue()
    assert code == 0 and "skipped" in log and "0 run" in log
