"""Emails to patients: in their language, carrying a link and never a health detail."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def status_link_url(patient):
    return settings.SITE_URL.rstrip("/") + reverse("patient:status", args=[patient.status_token()])


def send_status_link(patient):
    """Send the patient their private status link. The body names no condition, trial or answer."""
    with translation.override(patient.language or settings.LANGUAGE_CODE):
        context = {"reference": patient.reference, "status_url": status_link_url(patient)}
        subject = render_to_string("emails/patient_status_link_subject.txt", context).strip()
        text = render_to_string("emails/patient_status_link_body.txt", context)
        html = render_to_string("emails/patient_status_link_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [patient.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_existing_record(patient):
    """Tell a patient, at their address, that a new intake was started with their e-mail and birthday, and give
    them their record's link. The body names no condition, trial or answer."""
    with translation.override(patient.language or settings.LANGUAGE_CODE):
        context = {"reference": patient.reference, "status_url": status_link_url(patient)}
        subject = render_to_string("emails/patient_existing_record_subject.txt", context).strip()
        text = render_to_string("emails/patient_existing_record_body.txt", context)
        html = render_to_string("emails/patient_existing_record_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [patient.email])
    message.attach_alternative(html, "text/html")
    message.send()
