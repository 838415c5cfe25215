"""E-mails to patients about their authorization: in their language, a link and never a health detail."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from intake.emails import status_link_url


def send_triple(patient, name, context):
    """Render templates/emails/<name>_subject.txt, _body.txt and _body.html in the patient's language and send."""
    with translation.override(patient.language or settings.LANGUAGE_CODE):
        context = {"reference": patient.reference, **context}
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}_body.txt", context)
        html = render_to_string(f"emails/{name}_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [patient.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_authorization_ended(lapse):
    """Tell the patient their authorization ended, why (expired, new version, turned 18) and how to sign again."""
    patient = lapse.authorization.patient
    send_triple(patient, "authorization_ended", {
        "reason": lapse.reason,
        "ended_on": timezone.localtime(min(lapse.authorization.expires_at, lapse.noticed_at)).date(),
        "status_url": status_link_url(patient),
    })


def send_new_status_link(patient):
    """A fresh private link, sent because the patient asked for one; the old link no longer opens."""
    send_triple(patient, "patient_new_status_link", {"status_url": status_link_url(patient)})
