"""The patient's copy of a signed authorization as a PDF (fpdf2, no external service).

The text is set in DejaVu Sans, embedded in the file, so accents, Vietnamese ("Nguyễn Thị Ánh"), Greek and
Cyrillic print as typed. The font comes from Debian's fonts-dejavu-core package (.ci/run installs it): without
it the copy fails with an error naming that package, rather than falling back to a built-in font that prints "?"
for every letter outside Latin-1.
"""

import re
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import emoji
from anyascii import anyascii
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from intake.geo import zip_time_zone

from .wording import relationship_label

FONT_PACKAGE = "fonts-dejavu-core"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# The title line and the numbered section headings of the signed text ("7. My right to revoke") are set in bold.
HEADING = re.compile(r"^\d+\. \S")
# Characters with nothing to draw: joiners, variation selectors, control characters.
INVISIBLE_CATEGORIES = {"Mn", "Me", "Cf", "Cc"}
LINE_MM = 5


class FontMissing(ImproperlyConfigured):
    """The PDF's font is not installed on this machine."""


def font_paths():
    paths = {style: FONT_DIR / name for style, name in FONT_FILES.items()}
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        raise FontMissing(
            f"The signed authorization's PDF needs the DejaVu Sans font, missing at {', '.join(missing)}: install "
            f"Debian's {FONT_PACKAGE} package (apt-get install {FONT_PACKAGE})."
        )
    return paths


def _emoji_name(chars, language):
    return emoji.demojize(chars, language=language, delimiters=("", "")).replace("_", " ")


def printable(text, glyphs, language):
    """The text as the embedded font can draw it, never "?" nor a silent gap.

    Emoji become their name in brackets, in the copy's language ("[thumbs up]", "[pulgar hacia arriba]"); a
    letter of a script the font lacks (Chinese, Korean, Thai...) becomes its Latin transliteration.
    """
    text = unicodedata.normalize("NFC", text)
    text = emoji.replace_emoji(text, replace=lambda chars, _data: f"[{_emoji_name(chars, language)}]")
    out = []
    for char in text:
        if ord(char) in glyphs or char == "\n":
            out.append(char)
        elif unicodedata.category(char) not in INVISIBLE_CATEGORIES:
            out.append(anyascii(char) or f"[U+{ord(char):04X}]")
    return "".join(out)


class CopyPDF(FPDF):
    """Letter pages, the font embedded, and a footer on every page: the patient's reference and "Page 2 of 3"."""

    def __init__(self, *, reference, language):
        super().__init__(format="Letter")
        self.reference, self.language = reference, language
        for style, path in font_paths().items():
            self.add_font(FONT_FAMILY, style=style, fname=str(path))
        # Only what both weights can draw counts as drawable: a heading is bold, a row is not.
        regular, bold = (self.fonts[f"{FONT_FAMILY.lower()}{style}"].cmap for style in ("", "B"))
        self.glyphs = set(regular) & set(bold)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def words(self, value):
        return printable(str(value), self.glyphs, self.language)

    def footer(self):
        self.set_y(-13)
        self.set_font(FONT_FAMILY, size=8)
        # The total is an alias fpdf2 fills in once the last page is known.
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": self.str_alias_nb_pages}
        self.cell(0, 5, self.words(f"{self.reference} · {page}"), align="C")


def authorization_pdf(authorization):
    """The PDF in the language the authorization was signed in, whatever the page's language."""
    with translation.override(authorization.language):
        return _authorization_pdf(authorization)


def _in_zone(moment, zone):
    """"November 27, 2026, 8:15 a.m. CST" in the patient's time zone."""
    local = timezone.localtime(moment, ZoneInfo(zone))
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


def _utc(moment):
    return f"{timezone.localtime(moment, ZoneInfo('UTC')):%Y-%m-%d %H:%M:%S} UTC"


def signature_rows(authorization, zone):
    """(label, value) for the signature block; every time in the patient's zone (when their ZIP code gives one)
    and in UTC, as recorded."""
    rows = [
        (_("Signed by"), authorization.signed_name),
        (_("Signing as"), relationship_label(authorization.signer_relationship, authorization.patient.sex)),
        (_("Authority"), authorization.representative_authority or "-"),
    ]
    if zone:
        rows.append((_("Date and time (%(zone)s)") % {"zone": zone}, _in_zone(authorization.signed_at, zone)))
    rows += [
        (_("Date and time (UTC)"), _utc(authorization.signed_at)),
        (_("Expires"), (_in_zone(authorization.expires_at, zone) + " · " if zone else "")
         + _utc(authorization.expires_at)),
        (_("Meaning of the signature"), authorization.signature_meaning),
        (_("Text version"), f"{authorization.text.version} ({authorization.text.sha256[:16]})"),
        (_("SHA-256 seal"), authorization.signature_sha256),
        (_("Integrity check"),
         _("Intact") if authorization.verify() else _("FAILED: this record does not match its seal")),
    ]
    if authorization.is_revoked:
        revoked_at = authorization.revocation.revoked_at
        rows.append((_("Revoked"), (_in_zone(revoked_at, zone) + " · " if zone else "") + _utc(revoked_at)))
    return rows


def _authorization_pdf(authorization):
    patient = authorization.patient
    zone = zip_time_zone(patient.postal_code)
    pdf = CopyPDF(reference=patient.reference, language=authorization.language)
    # The metadata carries the reference only: a file name or document title must not hold health data.
    pdf.set_title(pdf.words(f"{authorization.text.title(authorization.language)} - {patient.reference}"))
    pdf.set_subject(patient.reference)
    pdf.set_creator("TrialBridge")
    pdf.add_page()

    pdf.set_font(FONT_FAMILY, "B", size=13)
    pdf.multi_cell(0, 7, pdf.words(_("Your signed authorization")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=9)
    for label, value in [
        (_("Reference"), patient.reference),
        (_("Patient"), patient.full_name or "-"),
        (_("Date of birth"), date_format(patient.birth_date, "DATE_FORMAT")),
    ]:
        pdf.multi_cell(0, LINE_MM, pdf.words(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    for number, line in enumerate(authorization.snapshot.splitlines()):
        pdf.set_font(FONT_FAMILY, "B" if number == 0 or HEADING.match(line) else "", size=10)
        pdf.multi_cell(0, LINE_MM, pdf.words(line) or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    # The signature block is never split across pages: a page break comes before it if need be.
    with pdf.unbreakable() as block:
        block.set_font(FONT_FAMILY, "B", size=11)
        block.multi_cell(0, 6, pdf.words(_("Signature")), new_x="LMARGIN", new_y="NEXT")
        for label, value in signature_rows(authorization, zone):
            block.set_font(FONT_FAMILY, "B", size=9)
            block.multi_cell(0, LINE_MM, pdf.words(label), new_x="LMARGIN", new_y="NEXT")
            block.set_font(FONT_FAMILY, size=9)
            block.multi_cell(0, LINE_MM, pdf.words(value), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
