"""Publish version 1 of the authorization, so every fresh database can take signatures.

The texts are read from consent/texts/ at migration time; once published they never change
(a new wording is a new version, made in the admin).
"""

import hashlib
from pathlib import Path

from django.db import migrations
from django.utils import timezone

TEXTS = Path(__file__).resolve().parent.parent / "texts"
TITLE_EN = "Authorization to release health information for clinical-trial eligibility screening"
TITLE_ES = "Autorización para divulgar información de salud para evaluar la elegibilidad para ensayos clínicos"


def publish_v1(apps, schema_editor):
    AuthorizationText = apps.get_model("consent", "AuthorizationText")
    if AuthorizationText.objects.filter(version=1).exists():
        return
    body_en = (TEXTS / "authorization_v1_en.txt").read_text(encoding="utf-8").strip()
    body_es = (TEXTS / "authorization_v1_es.txt").read_text(encoding="utf-8").strip()
    # Same formula as AuthorizationText.compute_sha256 (historical models have no methods).
    digest = hashlib.sha256(f"{TITLE_EN}\n{body_en}\n\x1e\n{TITLE_ES}\n{body_es}".encode()).hexdigest()
    AuthorizationText.objects.create(
        version=1, status="published", title_en=TITLE_EN, title_es=TITLE_ES, body_en=body_en, body_es=body_es,
        valid_for_days=730, published_at=timezone.now(), sha256=digest,
    )


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(publish_v1, migrations.RunPython.noop)]
