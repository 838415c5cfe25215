"""The patient's copy of a signed authorization as a PDF (fpdf2, no external service)."""

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

# fpdf2's built-in fonts cover Latin-1 (Spanish included); map the few typographic characters outside it.
TYPOGRAPHY = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
                            "\u201d": '"', "\u2022": "-", "\u2026": "...", "\u00a0": " "})


def latin1(text):
    return text.translate(TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")


def authorization_pdf(authorization):
    """The PDF in the language the authorization was signed in, whatever the page's language."""
    with translation.override(authorization.language):
        return _authorization_pdf(authorization)


def _authorization_pdf(authorization):
    pdf = FPDF(format="Letter")
    # The metadata carries the reference only: a file name or document title must not hold health data.
    pdf.set_title(latin1(f"{authorization.text.title(authorization.language)} - {authorization.patient.reference}"))
    pdf.set_subject(authorization.patient.reference)
    pdf.set_creator("TrialBridge")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, latin1(authorization.snapshot), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    rows = [
        (_("Reference"), authorization.patient.reference),
        (_("Signed by"), authorization.signed_name),
        (_("Signing as"), authorization.get_signer_relationship_display()),
        (_("Authority"), authorization.representative_authority or "-"),
        (_("Date and time (UTC)"), authorization.signed_at.strftime("%Y-%m-%d %H:%M:%S")),
        (_("Expires"), authorization.expires_at.strftime("%Y-%m-%d")),
        (_("Meaning of the signature"), authorization.signature_meaning),
        (_("Text version"), f"{authorization.text.version} ({authorization.text.sha256[:16]})"),
        (_("SHA-256 seal"), authorization.signature_sha256),
        (_("Integrity check"),
         _("Intact") if authorization.verify() else _("FAILED: this record does not match its seal")),
    ]
    if authorization.is_revoked:
        rows.append((_("Revoked (UTC)"), authorization.revocation.revoked_at.strftime("%Y-%m-%d %H:%M:%S")))
    pdf.set_font("Helvetica", size=9)
    for label, value in rows:
        pdf.multi_cell(0, 5, latin1(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
