"""The corpus walk .ci/corpus-checks runs once the shared ClinicalTrials.gov corpus is imported into its scratch
database (issue 14, "Done when"): six patients written here sign valid authorizations in US ZIP codes where the corpus
has sites, are matched, and each is checked as they would see it:

1. at least one recruiting trial of their condition, unless no recruiting trial of it in the corpus admits them (then
   the walk says why);
2. no trial reached only through a keyword, or through a bare generic word ("Tumor") with nothing in the record
   saying it enrols any cancer;
3. "may fit" (verdict possible) for every trial whose criteria nobody reviewed, on their status page too.

Every "recruiting" in the shared corpus was verified more than 12 months before the days the walk runs, and a stale
status is not matched as recruiting: the walk matches once as imported, then confirms the registry's recruiting
statuses as an admin does (admin action "Confirm recruiting status") and matches again.

    python -m matches.corpus_walk      # DATABASE_URL names the scratch database; exit status 1 on a failed check
"""

import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

# The walk only reads what it needs, then prints; nothing here runs inside the web app.


@dataclass(frozen=True)
class Walker:
    name: str
    full_name: str
    sex: str
    age: int
    postal_code: str  # a US ZIP code where the corpus has sites of trials of this condition
    condition_code: str
    answers: dict = field(default_factory=dict)
    parent: str = ""  # who signs for a minor


WALKERS = (
    Walker("AML", "Alex Rivera", "male", 61, "77030", "onc:AML", {"ecog": 1}),
    Walker("stage IV lung", "Lee Chen", "female", 62, "60612", "onc:LUAD", {"stage": "IV", "ecog": 1}),
    Walker("male breast cancer", "Omar Haddad", "male", 58, "55905", "onc:BREAST", {"stage": "II"}),
    Walker("child with ALL", "Mia Novak", "female", 8, "77030", "onc:BLL", {}, parent="Ana Novak"),
    Walker("fibromyalgia", "Rosa Diaz", "female", 45, "10960", "pain:FIBROMYALGIA", {}),
    Walker("depression, PHQ-9 item 9 > 0", "Sam Porter", "male", 34, "80829", "psy:MDD",
           {"phq9_items": [2, 2, 2, 2, 2, 1, 1, 1, 1]}),
)
# What the status page says of a trial whose criteria are all met and reviewed, and of one that may fit.
FITS_WORDS = "meet what this trial asks for"
MAY_FIT_WORDS = "may fit"


def _birth_date(today, age):
    """A birthday half a year past the age's, so the walk's ages never sit on a boundary."""
    year = today.year - age - (1 if today.month <= 6 else 0)
    return date(year, 12 if today.month <= 6 else 6, 1)


def enrol(walker, today):
    """The patient a finished intake creates, with a signed authorization (a parent's for a child)."""
    from consent.models import Authorization, AuthorizationText
    from consent.services import sign_authorization
    from intake.services import submit_intake

    patient = submit_intake(
        language="en", full_name=walker.full_name, email=f"{walker.full_name.split()[0].lower()}@walk.example.org",
        birth_date=_birth_date(today, walker.age), sex=walker.sex, postal_code=walker.postal_code,
        condition_code=walker.condition_code, answers=dict(walker.answers), travel_radius_km=None, today=today,
    )
    signer = {"signed_name": walker.full_name}
    if walker.parent:
        signer = {"signed_name": walker.parent, "relationship": Authorization.Relationship.PARENT,
                  "representative_authority": "Parent of the patient"}
    sign_authorization(patient=patient, text=AuthorizationText.objects.current(), language="en", **signer)
    return patient


def confirm_recruiting_statuses(today):
    """What an admin's "Confirm recruiting status" does to every trial the registry calls recruiting."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from trials.models import Trial

    admin = get_user_model().objects.create_user(username="corpus-walk-admin", is_staff=True)
    confirmed = 0
    for trial in Trial.objects.filter(overall_status=Trial.Status.RECRUITING):
        trial.status_confirmed_at, trial.status_confirmed_by = timezone.now(), admin
        trial.note_status_check(today)
        trial.save(update_fields=["status_confirmed_at", "status_confirmed_by", "status_checked_on"])
        confirmed += 1
    return confirmed


def admitting_trials(walker, patient, today):
    """Recruiting trials of the walker's condition whose age window and sex admit them, read from the trials'
    fields without the matching code, to tell "none to find" from "none found"."""
    from trials.models import Trial
    from trials.vocabulary import load_vocabulary

    wanted = load_vocabulary().ancestors(walker.condition_code)
    age = patient.age_on(today)
    found = []
    for trial in Trial.objects.recruiting(today):
        if not set(trial.condition_codes or []) & wanted:
            continue
        if trial.sex not in (Trial.Sex.ALL, walker.sex.upper()):
            continue
        if (trial.min_age_years is not None and age < trial.min_age_years) or \
                (trial.max_age_years is not None and age > trial.max_age_years):
            continue
        found.append(trial)
    return found


def status_page(patient):
    """The patient's own status page as their browser gets it."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    response = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0]).get(
        reverse("patient:status", args=[patient.status_token()]), HTTP_ACCEPT_LANGUAGE="en")
    return response.status_code, response.content.decode()


def check(walker, patient, today):
    """(table row, failures) for one walker once matched."""
    from trials.ctgov.corpus_check import route
    from trials.vocabulary import load_vocabulary

    from .models import Verdict

    wanted = load_vocabulary().ancestors(walker.condition_code)
    failures = []
    shown = list(patient.matches.exclude(verdict=Verdict.NOT_ELIGIBLE).select_related("trial").order_by("trial__ref"))
    verdicts = Counter(match.verdict for match in shown)
    codes, generic = Counter(), []
    for match in shown:
        trial = match.trial
        matched = [code for code in trial.condition_codes or [] if code in wanted]
        routes = {route(trial, code) for code in matched}
        codes.update(matched)
        if not matched:
            failures.append(f"{trial.ref} reached them through no code of their condition")
        elif routes <= {"keyword"}:
            failures.append(f"{trial.ref} reached them only through a keyword")
        elif routes <= {"keyword", "generic"}:
            generic.append(trial.ref)
            sources = [(trial.registry_condition_sources or {}).get(code, "") for code in matched]
            if not any("enrols any" in source for source in sources):
                failures.append(f"{trial.ref} reached them only through a generic word")
        if not trial.criteria_reviewed and match.verdict != Verdict.POSSIBLE:
            failures.append(f"{trial.ref}: verdict {match.verdict}, though nobody reviewed its criteria")
    recruiting = [match for match in shown if match.trial.is_recruiting(today)]
    note = ""
    if not recruiting:
        admitting = admitting_trials(walker, patient, today)
        if admitting:
            failures.append(f"no recruiting trial of their condition, though {len(admitting)} admit them "
                            f"({', '.join(t.ref for t in admitting[:5])})")
        else:
            note = "no recruiting trial of this condition in the corpus admits them"
    status, page = status_page(patient)
    reviewed_fit = any(m.trial.criteria_reviewed and m.verdict == Verdict.ELIGIBLE for m in shown)
    if status != 200:
        failures.append(f"status page answered {status}")
    elif shown and MAY_FIT_WORDS not in page.lower():
        failures.append(f"status page never says {MAY_FIT_WORDS!r}")
    elif FITS_WORDS in page and not reviewed_fit:
        failures.append(f"status page says {FITS_WORDS!r} of a trial nobody reviewed")
    row = {
        "patient": f"{walker.name} ({patient.age_on(today)}, {walker.sex}, {walker.postal_code})",
        "recruiting": len(recruiting),
        "eligible": verdicts[Verdict.ELIGIBLE], "possible": verdicts[Verdict.POSSIBLE],
        "codes": ", ".join(f"{code} {n}" for code, n in codes.most_common()) or "-",
        "urgent": patient.urgent, "generic": generic, "note": note,
    }
    return row, failures


def missed_by_the_safety_team(patients):
    """The urgent walkers a member of the safety team does not see in the coordinators' urgent view."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from trials.models import TrialTeam

    team, _created = TrialTeam.objects.get_or_create(name=settings.SAFETY_TEAM_NAME or "Safety")
    member, _created = get_user_model().objects.get_or_create(username="walk.safety")
    team.members.add(member)
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    client.force_login(member)
    page = client.get(reverse("matches:urgent")).content.decode()
    return [patient for patient in patients if patient.urgent and patient.reference not in page]


def walk(today=None):
    """Enrol, match as imported, confirm statuses, match again, check; print the table. Returns the failures."""
    from django.utils import timezone

    from trials.models import Trial

    from .services import match_patient

    today = today or timezone.localdate()
    registry_recruiting = Trial.objects.filter(overall_status=Trial.Status.RECRUITING).count()
    print(f"== corpus walk, as of {today}")
    print(f"trials the registry lists as recruiting: {registry_recruiting}; verified within 12 months: "
          f"{Trial.objects.recruiting(today).count()}")
    patients = [(walker, enrol(walker, today)) for walker in WALKERS]
    for _walker, patient in patients:
        match_patient(patient.pk, today=today)
    stale = sum(p.matches.count() for _w, p in patients)
    print(f"matches as imported (a status verified over 12 months ago is not matched as recruiting): {stale}")
    print(f"an admin confirms the registry's recruiting statuses: {confirm_recruiting_statuses(today)} trials")
    failures, rows = [], []
    for walker, patient in patients:
        match_patient(patient.pk, today=today)
        row, problems = check(walker, patient, today)
        rows.append(row)
        failures += [f"{walker.name}: {problem}" for problem in problems]
    urgent = [patient for _walker, patient in patients if patient.urgent]
    missed = missed_by_the_safety_team(urgent)
    print(f"urgent patients in the safety team's urgent view: {len(urgent) - len(missed)} of {len(urgent)}")
    failures += [f"{patient.reference}: flagged urgent, yet not in the safety team's urgent view" for patient in missed]
    print(f"{'patient':44} {'recruiting':>10} {'eligible':>8} {'possible':>8}  codes that matched (trials)")
    for row in rows:
        print(f"{row['patient']:44} {row['recruiting']:>10} {row['eligible']:>8} {row['possible']:>8}  {row['codes']}"
              + ("  [urgent]" if row["urgent"] else ""))
        if row["generic"]:
            print(f"{'':44} any cancer, the record saying it enrols any: {', '.join(row['generic'])}")
        if row["note"]:
            print(f"{'':44} {row['note']}")
    return failures


def main():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    failures = walk()
    for failure in failures[:50]:
        print("FAIL", failure)
    print(f"corpus walk: {'ok' if not failures else f'{len(failures)} failed checks'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
