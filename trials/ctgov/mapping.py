"""One ClinicalTrials.gov record (API v2 dict or legacy XML element) → the fields of a Trial and its Sites.

Pure Python: no ORM here, so the mapping is tested with small records and the importer owns the writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .conditions import default_mapper
from .eligibility_text import clean, read_eligibility

NCT_ID = re.compile(r"^NCT\d{8}$")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(years?|months?|weeks?|days?|hours?|minutes?)\s*$", re.I)
_DAYS_PER_YEAR = 365.25
_PER_YEAR = {"year": 1, "month": 12, "week": _DAYS_PER_YEAR / 7, "day": _DAYS_PER_YEAR,
             "hour": _DAYS_PER_YEAR * 24, "minute": _DAYS_PER_YEAR * 24 * 60}
# The criteria language bounds ages at 120: a registry maximum at or above it means "no upper limit".
MAX_AGE_YEARS = 120

STATUSES = {
    "RECRUITING": "RECRUITING", "NOT_YET_RECRUITING": "NOT_YET_RECRUITING",
    "ENROLLING_BY_INVITATION": "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING": "ACTIVE_NOT_RECRUITING",
    "SUSPENDED": "SUSPENDED", "TERMINATED": "TERMINATED", "COMPLETED": "COMPLETED", "WITHDRAWN": "WITHDRAWN",
    "UNKNOWN": "UNKNOWN", "UNKNOWN_STATUS": "UNKNOWN",
    # Expanded-access records: nothing to recruit into.
    "AVAILABLE": "AVAILABLE", "NO_LONGER_AVAILABLE": "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE": "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING": "APPROVED_FOR_MARKETING",
    "WITHHELD": "WITHHELD",
}


class RecordError(ValueError):
    """A record that cannot be imported; the message says why, for the summary."""

    def __init__(self, reason, nct_id=""):
        super().__init__(reason)
        self.reason = reason
        self.nct_id = nct_id


@dataclass
class SiteData:
    facility: str
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    status: str = "UNKNOWN"
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


@dataclass
class StudyData:
    ref: str
    title: str
    brief_summary: str = ""
    sponsor: str = ""
    overall_status: str = "UNKNOWN"
    phases: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    keywords: list = field(default_factory=list)  # kept as the registry says; never read as conditions
    meshes: list = field(default_factory=list)  # [(descriptor id or None, term)]
    mesh_ancestors: list = field(default_factory=list)
    official_title: str = ""
    condition_codes: list = field(default_factory=list)
    condition_sources: dict = field(default_factory=dict)
    unmapped_conditions: list = field(default_factory=list)
    min_age_years: float | None = None
    max_age_years: float | None = None
    sex: str = "ALL"
    healthy_volunteers: bool = False
    eligibility_text: str = ""
    eligibility_items: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    last_update_date: date | None = None
    status_verified_date: date | None = None
    record_version: str = ""
    sites: list = field(default_factory=list)


def status_key(text: str | None) -> str:
    key = re.sub(r"[^A-Z]+", "_", (text or "").upper()).strip("_")
    return STATUSES.get(key, "UNKNOWN")


def parse_age(text, *, which, nct_id) -> float | None:
    """Years as a float from "18 Years", "6 Months", "N/A" or nothing (None); malformed text raises."""
    if text is None:
        return None
    text = str(text).strip()
    if not text or text.upper() in ("N/A", "NA", "NONE"):
        return None
    m = _AGE.match(text)
    if not m:
        raise RecordError(f"malformed {which} age {text[:40]!r}", nct_id)
    unit = m.group(2).lower().rstrip("s")
    years = round(float(m.group(1)) / _PER_YEAR[unit], 4)
    if years > MAX_AGE_YEARS:
        if which == "maximum":
            return None
        raise RecordError(f"implausible {which} age {text[:40]!r}", nct_id)
    return years


def parse_date(text) -> date | None:
    if not text:
        return None
    text = str(text).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m", "%B %d, %Y", "%B %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def map_conditions(conditions, meshes=(), ancestors=(), *, titles=(), keywords=(), mapper=None):
    """(codes, unmapped listed conditions) of a record; see trials/ctgov/conditions.py. Keywords are never read as
    conditions, only to tell the MeSH descriptors derived from them."""
    mapped = (mapper or default_mapper()).map(conditions, meshes, ancestors, titles=titles, keywords=keywords)
    return mapped.codes, mapped.unmapped


def _finish(study: StudyData, criteria_text: str, mapper=None) -> StudyData:
    mapped = (mapper or default_mapper()).map(study.conditions, study.meshes, study.mesh_ancestors,
                                              titles=(study.title, study.official_title), keywords=study.keywords)
    study.condition_codes, study.unmapped_conditions = mapped.codes, mapped.unmapped
    study.condition_sources = mapped.via
    if (study.min_age_years is not None and study.max_age_years is not None
            and study.min_age_years > study.max_age_years):
        raise RecordError("minimum age above maximum age", study.ref)
    study.eligibility_text = clean(criteria_text or "").strip()
    study.eligibility_items, study.suggestions = read_eligibility(
        study.eligibility_text, min_age_years=study.min_age_years, max_age_years=study.max_age_years
    )
    return study


def _sex(value, nct_id) -> str:
    key = (value or "ALL").strip().upper()
    if key not in ("ALL", "FEMALE", "MALE"):
        raise RecordError(f"unknown sex {value[:20]!r}", nct_id)
    return key


def _nct(value) -> str:
    nct_id = (value or "").strip() if isinstance(value, str) else ""
    if not nct_id:
        raise RecordError("missing NCT id")
    if not NCT_ID.match(nct_id):
        raise RecordError(f"malformed NCT id {nct_id[:20]!r}", nct_id[:20])
    return nct_id


# -- API v2 --------------------------------------------------------------------------------------

def _descriptors(items) -> list[tuple[str | None, str]]:
    return [(m.get("id") if isinstance(m.get("id"), str) else None, m["term"])
            for m in items or [] if isinstance(m, dict) and isinstance(m.get("term"), str)]


def from_v2(record: dict, mapper=None) -> StudyData:
    if not isinstance(record, dict):
        raise RecordError("not a study object")
    protocol = record.get("protocolSection")
    if not isinstance(protocol, dict):
        raise RecordError("no protocolSection")
    ident = protocol.get("identificationModule") or {}
    nct_id = _nct(ident.get("nctId"))
    status = protocol.get("statusModule") or {}
    sponsor = (protocol.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}
    design = protocol.get("designModule") or {}
    conds = protocol.get("conditionsModule") or {}
    elig = protocol.get("eligibilityModule") or {}
    contacts_mod = protocol.get("contactsLocationsModule") or {}
    derived = record.get("derivedSection") or {}
    browse = derived.get("conditionBrowseModule") or {}

    study = StudyData(
        ref=nct_id,
        title=(ident.get("briefTitle") or ident.get("officialTitle") or nct_id).strip(),
        brief_summary=clean((protocol.get("descriptionModule") or {}).get("briefSummary") or "").strip(),
        sponsor=(sponsor.get("name") or "")[:300],
        overall_status=status_key(status.get("overallStatus")),
        phases=list(design.get("phases") or []),
        conditions=[c for c in conds.get("conditions") or [] if isinstance(c, str)],
        keywords=[k for k in conds.get("keywords") or [] if isinstance(k, str)],
        meshes=_descriptors(browse.get("meshes")),
        mesh_ancestors=_descriptors(browse.get("ancestors")),
        official_title=(ident.get("officialTitle") or "").strip(),
        min_age_years=parse_age(elig.get("minimumAge"), which="minimum", nct_id=nct_id),
        max_age_years=parse_age(elig.get("maximumAge"), which="maximum", nct_id=nct_id),
        sex=_sex(elig.get("sex"), nct_id),
        healthy_volunteers=bool(elig.get("healthyVolunteers")),
        contacts=[
            {"name": c.get("name", ""), "role": c.get("role", ""), "phone": c.get("phone", ""),
             "email": c.get("email", "")}
            for c in contacts_mod.get("centralContacts") or [] if isinstance(c, dict)
        ],
        last_update_date=parse_date((status.get("lastUpdatePostDateStruct") or {}).get("date")
                                    or status.get("lastUpdateSubmitDate")),
        status_verified_date=parse_date(status.get("statusVerifiedDate")),
        record_version=str((derived.get("miscInfoModule") or {}).get("versionHolder") or ""),
    )
    for loc in contacts_mod.get("locations") or []:
        if not isinstance(loc, dict):
            continue
        geo = loc.get("geoPoint") or {}
        contact = next((c for c in loc.get("contacts") or [] if isinstance(c, dict)), {})
        study.sites.append(SiteData(
            facility=(loc.get("facility") or loc.get("city") or "Unnamed site")[:300],
            city=(loc.get("city") or "")[:120], state=(loc.get("state") or "")[:120],
            postal_code=(loc.get("zip") or "")[:20], country=(loc.get("country") or "")[:120],
            latitude=_float(geo.get("lat")), longitude=_float(geo.get("lon")),
            # A site with no status of its own follows the study's.
            status=status_key(loc.get("status")) if loc.get("status") else study.overall_status,
            contact_name=(contact.get("name") or "")[:200], contact_phone=(contact.get("phone") or "")[:60],
            contact_email=_email(contact.get("email")),
        ))
    return _finish(study, elig.get("eligibilityCriteria") or "", mapper)


def _float(value):
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _email(value):
    value = (value or "").strip()
    return value[:254] if re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value) else ""


# -- legacy XML ----------------------------------------------------------------------------------

def _text(el, path) -> str:
    found = el.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _texts(el, path) -> list[str]:
    return [(e.text or "").strip() for e in el.findall(path) if e.text and e.text.strip()]


def _phases(text: str) -> list[str]:
    if not text or text.upper() == "N/A":
        return []
    return [re.sub(r"[^A-Z0-9]+", "", p.upper()).replace("EARLYPHASE", "EARLY_PHASE") for p in text.split("/")]


def from_xml(root, mapper=None) -> StudyData:
    """From a parsed <clinical_study> element (xml.etree)."""
    if root.tag != "clinical_study":
        raise RecordError(f"not a clinical_study document (<{root.tag[:30]}>)")
    nct_id = _nct(_text(root, "id_info/nct_id"))
    elig = root.find("eligibility")
    elig_text = elig.findtext("criteria/textblock") if elig is not None else ""
    get = (lambda path: _text(elig, path)) if elig is not None else (lambda path: "")
    study = StudyData(
        ref=nct_id,
        title=_text(root, "brief_title") or _text(root, "official_title") or nct_id,
        brief_summary=clean(_dedent(root.findtext("brief_summary/textblock") or "")),
        sponsor=_text(root, "sponsors/lead_sponsor/agency")[:300],
        overall_status=status_key(_text(root, "overall_status")),
        phases=_phases(_text(root, "phase")),
        conditions=_texts(root, "condition"),
        keywords=_texts(root, "keyword"),
        meshes=[(None, term) for term in _texts(root, "condition_browse/mesh_term")],
        official_title=_text(root, "official_title"),
        min_age_years=parse_age(get("minimum_age"), which="minimum", nct_id=nct_id),
        max_age_years=parse_age(get("maximum_age"), which="maximum", nct_id=nct_id),
        sex=_sex(get("gender") or "All", nct_id),
        healthy_volunteers=get("healthy_volunteers").lower().startswith("accepts"),
        last_update_date=parse_date(_text(root, "last_update_posted") or _text(root, "last_update_submitted")),
        status_verified_date=parse_date(_text(root, "verification_date")),
        record_version=str(parse_date(_text(root, "last_update_submitted")) or ""),
    )
    for tag, role in (("overall_contact", "CONTACT"), ("overall_contact_backup", "CONTACT_BACKUP")):
        el = root.find(tag)
        if el is not None:
            study.contacts.append({"name": _text(el, "last_name"), "role": role, "phone": _text(el, "phone"),
                                   "email": _text(el, "email")})
    for loc in root.findall("location"):
        addr = "facility/address/"
        contact = loc.find("contact")
        study.sites.append(SiteData(
            facility=(_text(loc, "facility/name") or _text(loc, addr + "city") or "Unnamed site")[:300],
            city=_text(loc, addr + "city")[:120], state=_text(loc, addr + "state")[:120],
            postal_code=_text(loc, addr + "zip")[:20], country=_text(loc, addr + "country")[:120],
            status=status_key(_text(loc, "status")) if _text(loc, "status") else study.overall_status,
            contact_name=_text(contact, "last_name")[:200] if contact is not None else "",
            contact_phone=_text(contact, "phone")[:60] if contact is not None else "",
            contact_email=_email(_text(contact, "email")) if contact is not None else "",
        ))
    return _finish(study, _dedent(elig_text or ""), mapper)


def _dedent(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.strip() if not line.strip() else line.rstrip() for line in lines).strip()
