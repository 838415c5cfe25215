"""Find the study records in whatever a user hands us: files, folders, archives, gzip, JSON in all its shapes.

Readers never parse a record fully; they yield raw records with where they came from, so one broken
record is reported by file (and NCT id when it can be seen) and the rest of the import goes on.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path

V2, XML = "v2", "xml"
_NCT_IN_JSON = re.compile(rb'"nctId"\s*:\s*"(NCT\d{8})"')
_NCT_IN_XML = re.compile(rb"<nct_id>\s*(NCT\d{8})\s*</nct_id>")
_SUFFIXES = (".json", ".jsonl", ".ndjson", ".xml", ".gz", ".tgz", ".tar")


@dataclass
class RawRecord:
    origin: str  # file, archive member, line or array index: where to look
    kind: str = ""  # v2 | xml
    payload: object = None  # dict (v2) or bytes (xml)
    error: str = ""  # set when the record could not even be read
    nct_id: str = ""  # best effort, for error reports


def iter_paths(paths):
    """Every record in the given files and folders, in a stable order."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(_SUFFIXES):
                        yield from iter_file(Path(root) / name)
        elif path.exists():
            yield from iter_file(path)
        else:
            yield RawRecord(origin=str(path), error="no such file or folder")


def iter_file(path: Path):
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz", ".tar")):
        yield from iter_tar(path)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield RawRecord(origin=str(path), error=f"cannot read: {exc.strerror or exc}")
        return
    yield from iter_bytes(str(path), data)


def iter_tar(path, fileobj=None):
    try:
        with tarfile.open(name=None if fileobj else path, fileobj=fileobj, mode="r:*") as archive:
            for member in archive:
                if not member.isfile() or not member.name.lower().endswith(_SUFFIXES):
                    continue
                handle = archive.extractfile(member)
                if handle is None:
                    continue
                yield from iter_bytes(f"{path}:{member.name}", handle.read())
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        yield RawRecord(origin=str(path), error=f"broken archive: {exc}")


def iter_bytes(origin: str, data: bytes):
    """Records in one file's bytes (maybe gzip-compressed): a study, an array, an API page, JSON Lines or XML."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            yield RawRecord(origin=origin, error=f"broken gzip: {exc}")
            return
        if data[257:262] == b"ustar":  # a .gz that is really a tarball
            yield from iter_tar(origin, fileobj=io.BytesIO(data))
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
