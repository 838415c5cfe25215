"""Find the study records in whatever a user hands us: files, folders, archives, gzip, JSON in all its shapes.

Readers never parse a record fully; they yield raw records with where they came from, so one broken
record is reported by file (and NCT id when it can be seen) and the rest of the import goes on.

Files cannot hurt the server: a file is read only up to Limits (what one file may decompress to, what an
archive's members may add up to, how many members it may have), so a small .gz that inflates to gigabytes
or a .zip of a million members is reported by name and skipped, never held in memory.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

V2, XML = "v2", "xml"
_NCT_IN_JSON = re.compile(rb'"nctId"\s*:\s*"(NCT\d{8})"')
_NCT_IN_XML = re.compile(rb"<nct_id>\s*(NCT\d{8})\s*</nct_id>")
_SUFFIXES = (".json", ".jsonl", ".ndjson", ".xml", ".gz", ".tgz", ".tar", ".zip")
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one file handed to the importer may cost: settings.IMPORT_MAX_* (these are their defaults)."""

    file_mb: int = 64  # one file once decompressed (a .json, .jsonl, .xml, the inside of a .gz, an archive member)
    archive_mb: int = 1024  # all the members of one .tar.gz or .zip together
    archive_members: int = 20_000  # the legacy corpus of 6,786 studies fits; the full registry needs it raised

    @classmethod
    def from_settings(cls):
        """The caps in Django's settings (IMPORT_MAX_FILE_MB, IMPORT_MAX_ARCHIVE_MB, IMPORT_MAX_ARCHIVE_MEMBERS)
        when Django is configured, else the defaults: readers also run before Django is set up."""
        try:
            from django.conf import settings

            if not settings.configured:
                return cls()
            return cls(file_mb=settings.IMPORT_MAX_FILE_MB, archive_mb=settings.IMPORT_MAX_ARCHIVE_MB,
                       archive_members=settings.IMPORT_MAX_ARCHIVE_MEMBERS)
        except ImportError:
            return cls()


class Refused(Exception):
    """A file over one of the Limits; the message says which, for the import's summary."""


def _file_too_big(limits):
    return Refused(f"decompresses to more than {limits.file_mb} MB (IMPORT_MAX_FILE_MB); refused")


def _archive_too_big(limits):
    return Refused(f"the archive's files add up to more than {limits.archive_mb} MB (IMPORT_MAX_ARCHIVE_MB); refused")


def _too_many_members(limits):
    return Refused(f"more than {limits.archive_members} files in the archive (IMPORT_MAX_ARCHIVE_MEMBERS); refused")


def _read_capped(handle, limits):
    """Everything `handle` gives, or Refused once it passes the file cap (never more is held in memory)."""
    data = handle.read(limits.file_mb * MB + 1)
    if len(data) > limits.file_mb * MB:
        raise _file_too_big(limits)
    return data


@dataclass
class RawRecord:
    origin: str  # file, archive member, line or array index: where to look
    kind: str = ""  # v2 | xml
    payload: object = None  # dict (v2) or bytes (xml)
    error: str = ""  # set when the record could not even be read
    nct_id: str = ""  # best effort, for error reports


def iter_paths(paths, limits=None):
    """Every record in the given files and folders, in a stable order."""
    limits = limits or Limits.from_settings()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(_SUFFIXES):
                        yield from iter_file(Path(root) / name, limits)
        elif path.exists():
            yield from iter_file(path, limits)
        else:
            yield RawRecord(origin=str(path), error="no such file or folder")


def iter_file(path: Path, limits=None):
    limits = limits or Limits.from_settings()
    name = path.name.lower()
    try:
        if name.endswith((".tar.gz", ".tgz", ".tar")):
            yield from iter_tar(path, limits=limits)
            return
        if name.endswith(".zip"):
            yield from iter_zip(path, limits=limits)
            return
        with open(path, "rb") as handle:
            data = _read_capped(handle, limits)
    except Refused as refused:
        yield RawRecord(origin=str(path), error=str(refused))
        return
    except OSError as exc:
        yield RawRecord(origin=str(path), error=f"cannot read: {exc.strerror or exc}")
        return
    yield from iter_bytes(str(path), data, limits)


def _check_tar(open_archive, limits):
    """Refused unless the archive's members stay within the caps; reads member headers only (each says its
    size), so a member declaring gigabytes is refused before a byte of it is decompressed."""
    members, total = 0, 0
    with open_archive() as archive:
        for member in archive:
            members += 1
            total += member.size
            if members > limits.archive_members:
                raise _too_many_members(limits)
            if total > limits.archive_mb * MB:
                raise _archive_too_big(limits)


def iter_tar(path, fileobj=None, limits=None):
    limits = limits or Limits.from_settings()

    def open_archive():
        if fileobj is not None:
            fileobj.seek(0)
        return tarfile.open(name=None if fileobj else path, fileobj=fileobj, mode="r:*")

    try:
        _check_tar(open_archive, limits)
        with open_archive() as archive:
            for member in archive:
                if not member.isfile() or not member.name.lower().endswith(_SUFFIXES):
                    continue
                handle = archive.extractfile(member)
                if handle is None:
                    continue
                origin = f"{path}:{member.name}"
                try:
                    data = _read_capped(handle, limits)
                except Refused as refused:
                    yield RawRecord(origin=origin, error=str(refused))
                    continue
                yield from iter_bytes(origin, data, limits, in_archive=True)
    except Refused as refused:
        yield RawRecord(origin=str(path), error=str(refused))
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        yield RawRecord(origin=str(path), error=f"broken archive: {exc}")


def iter_zip(path, data=None, limits=None):
    """Records in a .zip (ClinicalTrials.gov's AllPublicXML came as one). Its directory lists every member and
    its size, so the caps are checked before anything is decompressed."""
    limits = limits or Limits.from_settings()
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if len(members) > limits.archive_members:
                raise _too_many_members(limits)
            if sum(info.file_size for info in members) > limits.archive_mb * MB:
                raise _archive_too_big(limits)
            for info in members:
                if not info.filename.lower().endswith(_SUFFIXES):
                    continue
                origin = f"{path}:{info.filename}"
                try:
                    # Read capped, whatever the directory claims: a member may lie about its size.
                    with archive.open(info) as handle:
                        member = _read_capped(handle, limits)
                except Refused as refused:
                    yield RawRecord(origin=origin, error=str(refused))
                    continue
                yield from iter_bytes(origin, member, limits, in_archive=True)
    except Refused as refused:
        yield RawRecord(origin=str(path), error=str(refused))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, zlib.error) as exc:
        yield RawRecord(origin=str(path), error=f"broken archive: {exc}")


def _gzip_holds_a_tar(data):
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 512)
    except zlib.error:
        return False
    return head[257:262] == b"ustar"


def iter_bytes(origin: str, data: bytes, limits=None, *, in_archive=False):
    """Records in one file's bytes (maybe gzip-compressed, maybe an archive): a study, an array, an API page,
    JSON Lines or XML."""
    limits = limits or Limits.from_settings()
    if data[:2] == b"\x1f\x8b":
        if _gzip_holds_a_tar(data) and not in_archive:  # a .tar.gz handed over as bytes (an admin upload)
            yield from iter_tar(origin, fileobj=io.BytesIO(data), limits=limits)
            return
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as inflated:
                data = _read_capped(inflated, limits)
        except Refused as refused:
            yield RawRecord(origin=origin, error=str(refused))
            return
        except (OSError, EOFError, zlib.error) as exc:
            yield RawRecord(origin=origin, error=f"broken gzip: {exc}")
            return
    if data[:4] == b"PK\x03\x04":
        if in_archive:
            yield RawRecord(origin=origin, error="an archive inside an archive is not read; unpack it first")
        else:
            yield from iter_zip(origin, data=data, limits=limits)
        return
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        yield RawRecord(origin=origin, error="empty file")
        return
    if text[:1] == b"<":
        yield RawRecord(origin=origin, kind=XML, payload=data, nct_id=_first(_NCT_IN_XML, data))
        return
    if text[:1] not in (b"{", b"["):
        yield RawRecord(origin=origin, error="neither JSON nor XML", nct_id=_first(_NCT_IN_JSON, data))
        return
    lower = origin.lower()
    if not lower.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")):
        try:
            document = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            lines = [line for line in text.splitlines() if line.strip()]
            if len(lines) < 2 or not lines[1].lstrip().startswith(b"{"):
                yield RawRecord(origin=origin, error=f"broken JSON: {exc}", nct_id=_first(_NCT_IN_JSON, text))
                return
        else:
            yield from _from_document(origin, document)
            return
    yield from _from_lines(origin, text)


def _from_lines(origin, text):
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin} line {number}"
        try:
            document = json.loads(line)
        except (ValueError, UnicodeDecodeError) as exc:
            yield RawRecord(origin=where, error=f"broken JSON: {exc}", nct_id=_first(_NCT_IN_JSON, line))
            continue
        yield RawRecord(origin=where, kind=V2, payload=document, nct_id=_nct_of(document))


def _from_document(origin, document):
    if isinstance(document, dict) and isinstance(document.get("studies"), list):
        studies = document["studies"]  # an API v2 page
    elif isinstance(document, list):
        studies = document  # the website's "Download → JSON" export
    elif isinstance(document, dict) and "protocolSection" in document:
        yield RawRecord(origin=origin, kind=V2, payload=document, nct_id=_nct_of(document))
        return
    else:
        yield RawRecord(origin=origin, error="JSON is neither a study, an array of studies nor an API page")
        return
    for index, study in enumerate(studies):
        yield RawRecord(origin=f"{origin}[{index}]", kind=V2, payload=study, nct_id=_nct_of(study))


def _nct_of(document) -> str:
    try:
        value = document["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return ""
    return value if isinstance(value, str) else ""


def _first(pattern, data: bytes) -> str:
    m = pattern.search(data[:200_000])
    return m.group(1).decode() if m else ""
