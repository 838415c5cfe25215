from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0006_patient_possible_duplicate_of"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="safety_notified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
