"""Loading the demo trials written for this project (trials/demo/trials.json)."""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .models import Site, Trial, TrialTeam
from .services import trial_matching_inputs_changed

DEMO_TRIALS = Path(__file__).resolve().parent / "demo" / "trials.json"


@transaction.atomic
def load_demo_trials(path=DEMO_TRIALS):
    """Create or refresh the demo trials and their teams; returns the trials. Safe to run twice."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    trials = []
    for record in records:
        team, _ = TrialTeam.objects.get_or_create(name=record["team"])
        trial, _ = Trial.objects.update_or_create(
            ref=record["ref"],
            defaults={
                "source": Trial.Source.DEMO,
                "title": record["title"],
                "title_es": record.get("title_es", ""),
                "brief_summary": record.get("brief_summary", ""),
                "brief_summary_es": record.get("brief_summary_es", ""),
                "sponsor": record.get("sponsor", ""),
                "overall_status": record["status"],
                "phases": record.get("phases", []),
                "conditions": record.get("conditions", []),
                "condition_codes": record["condition_codes"],
                "min_age_years": record.get("min_age_years"),
                "max_age_years": record.get("max_age_years"),
                "sex": record.get("sex", "ALL"),
                "healthy_volunteers": record.get("healthy_volunteers", False),
                "eligibility_text": record.get("eligibility_text", ""),
                "criteria": record.get("criteria"),
                "team": team,
                "updated_at": timezone.now(),
            },
        )
        trial.full_clean()
        trial.sites.all().delete()
        Site.objects.bulk_create(
            [
                Site(
                    trial=trial,
                    facility=site["facility"],
                    city=site.get("city", ""),
                    state=site.get("state", ""),
                    postal_code=site.get("zip", ""),
                    country=site.get("country", "United States"),
                    latitude=site.get("latitude"),
                    longitude=site.get("longitude"),
                    status=site.get("status", Trial.Status.RECRUITING),
                )
                for site in record.get("sites", [])
            ]
        )
        trial_matching_inputs_changed(trial)
        trials.append(trial)
    return trials
