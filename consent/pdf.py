"""The patient's copy of a signed authorization as a PDF (fpdf2, no external service)."""

from fpdf import FPDF

# fpdf2's built-in fonts cover Latin-1 (Spanish included); map the few typographic characters outside it.
TYPOGRAPHY = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
                            "\u201d": '"', "\u2022": "-", "\u2026": "...", "\u00a0": " "})


def latin1(text):
    return text.translate(TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")


def authorization_pdf(authorization):
    spanish = authorization.language == "es"
    labels = {
        "signed_by": "Firmado por" if spanish else "Signed by",
        "relationship": "En calidad de" if spanish else "Signing as",
        "authority": "Autoridad" if spanish else "Authority",
        "signed_at": "Fecha y hora (UTC)" if spanish else "Date and time (UTC)",
        "expires": "Vence" if spanish else "Expires",
        "meaning": "Significado de la firma" if spanish else "Meaning of the signature",
        "version": "Version del texto" if spanish else "Text version",
        "seal": "Huella SHA-256" if spanish else "SHA-256 seal",
        "reference": "Referencia" if spanish else "Reference",
        "revoked": "Revocada (UTC)" if spanish else "Revoked (UTC)",
        "intact": "Verificacion de integridad" if spanish else "Integrity check",
    }
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
        (labels["reference"], authorization.patient.reference),
        (labels["signed_by"], authorization.signed_name),
        (labels["relationship"], authorization.get_signer_relationship_display()),
        (labels["authority"], authorization.representative_authority or "-"),
        (labels["signed_at"], authorization.signed_at.strftime("%Y-%m-%d %H:%M:%S")),
        (labels["expires"], authorization.expires_at.strftime("%Y-%m-%d")),
        (labels["meaning"], authorization.signature_meaning),
        (labels["version"], f"{authorization.text.version} ({authorization.text.sha256[:16]})"),
        (labels["seal"], authorization.signature_sha256),
        (labels["intact"], ("OK" if authorization.verify() else "FALLO" if spanish else "FAILED")),
    ]
    if authorization.is_revoked:
        rows.append((labels["revoked"], authorization.revocation.revoked_at.strftime("%Y-%m-%d %H:%M:%S")))
    pdf.set_font("Helvetica", size=9)
    for label, value in rows:
        pdf.multi_cell(0, 5, latin1(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
