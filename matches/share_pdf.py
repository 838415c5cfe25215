"""One trial on one page, as a PDF a patient can take to their doctor.

Set like the signed authorization (consent.pdf.CopyPDF): DejaVu Sans embedded, so any name or registry text prints
as written, and the patient's reference with the page number on every page.
"""

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from consent.pdf import FONT_FAMILY, CopyPDF

SUMMARY_CHARS = 1200  # keeps the page to one sheet with a long registry summary


def _short(text, limit):
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."


def trial_summary_pdf(context):
    """The share page's content (matches.views.patient._share_context) as PDF bytes, in the active language."""
    card, site = context["card"], context["site"]
    trial = card.match.trial
    pdf = CopyPDF(reference=context["patient"].reference, language=(get_language() or "en")[:2])
    # The metadata carries the reference only: a document title must not hold health data.
    pdf.set_title(f"TrialBridge - {context['patient'].reference}")
    pdf.set_creator("TrialBridge")
    pdf.add_page()

    def heading(text):
        pdf.ln(2)
        pdf.set_font(FONT_FAMILY, "B", 11)
        pdf.multi_cell(0, 6, pdf.words(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT_FAMILY, size=10)

    def line(text, height=5):
        pdf.multi_cell(0, height, pdf.words(text), new_x="LMARGIN", new_y="NEXT")

    pdf.set_font(FONT_FAMILY, size=9)
    line(_("A clinical trial to talk about with your doctor") + f" · TrialBridge · {context['today']:%Y-%m-%d}")
    pdf.set_font(FONT_FAMILY, "B", 14)
    pdf.multi_cell(0, 7, pdf.words(card.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=10)
    line(f"{trial.ref} · {trial.status_label()}")
    if context["language"] == "es" and (card.title_language == "en" or card.summary_language == "en"):
        line(_("The registry publishes this trial's details in English only.") if card.from_registry
             else _("This trial's details are in English only."))

    heading(_("Why it may fit"))
    line(card.fit_text)
    for sentence in context["fits"]:
        line(f"• {sentence}")
    if context["to_check"]:
        heading(_("Still to check"))
        for sentence in context["to_check"]:
            line(f"• {sentence}")

    if card.summary:
        registry = card.from_registry and not card.plain_summary
        heading(_("Summary from the public registry") if registry else _("About the trial"))
        line(_short(card.summary, SUMMARY_CHARS))

    heading(_("Nearest site"))
    if site is not None:
        line(str(site))
        if card.match.nearest_site_km is not None:
            line(_("%(miles)s miles / %(km)s km away") % {"miles": formats.number_format(card.nearest_site_miles),
                                                          "km": formats.number_format(card.nearest_site_km)})
    else:
        line(_("No site location given."))
    if card.contact:
        parts = [card.contact.get("name"), card.contact.get("phone"), card.contact.get("email")]
        line(_("Study contact") + ": " + ", ".join(part for part in parts if part))
    if card.registry_url:
        heading(_("In the public registry"))
        line(card.registry_url)

    pdf.ln(3)
    pdf.set_font(FONT_FAMILY, size=8)
    line(_("TrialBridge helps people find clinical trials. It does not give medical advice. The study team decides "
           "who can take part."), height=4)
    return bytes(pdf.output())
