"""Reading a PDF back as a patient would see it: its text page by page (pypdf) and its pages as pictures
(PDFium, through pypdfium2)."""

import io

import pypdfium2
from pypdf import PdfReader


def page_texts(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def whole_text(data):
    return "\n".join(page_texts(data))


def embedded_fonts(data):
    """The base names of the fonts whose program is inside the file (a TrueType FontFile2)."""
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor:
                    names.add(str(font["/BaseFont"]))
    return names


def inked_share(data, page_number=0):
    """The share of a rendered page's pixels that are not white: 0 for a blank page."""
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[page_number].render(scale=1).to_pil().convert("L")
    finally:
        document.close()
    histogram = image.histogram()
    return 1 - sum(histogram[250:]) / (image.width * image.height)
