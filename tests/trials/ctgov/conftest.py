import gzip
import io
import shutil
import tarfile
from pathlib import Path

import pytest
from django.utils import timezone

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures_dir(tmp_path):
    """A copy of the fixtures whose "verified this month" status dates say this month, whatever today is."""
    copy = tmp_path / "fixtures"
    copy.mkdir()
    this_month = timezone.localdate().strftime("%Y-%m")
    for path in FIXTURES.iterdir():
        copy.joinpath(path.name).write_bytes(path.read_bytes().replace(b"VERIFIED_THIS_MONTH", this_month.encode()))
    return copy


@pytest.fixture
def xml_archive(tmp_path, fixtures_dir):
    """A .tar.gz holding the XML fixtures in a folder, as ClinicalTrials.gov's bulk download did."""
    path = tmp_path / "legacy.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name in ("neuropathy_study.xml", "broken.xml", "no_nct.xml"):
            data = (fixtures_dir / name).read_bytes()
            info = tarfile.TarInfo(f"NCT9000xxxx/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def gzipped_jsonl(tmp_path, fixtures_dir):
    path = tmp_path / "studies.jsonl.gz"
    path.write_bytes(gzip.compress((fixtures_dir / "studies.jsonl").read_bytes()))
    return path


@pytest.fixture
def study_copy(tmp_path, fixtures_dir):
    """A writable copy of the lung study, for tests that publish a newer version of it."""
    path = tmp_path / "lung_study.json"
    shutil.copy(fixtures_dir / "lung_study.json", path)
    return path
