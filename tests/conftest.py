import shutil
from pathlib import Path

import pytest

collect_ignore_glob = ["fixtures/*"]  # notebooks and exports used as test data, not test modules

ROOT = Path(__file__).resolve().parents[1]
RAW_2014 = ROOT / "data" / "raw" / "2014"


@pytest.fixture(scope="session")
def wave2014():
    from ciatstudy.data.io import load_wave

    return load_wave("2014")


@pytest.fixture
def raw_copy(tmp_path):
    """A writable copy of wave 2014's raw folder, to break on purpose."""
    target = tmp_path / "data" / "raw" / "2014"
    shutil.copytree(RAW_2014, target)
    return target


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A throw-away project tree (raw data, notebooks, lock) that builds can write into."""
    for rel in ("data/raw/2014", "notebooks"):
        shutil.copytree(ROOT / rel, tmp_path / rel)
    shutil.copy(ROOT / "requirements.lock", tmp_path / "requirements.lock")
    monkeypatch.setenv("CIATSTUDY_ROOT", str(tmp_path))
    monkeypatch.delenv("CIATSTUDY_STAGE", raising=False)
    return tmp_path
