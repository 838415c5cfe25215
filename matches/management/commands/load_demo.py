"""Demo data for `make run`: the demo trials, an admin, two coordinators on different teams, a few patients."""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from consent.models import AuthorizationText
from consent.services import sign_authorization
from intake.models import Patient
from intake.services import submit_intake
from trials.demo_data import load_demo_trials
from trials.models import TrialTeam

DEMO_PASSWORD = "demo-pass-2026"
USERS = [
    # username, team name (None: superuser), description
    ("admin", None, "admin (everything, /admin/)"),
    ("coord.onc", "Oncology", "coordinator, Oncology team"),
    ("coord.mh", "Behavioral Health & Pain", "coordinator, Behavioral Health & Pain team and the safety team"),
]

# Fictional people; reference codes are generated. Answers follow the intake's shapes.
PATIENTS = [
    dict(full_name="Maria Lopez", email="maria@example.com", birth_date=date(1968, 3, 14), sex="female",
         postal_code="77030", condition_code="onc:LUAD", language="es",
         answers={"stage": "IV", "metastatic": True, "ecog": 1, "prior_lines": 1,
                  "prior_therapies": ["therapy:chemotherapy", "drug:carboplatin", "drug:osimertinib"],
                  "biomarkers": {"EGFR": "positive"}, "pregnant": False}),
    dict(full_name="James Carter", email="james@example.com", birth_date=date(1979, 9, 2), sex="male",
         postal_code="60611", condition_code="psy:MDD", language="en",
         answers={"phq9_items": [2, 3, 2, 2, 1, 2, 2, 1, 0], "gad7_items": [1, 1, 2, 1, 0, 1, 1],
                  "medications": ["drug:duloxetine"], "antidepressant_trials": 2, "pregnant": None}),
    dict(full_name="Aisha Rahman", email="aisha@example.com", birth_date=date(1985, 11, 20), sex="female",
         postal_code="02115", condition_code="pain:FIBROMYALGIA", language="en",
         answers={"phq9_items": [1, 1, 2, 3, 1, 1, 1, 0, 0], "gad7_items": [1, 2, 1, 2, 1, 1, 0],
                  "medications": ["drug:duloxetine"], "antidepressant_trials": 1, "pain_months": 12,
                  "pregnant": False}),
    dict(full_name="Robert Chen", email="robert@example.com", birth_date=date(1956, 6, 30), sex="male",
         postal_code="94143", condition_code="onc:PRAD", language="en",
         answers={"stage": "II", "metastatic": False, "ecog": 0, "prior_lines": 0,
                  "prior_therapies": ["therapy:surgery"], "biomarkers": None}),
]


class Command(BaseCommand):
    help = "Load the demo trials, users and patients (safe to run twice), then print the demo logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            trials = load_demo_trials()
            self._users()
            made = self._patients()
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(trials)} demo trials and {made} new demo patients."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _team, description in USERS:
            self.stdout.write(f"  {username:<10} {description}")

    def _users(self):
        User = get_user_model()
        for username, team_name, _description in USERS:
            user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_staff = team_name is None
            user.is_superuser = team_name is None
            user.save()
            if team_name:
                team = TrialTeam.objects.get(name=team_name)
                team.members.add(user)
                # The demo teams' sites are in Houston and Chicago: their coordinators read Central time.
                TrialTeam.objects.filter(pk=team.pk).update(time_zone="America/Chicago")
        # The mental-health coordinator also answers for the safety team: every urgent patient reaches someone.
        if settings.SAFETY_TEAM_NAME:
            safety, _created = TrialTeam.objects.get_or_create(name=settings.SAFETY_TEAM_NAME)
            safety.members.add(User.objects.get(username="coord.mh"))

    def _patients(self):
        text = AuthorizationText.objects.current()
        made = 0
        for data in PATIENTS:
            if Patient.objects.filter(email=data["email"]).exists():
                continue
            patient = submit_intake(**data)
            sign_authorization(patient=patient, text=text, language=data["language"], signed_name=data["full_name"])
            made += 1
        return made
