"""Teams, who own trials through routing rules or adoption, and the safety team."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..vocabulary import load_vocabulary
from .sites import Site
from .trial import TrialCondition


def validate_time_zone(name):
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(name)s is not a time zone name such as America/Chicago."), params={"name": name})


class TrialTeamQuerySet(models.QuerySet):
    def safety_team(self):
        """The team named by settings.SAFETY_TEAM_NAME, which sees every patient flagged urgent; None without one."""
        name = settings.SAFETY_TEAM_NAME
        return self.filter(name=name).first() if name else None


class TrialTeam(models.Model):
    """The people who work one or more trials' matches. A coordinator sees only their teams' trials."""

    name = models.CharField(max_length=200, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="trial_teams")
    digest_email = models.EmailField(blank=True, help_text="Where the new-match digest goes; members if empty.")
    # Every time the team's coordinators read (queue, match pages, exports, digest) is shown in this zone.
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone],
        help_text=_("Where the team works, as a time zone name (America/Chicago, America/Puerto_Rico)."),
    )

    objects = TrialTeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def is_staffed(self):
        """Someone can sign in and see what this team sees."""
        return self.members.filter(is_active=True).exists()


def safety_team_is_staffed():
    """True when urgent patients reach a person whatever they matched: a safety team with an active member.

    Only then may a patient read that a coordinator will see their answers need prompt attention.
    """
    team = TrialTeam.objects.safety_team()
    return team is not None and team.is_staffed()


def comma_list(value):
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


class RoutingRule(models.Model):
    """A team owns the trials about these conditions, optionally only those with a site in these states or cities.

    Rules give a trial its team on import and whenever the trial or a rule changes; a trial an admin assigned
    to a team (adopted) keeps it whatever the rules say. When several teams' rules fit, the lowest priority
    number wins, then the team's name.
    """

    team = models.ForeignKey(TrialTeam, on_delete=models.CASCADE, related_name="routing_rules")
    condition_codes = models.JSONField(
        default=list, help_text="Vocabulary codes, e.g. onc:LUNG; a code covers everything below it.")
    states = models.JSONField(default=list, blank=True,
                              help_text="Only trials with a site in one of these states (as the registry writes "
                                        "them, e.g. Texas); empty for any.")
    cities = models.JSONField(default=list, blank=True,
                              help_text="Only trials with a site in one of these cities; empty for any.")
    priority = models.PositiveSmallIntegerField(default=100, help_text="Lower first when several teams' rules fit.")

    class Meta:
        ordering = ["priority", "team__name", "pk"]

    def __str__(self):
        where = ", ".join([*self.states, *self.cities])
        return f"{self.team}: {', '.join(self.condition_codes)}" + (f" in {where}" if where else "")

    def clean(self):
        vocabulary = load_vocabulary()
        codes = self.condition_codes
        if not isinstance(codes, list) or not codes or not all(isinstance(code, str) for code in codes):
            raise ValidationError({"condition_codes": _("Give at least one condition code, e.g. onc:LUNG.")})
        unknown = [code for code in codes if vocabulary.condition(code) is None]
        if unknown:
            raise ValidationError({"condition_codes": _("unknown condition code %(codes)s") % {
                "codes": ", ".join(unknown)}})

    def matching(self, trials):
        """The trials of `trials` this rule gives to its team."""
        vocabulary = load_vocabulary()
        codes = set()
        for code in self.condition_codes:
            codes |= set(vocabulary.descendants(code)) | {code}
        trials = trials.filter(pk__in=TrialCondition.objects.filter(code__in=sorted(codes)).values("trial_id"))
        if self.states or self.cities:
            sites = Site.objects.all()
            if self.states:
                sites = sites.filter(_any_iexact("state", self.states))
            if self.cities:
                sites = sites.filter(_any_iexact("city", self.cities))
            trials = trials.filter(pk__in=sites.values("trial_id"))
        return trials


def _any_iexact(field, values):
    condition = Q()
    for value in values:
        condition |= Q(**{f"{field}__iexact": value})
    return condition

