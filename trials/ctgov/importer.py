"""Write ClinicalTrials.gov records into trials: one transaction per study, upsert by NCT id.

A record's hash (of the record itself plus the importer's version) is stored on the trial, so
re-importing an unchanged record writes nothing and queues nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from trials.eligibility import validate_rule
from trials.models import Site, Trial
from trials.services import trial_matching_inputs_changed

from .conditions import AREAS, ConditionMapper, areas_of_codes, areas_of_wording
from .mapping import RecordError, from_v2, from_xml
from .readers import V2, RawRecord

log = logging.getLogger(__name__)

# Bump when the mapping changes what a record becomes: every record then counts as changed once.
IMPORTER_VERSION = "ctgov-import-3"
CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"


@dataclass
class Summary:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list = field(default_factory=list)  # (origin, nct_id, reason)
    mapped: int = 0  # imported trials (created/updated) with at least one condition code
    unmapped: int = 0
    unmapped_conditions: Counter = field(default_factory=Counter)
    suggestions: Counter = field(default_factory=Counter)
    items_understood: int = 0
    items_not_understood: int = 0
    # per area: trials whose wording or codes are about it, and those of them mapped to a code of it
    in_area: Counter = field(default_factory=Counter)
    covered: Counter = field(default_factory=Counter)

    def count_coverage(self, study):
        code_areas = areas_of_codes(study.condition_codes)
        areas = areas_of_wording([*study.conditions, *(term for _, term in study.meshes)]) | code_areas
        for area in areas or {"other"}:
            self.in_area[area] += 1
            if area in code_areas or (area == "other" and study.condition_codes):
                self.covered[area] += 1

    def coverage_line(self) -> str:
        names = {"oncology": "oncology", "mental_health": "mental health", "pain": "pain", "other": "other"}
        parts = []
        for area in AREAS:
            total = self.in_area[area]
            share = f" ({100 * self.covered[area] / total:.0f}%)" if total else ""
            parts.append(f"{names[area]} {self.covered[area]}/{total}{share}")
        return "coverage (trials mapped to a code of their area): " + ", ".join(parts)

    def skip_reasons(self) -> Counter:
        return Counter(_reason_kind(reason) for _, _, reason in self.skipped)

    def to_dict(self) -> dict:
        return {
            "read": self.read, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "skipped": len(self.skipped), "skip_reasons": dict(self.skip_reasons()),
            "skipped_records": [{"origin": o, "nct_id": n, "reason": r} for o, n, r in self.skipped[:500]],
            "mapped": self.mapped, "unmapped": self.unmapped,
            "top_unmapped_conditions": self.unmapped_conditions.most_common(20),
            "coverage": {area: {"trials": self.in_area[area], "mapped": self.covered[area]} for area in AREAS},
            "suggestions": dict(sorted(self.suggestions.items())),
            "items_understood": self.items_understood, "items_not_understood": self.items_not_understood,
        }

    def lines(self, *, max_skips=50) -> list[str]:
        out = [
            f"read {self.read}, created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {len(self.skipped)}",
        ]
        for reason, count in self.skip_reasons().most_common():
            out.append(f"  skipped {count}: {reason}")
        for origin, nct_id, reason in self.skipped[:max_skips]:
            out.append(f"    {origin} {nct_id or '(no NCT id)'}: {reason}")
        if len(self.skipped) > max_skips:
            out.append(f"    … and {len(self.skipped) - max_skips} more")
        out.append(f"conditions: {self.mapped} trials mapped to vocabulary codes, {self.unmapped} unmapped")
        out.append(self.coverage_line())
        if self.unmapped_conditions:
            out.append("most frequent unmapped conditions (for review): " + "; ".join(
                f"{text} ({n})" for text, n in self.unmapped_conditions.most_common(20)))
        if self.suggestions:
            kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.suggestions.items()))
            out.append(f"suggestions: {sum(self.suggestions.values())} ({kinds})")
        total = self.items_understood + self.items_not_understood
        if total:
            out.append(f"eligibility items: {self.items_understood} of {total} understood")
        return out


class _Known:
    """The stored hashes of imported trials, read once: re-importing an unchanged corpus costs no query per study.

    Only a shortcut for "unchanged": anything else goes through upsert_study, which re-checks under a row lock.
    """

    def __init__(self):
        self._hashes = None

    def unchanged(self, ref, digest):
        if self._hashes is None:
            self._hashes = dict(
                Trial.objects.filter(source=Trial.Source.CTGOV).values_list("ref", "record_sha256").iterator()
            )
        return self._hashes.get(ref) == digest


def _reason_kind(reason: str) -> str:
    """Group skip reasons for the summary: 'malformed minimum age '18 Yrs'' → 'malformed minimum age'."""
    return reason.split(" '")[0].split(": ")[0].split(" (")[0]


def record_hash(raw: RawRecord, mapper: ConditionMapper | None = None) -> str:
    """The record's bytes with what its mapping depends on: a new vocabulary or OncoTree file re-maps it."""
    if raw.kind == V2:
        body = json.dumps(raw.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    else:
        body = raw.payload
    salt = IMPORTER_VERSION + (mapper.fingerprint if mapper else "")
    return hashlib.sha256(salt.encode() + b"\0" + body).hexdigest()


def parse(raw: RawRecord, mapper: ConditionMapper | None = None):
    """The mapped StudyData of a raw record; RecordError when it cannot be imported.

    Legacy XML is parsed by defusedxml: entities (the billion laughs) and external references (a file of the
    server read into a title) are refused whatever the system's expat version. A partial record (no title, no
    conditions or no version information) is refused too: written over a trial, it would erase what the
    complete record said.
    """
    if raw.error:
        raise RecordError(raw.error, raw.nct_id)
    if raw.kind == V2:
        study = from_v2(raw.payload, mapper)
    else:
        try:
            root = DefusedET.fromstring(raw.payload)
        except ET.ParseError as exc:
            raise RecordError(f"broken XML: {exc}", raw.nct_id) from None
        except DefusedXmlException:
            raise RecordError("XML with entities or external references is not read", raw.nct_id) from None
        study = from_xml(root, mapper)
    missing = [what for what, absent in (
        ("no title", not study.title.strip() or study.title.strip() == study.ref),
        ("no conditions", not study.conditions),
        ("no version information", not study.record_version and not study.last_update_date),
    ) if absent]
    if missing:
        raise RecordError(f"partial record: {', '.join(missing)}", study.ref)
    return study


@cache
def condition_mapper(oncotree_path: str = "") -> ConditionMapper:
    """One mapper per OncoTree file for the life of the process: building its lexicon reads ~100,000 ICD-10-CM
    names."""
    return ConditionMapper(oncotree_path=oncotree_path or None)


def import_records(records, *, only_refs=None, force=False, run=None, progress=None, oncotree=None) -> Summary:
    """Import raw records one study at a time; a bad record is skipped with its reason, the rest goes on.

    oncotree: an OncoTree release file (default settings.ONCOTREE_PATH) whose names map cancer conditions.
    """
    mapper = condition_mapper(str(oncotree or settings.ONCOTREE_PATH or ""))
    summary = Summary()
    only = set(only_refs or ())
    known = _Known()
    for raw in records:
        if progress:
            progress()
        if only and raw.nct_id and raw.nct_id not in only:
            continue
        if not force and not raw.error and raw.nct_id and known.unchanged(raw.nct_id, record_hash(raw, mapper)):
            summary.read += 1  # same bytes as last time: not even parsed
            summary.unchanged += 1
            continue
        try:
            study = parse(raw, mapper)
        except RecordError as exc:
            if only and exc.nct_id not in only:
                continue
            summary.read += 1
            summary.skipped.append((raw.origin, exc.nct_id or raw.nct_id, exc.reason))
            continue
        if only and study.ref not in only:
            continue
        summary.read += 1
        try:
            digest = record_hash(raw, mapper)
            if not force and known.unchanged(study.ref, digest):
                outcome, reason = UNCHANGED, ""
            else:
                outcome, reason = upsert_study(study, digest=digest, origin=raw.origin, run=run, force=force)
        except DatabaseError as exc:
            # The study's transaction rolled back: nothing of it was written.
            log.warning("ctgov import: %s refused by the database (%s)", study.ref, type(exc).__name__)
            outcome, reason = SKIPPED, f"database refused the record: {str(exc).splitlines()[0][:120]}"
        if outcome == SKIPPED:
            summary.skipped.append((raw.origin, study.ref, reason))
            continue
        if outcome == UNCHANGED:
            summary.unchanged += 1
            continue
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        if study.condition_codes:
            summary.mapped += 1
        else:
            summary.unmapped += 1
        summary.unmapped_conditions.update(study.unmapped_conditions)
        summary.count_coverage(study)
        summary.suggestions.update(s["kind"] for s in study.suggestions)
        summary.items_understood += sum(1 for i in study.eligibility_items if i["understood"])
        summary.items_not_understood += sum(1 for i in study.eligibility_items if not i["understood"])
    return summary


_rule_errors_cache: dict[str, bool] = {}


def _valid(rule) -> bool:
    """validate_rule, remembered: the same few dozen suggested rules recur across thousands of records."""
    key = json.dumps(rule, sort_keys=True)
    if key not in _rule_errors_cache:
        _rule_errors_cache[key] = not validate_rule(rule)
    return _rule_errors_cache[key]


def _merge_suggestions(new, old):
    """Keep an admin's decision on a suggestion the new record still makes; everything else is pending."""
    decided = {(s.get("kind"), json.dumps(s.get("rule"), sort_keys=True), s.get("text")): s.get("status")
               for s in old or [] if s.get("status") in ("accepted", "rejected")}
    merged = []
    for s in new:
        if not _valid(s["rule"]):
            continue  # never offer an admin a rule the engine would refuse
        key = (s["kind"], json.dumps(s["rule"], sort_keys=True), s["text"])
        merged.append({**s, "status": decided.get(key, "pending")})
    return merged


@transaction.atomic
def upsert_study(study, *, digest, origin, run=None, force=False):
    """(outcome, skip reason) after writing one study and its sites, all or nothing."""
    trial = Trial.objects.select_for_update().filter(ref=study.ref).first()
    if trial is not None:
        if trial.source != Trial.Source.CTGOV:
            return SKIPPED, f"NCT id already used by a trial {trial.get_source_display().lower()}"
        if trial.record_sha256 == digest and not force:
            return UNCHANGED, ""
        if (not force and trial.record_version and study.record_version
                and study.record_version < trial.record_version):
            return SKIPPED, f"older than the stored record ({study.record_version} < {trial.record_version})"
        outcome = UPDATED
    else:
        trial = Trial(ref=study.ref, source=Trial.Source.CTGOV, created_at=timezone.now())
        outcome = CREATED
    suggestions = _merge_suggestions(study.suggestions, trial.criteria_suggestions if outcome == UPDATED else [])
    understood = sum(1 for item in study.eligibility_items if item["understood"])
    now = timezone.now()
    # Registry fields only: what an admin curated (curated codes, criteria, team, Spanish texts) is not here.
    for name, value in {
        "title": study.title, "brief_summary": study.brief_summary, "sponsor": study.sponsor,
        "overall_status": study.overall_status, "phases": study.phases, "conditions": study.conditions,
        "keywords": study.keywords, "registry_condition_codes": study.condition_codes,
        "registry_condition_sources": study.condition_sources,
        "unmapped_conditions": study.unmapped_conditions, "min_age_years": study.min_age_years,
        "max_age_years": study.max_age_years, "sex": study.sex, "healthy_volunteers": study.healthy_volunteers,
        "eligibility_text": study.eligibility_text, "eligibility_items": study.eligibility_items,
        "items_understood": understood, "items_not_understood": len(study.eligibility_items) - understood,
        "criteria_suggestions": suggestions, "contacts": study.contacts, "last_update_date": study.last_update_date,
        "status_verified_date": study.status_verified_date,
        "record_version": study.record_version[:40], "record_sha256": digest, "import_origin": origin[-500:],
        "import_run": run, "updated_at": now,
    }.items():
        setattr(trial, name, value)
    trial.apply_curated_codes()
    if outcome == CREATED:
        trial.status_checked_on = study.status_verified_date  # a record that says nothing is not confirmed
    else:
        trial.note_status_check(study.status_verified_date)
    trial.save()
    wanted = [vars(site) for site in study.sites]
    fields = list(wanted[0]) if wanted else ["facility"]
    if outcome == UPDATED:
        have = list(trial.sites.order_by("pk").values(*fields))
        if have != wanted:
            # Replacing sites nulls matches' nearest site; the re-match queued below sets it again.
            trial.sites.all().delete()
            Site.objects.bulk_create([Site(trial=trial, **site) for site in wanted])
    else:
        Site.objects.bulk_create([Site(trial=trial, **site) for site in wanted])
    # Structured fields are criteria: index the codes and re-match in the background after commit.
    trial_matching_inputs_changed(trial)
    return outcome, ""
