"""What a patient's results page shows: their matches as cards in plain, honest words, in order of fit then
distance, and in plain words why there are none. Read-only."""

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from trials.eligibility import LEAVES, haversine_km, km_to_miles
from trials.models import Site, Trial, TrialCondition
from trials.vocabulary import load_vocabulary

from ..models import Status, Verdict

PAGE_SIZE = 10
CLOSED = (Status.NOT_ELIGIBLE, Status.DECLINED, Status.WITHDRAWN)
# Fit, best first: every rule met on a fully reviewed trial; possible, waiting only on the patient's answers;
# possible, waiting on the study team's review of the trial's criteria.
ELIGIBLE, WAITS_ON_PATIENT, WAITS_ON_TEAM = 0, 1, 2


@dataclass
class Card:
    match: object
    title: str
    title_language: str
    summary: str
    summary_language: str
    plain_summary: bool
    fit: int
    fit_text: str
    owned: bool
    closed: bool
    contact: dict = field(default_factory=dict)
    registry_url: str = ""
    from_registry: bool = False

    @cached_property
    def reasons(self):
        """The patient's sentences, worded only for the cards a page shows."""
        return [reason["patient"] for reason in self.match.reason_sentences()]

    @cached_property
    def screening_items(self):
        """How many items the study team checks at screening, said beside "you meet what this trial asks for"."""
        return self.match.trial.review_counts()["screening"] if self.fit == ELIGIBLE else 0

    @property
    def nearest_site_km(self):
        return _readable(self.match.nearest_site_km)

    @property
    def nearest_site_miles(self):
        km = self.match.nearest_site_km
        return None if km is None else _readable(km_to_miles(km))


def _readable(distance):
    """One decimal below 10 (0.4 miles, not 0), whole numbers above."""
    if distance is None:
        return None
    return round(distance, 1) if distance < 10 else round(distance)


def _waits_on_team(reason):
    return reason["outcome"] == "unknown" and LEAVES[reason["leaf"]].waits_on != "patient"


def fit_of(match, reasons):
    """(fit rank, the sentence a patient reads about it), from the verdict and the stored reasons (each with its
    leaf and outcome; compact or worded).

    "You meet what this trial asks for" only for an eligible verdict, which the engine gives only when the trial's
    criteria are fully reviewed and every rule is met.
    """
    if match.verdict == Verdict.ELIGIBLE:
        return ELIGIBLE, _("From your answers, you meet what this trial asks for.")
    team = any(_waits_on_team(r) for r in reasons)
    missing = any(r["outcome"] == "unknown" and not _waits_on_team(r) for r in reasons)
    if team and missing:
        return WAITS_ON_TEAM, _("May fit: a few of your answers are still missing, and the study team checks the "
                                "rest.")
    if team:
        located = any(r["leaf"] == "travel" and r["outcome"] == "met" for r in reasons)
        if located:
            return WAITS_ON_TEAM, _("May fit: it matches your diagnosis, age and location; the study team checks "
                                    "the rest.")
        return WAITS_ON_TEAM, _("May fit: it matches your diagnosis and age; the study team checks the rest.")
    return WAITS_ON_PATIENT, _("You may fit: a few answers are still missing.")


def registry_contact(trial, site):
    """Who a patient can ask about a trial: the nearest site's contact, else the registry's central contact."""
    if site is not None and (site.contact_phone or site.contact_email):
        return {"name": site.contact_name or site.facility, "phone": site.contact_phone, "email": site.contact_email}
    for contact in trial.contacts or []:
        if contact.get("phone") or contact.get("email"):
            return {"name": contact.get("name") or "", "phone": contact.get("phone") or "",
                    "email": contact.get("email") or ""}
    return {}


def _with_owner(matches):
    """Annotate `owned`: someone active is on the trial's team, so a coordinator will see the match."""
    staffed = get_user_model().objects.filter(trial_teams=OuterRef("trial__team"), is_active=True)
    return matches.annotate(owned=Exists(staffed))


def _beyond_reach(match, patient):
    return (patient.travel_radius_km and match.nearest_site_km is not None
            and match.nearest_site_km > patient.travel_radius_km)


def cards_for(patient, language):
    """The patient's matches as cards, best fit first, then nearest, then best score; closed ones last.

    Matches the engine ruled out are left out, and so is any trial whose nearest site is beyond the distance the
    patient can travel.
    """
    matches = _with_owner(
        patient.matches.exclude(verdict=Verdict.NOT_ELIGIBLE).select_related("trial", "nearest_site")
    )
    cards = []
    for match in matches:
        if _beyond_reach(match, patient):
            continue
        fit, fit_text = fit_of(match, match.reasons)
        trial = match.trial
        title, title_language = trial.title_for(language)
        summary, summary_language, plain = trial.summary_for(language)
        cards.append(Card(
            match=match, title=title, title_language=title_language, summary=summary,
            summary_language=summary_language, plain_summary=plain, fit=fit, fit_text=fit_text,
            owned=match.owned, closed=match.status in CLOSED,
            contact=registry_contact(trial, match.nearest_site), registry_url=trial.registry_url(),
            from_registry=trial.source == Trial.Source.CTGOV,
        ))
    far = float("inf")
    cards.sort(key=lambda c: (c.closed, c.fit, far if c.match.nearest_site_km is None else c.match.nearest_site_km,
                              -c.match.score, c.title))
    return cards


def shown_count(requested, total):
    """How many cards to show: PAGE_SIZE at first, PAGE_SIZE more with each "show more"."""
    try:
        shown = int(requested)
    except (TypeError, ValueError):
        shown = PAGE_SIZE
    shown = max(PAGE_SIZE, -(-shown // PAGE_SIZE) * PAGE_SIZE)
    return min(shown, max(total, PAGE_SIZE))


def why_no_matches(patient, language, today=None):
    """Plain sentences saying why no trial fits yet: nothing recruiting for the condition, none for their age or
    sex, none within reach, or none whose criteria they meet. Asks the same questions matching asks."""
    today = today or timezone.localdate()
    if patient.matched_at is None:
        return [_("We are still looking. Trials that may fit appear on this page as soon as we find them.")]
    vocabulary = load_vocabulary()
    condition = vocabulary.label(patient.condition_code, language)
    codes = sorted(vocabulary.ancestors(patient.condition_code) or {patient.condition_code})
    recruiting = Trial.objects.recruiting(today).filter(
        pk__in=TrialCondition.objects.filter(code__in=codes).values("trial_id"))
    if not recruiting.exists():
        return [_("We do not have a trial for %(condition)s that is recruiting right now.") % {
            "condition": condition}]
    age = patient.age_on(today)
    by_age = Trial.objects.candidates_for(condition_codes=codes, age_years=age, sex=None)
    if not by_age.exists():
        return [_("The trials for %(condition)s that are recruiting now do not take people of your age "
                  "(%(age)s).") % {"condition": condition, "age": age}]
    fitting = Trial.objects.candidates_for(condition_codes=codes, age_years=age, sex=patient.sex)
    if not fitting.exists():
        return [_("The trials for %(condition)s that are recruiting now take only people of the other sex.") % {
            "condition": condition}]
    if patient.latitude is not None and patient.travel_radius_km:
        nearest = _nearest_recruiting_site_km(patient, fitting)
        if nearest is None or nearest > patient.travel_radius_km:
            sentence = _("None of the trials for %(condition)s that fit your age has a site taking patients "
                         "within %(miles)s miles (%(km)s km) of you.") % {
                "condition": condition, "miles": round(km_to_miles(patient.travel_radius_km)),
                "km": patient.travel_radius_km}
            if nearest is not None:
                sentence += " " + _("The nearest is %(miles)s miles (%(km)s km) away.") % {
                    "miles": round(km_to_miles(nearest)), "km": round(nearest)}
            return [sentence]
    return [_("The trials for %(condition)s recruiting near you ask for things your answers do not fit.") % {
        "condition": condition}]


def _nearest_recruiting_site_km(patient, trials):
    sites = Site.objects.filter(trial__in=trials, status=Trial.Status.RECRUITING, latitude__isnull=False,
                                longitude__isnull=False).values_list("latitude", "longitude")
    distances = [haversine_km(patient.latitude, patient.longitude, lat, lon) for lat, lon in sites.iterator()]
    return min(distances, default=None)
