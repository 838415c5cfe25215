"""Where a trial recruits."""


from django.db import models

from .trial import Trial


class Site(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    facility = models.CharField(max_length=300)
    city = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=120, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=120, blank=True, default="United States")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=30, choices=Trial.Status.choices, default=Trial.Status.RECRUITING)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=60, blank=True)
    contact_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["trial", "state", "city", "facility"]

    def __str__(self):
        place = ", ".join(part for part in (self.city, self.state) if part)
        return f"{self.facility} ({place})" if place else self.facility

    @property
    def is_recruiting(self):
        return self.status == Trial.Status.RECRUITING


