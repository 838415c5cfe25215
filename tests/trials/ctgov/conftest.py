import gzip
import io
import shutil
import tarfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures_dir():
    return FIXTURES


@pytest.fixture
def xml_archive(tmp_path):
    """A .tar.gz holding the XML fixtures in a folder, as ClinicalTrials.gov's bulk download did."""
    path = tmp_path / "legacy.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name in ("neuropathy_study.xml", "broken.xml", "no_nct.xml"):
            data = (FIXTURES / name).read_bytes()
            info = tarfile.TarInfo(f"NCT9000xxxx/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def gzipped_jsonl(tmp_path):
    path = tmp_path / "studies.jsonl.gz"
    path.write_bytes(gzip.compress((FIXTURES / "studies.jsonl").read_bytes()))
    return path


@pytest.fixture
def study_copy(tmp_path):
    """A writable copy of the lung study, for tests that publish a newer version of it."""
    path = tmp_path / "lung_study.json"
    shutil.copy(FIXTURES / "lung_study.json", path)
    return path
