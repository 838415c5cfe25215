"""Import files cannot hurt the server or the catalogue: decompression bombs, archives of countless members,
XML entities and partial records are reported by name and skipped; the rest goes in."""

import copy
import gzip
import io
import json
import tarfile
import zipfile
from io import StringIO

import pytest
from celery.exceptions import WorkerLostError
from celery.signals import task_failure
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from trials.ctgov.readers import iter_paths
from trials.models import ImportRun, Trial
from trials.tasks import run_import

MB = 1024 * 1024


def run(*paths, **options):
    out = StringIO()
    call_command("import_ctgov", *[str(p) for p in paths], "--no-progress", stdout=out, **options)
    return out.getvalue()


def gzip_bomb(path, megabytes):
    """A valid .json.gz whose JSON is a few bytes wrapped in `megabytes` MB of spaces: a few hundred KB on disk."""
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b"[")
        chunk = b" " * MB
        for _ in range(megabytes):
            out.write(chunk)
        out.write(b"]")
    return path


def lung_study():
    return json.loads((pytest.FIXTURES / "lung_study.json").read_bytes())


@pytest.fixture(autouse=True)
def _fixtures(fixtures_dir):
    pytest.FIXTURES = fixtures_dir


@pytest.mark.django_db
def test_a_small_gzip_that_inflates_to_hundreds_of_megabytes_is_refused_by_name(tmp_path, fixtures_dir):
    bomb = gzip_bomb(tmp_path / "ctg-studies.json.gz", 300)
    assert bomb.stat().st_size < 400 * 1024

    output = run(bomb, fixtures_dir / "lung_study.json")

    assert "ctg-studies.json.gz" in output and "decompresses to more than" in output
    assert "created 1" in output  # the good file beside it still goes in
    assert Trial.objects.filter(ref="NCT90000001").exists()


def test_the_caps_come_from_settings(tmp_path, settings):
    settings.IMPORT_MAX_FILE_MB = 1
    (record,) = list(iter_paths([gzip_bomb(tmp_path / "two.json.gz", 2)]))
    assert record.error.startswith("decompresses to more than 1 MB")
    settings.IMPORT_MAX_FILE_MB = 3
    assert list(iter_paths([gzip_bomb(tmp_path / "two.json.gz", 2)])) == []  # read: an empty array of studies


def _tar(path, members):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_an_archive_with_too_many_members_is_refused_before_anything_is_read(tmp_path, settings):
    settings.IMPORT_MAX_ARCHIVE_MEMBERS = 10
    study = (pytest.FIXTURES / "lung_study.json").read_bytes()
    path = _tar(tmp_path / "many.tar.gz", [(f"s{n}.json", study) for n in range(11)])
    records = list(iter_paths([path]))
    assert len(records) == 1 and "many.tar.gz" in records[0].origin
    assert "more than 10 files" in records[0].error


def test_an_archive_that_inflates_past_the_cap_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_ARCHIVE_MB = 2
    path = _tar(tmp_path / "big.tar.gz", [(f"s{n}.json", b" " * MB) for n in range(3)])
    (record,) = list(iter_paths([path]))
    assert "big.tar.gz" in record.origin and "more than 2 MB" in record.error


@pytest.mark.django_db
def test_a_zip_of_studies_is_imported_and_a_zip_bomb_refused(tmp_path, settings):
    good = tmp_path / "studies.zip"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("NCT9000xxxx/lung_study.json", (pytest.FIXTURES / "lung_study.json").read_bytes())
        archive.writestr("NCT9000xxxx/neuropathy_study.xml", (pytest.FIXTURES / "neuropathy_study.xml").read_bytes())
    assert "created 2" in run(good)

    settings.IMPORT_MAX_FILE_MB = 1
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("huge.json", b"[" + b" " * (3 * MB) + b"]")
    output = run(bomb)
    assert "bomb.zip:huge.json" in output and "decompresses to more than 1 MB" in output


@pytest.mark.django_db
def test_an_admin_upload_of_a_bomb_is_refused_in_the_background_with_the_same_caps(
    client, admin_user, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_FILE_MB = 1
    client.force_login(admin_user)
    bomb = gzip_bomb(tmp_path / "upload.json.gz", 3).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:trials_importrun_add"), {"file": SimpleUploadedFile("upload.json.gz", bomb)})
    run_ = ImportRun.objects.get()
    assert run_.state == ImportRun.State.DONE
    assert "upload.json.gz" in run_.report and "decompresses to more than 1 MB" in run_.report


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE clinical_study [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<clinical_study><id_info><nct_id>NCT90000077</nct_id></id_info><brief_title>&secret;</brief_title>
<condition>Lung cancer</condition><last_update_submitted>March 1, 2026</last_update_submitted></clinical_study>
"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE clinical_study [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<clinical_study><id_info><nct_id>NCT90000078</nct_id></id_info><brief_title>&d;</brief_title>
<condition>Lung cancer</condition><last_update_submitted>March 1, 2026</last_update_submitted></clinical_study>
"""


@pytest.mark.django_db
@pytest.mark.parametrize("name, xml", [("external.xml", XXE), ("laughs.xml", LAUGHS)])
def test_xml_with_entities_or_external_references_is_refused(tmp_path, name, xml):
    path = tmp_path / name
    path.write_bytes(xml)
    output = run(path)
    assert "skipped 1" in output and "XML with entities or external references is not read" in output
    assert not Trial.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("what, damage, words", [
    ("no title", lambda s: s["protocolSection"]["identificationModule"].update(briefTitle="", officialTitle=""),
     "no title"),
    ("no conditions", lambda s: s["protocolSection"]["conditionsModule"].update(conditions=[]), "no conditions"),
    ("no version information",
     lambda s: (s["protocolSection"]["statusModule"].pop("lastUpdatePostDateStruct", None),
                s["protocolSection"]["statusModule"].pop("lastUpdateSubmitDate", None),
                s.get("derivedSection", {}).get("miscInfoModule", {}).pop("versionHolder", None)),
     "no version information"),
])
def test_a_partial_record_is_reported_and_never_overwrites_the_trial(tmp_path, fixtures_dir, what, damage, words):
    run(fixtures_dir / "lung_study.json")
    before = Trial.objects.values().get(ref="NCT90000001")
    partial = copy.deepcopy(lung_study())
    damage(partial)
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(partial))

    output = run(path, force=True)

    assert "skipped 1" in output and f"partial record: {words}" in output and "NCT90000001" in output
    assert Trial.objects.values().get(ref="NCT90000001") == before


@pytest.mark.django_db
def test_a_failing_import_is_retried_a_bounded_number_of_times_then_marked_failed():
    assert run_import.max_retries is not None and run_import.max_retries <= 5
    assert run_import.retry_on_worker_lost  # a worker killed (memory, time limit) retries, up to max_retries ...
    assert not run_import.reject_on_worker_lost  # ... instead of the message going back to the queue forever
    run_ = ImportRun.objects.create(filename="huge.json", payload=b"[]", state=ImportRun.State.RUNNING)
    task_failure.send(sender=run_import, task_id="t1", exception=WorkerLostError("killed by signal 9"),
                      args=[run_.pk], kwargs={}, traceback=None, einfo=None)
    run_.refresh_from_db()
    assert run_.state == ImportRun.State.FAILED
    assert "the worker running it stopped" in run_.report and run_.finished_at is not None
