"""The core elements and required statements of a HIPAA authorization (45 CFR 164.508(c)).

Each element is checked with patterns over the text in each language. The patterns look for the
plain-language wording our texts use; a new version that drops an element (or rewords it beyond
recognition) cannot be published until a person makes sure the element is there.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    regulation: str
    patterns: dict  # language -> patterns that must all match (case-insensitive)


ELEMENTS = [
    Element("information", "What information may be used or disclosed", "164.508(c)(1)(i)", {
        "en": [r"what information", r"medical records|health information"],
        "es": [r"qu[eé] informaci[oó]n", r"expedientes m[eé]dicos|informaci[oó]n de salud"],
    }),
    Element("discloser", "Who may disclose it", "164.508(c)(1)(ii)", {
        "en": [r"who may release"],
        "es": [r"qui[eé]n puede divulgar"],
    }),
    Element("recipient", "Who may receive it", "164.508(c)(1)(iii)", {
        "en": [r"who may receive"],
        "es": [r"qui[eé]n puede recibir"],
    }),
    Element("purpose", "Purpose: eligibility screening, not agreement to take part", "164.508(c)(1)(iv)", {
        "en": [r"eligibility screening", r"not agreement to take part"],
        "es": [r"evaluaci[oó]n de elegibilidad", r"no es aceptar participar"],
    }),
    Element("expiry", "An expiration date or event", "164.508(c)(1)(v)", {
        "en": [r"expires"],
        "es": [r"vence"],
    }),
    Element("signature", "Signature of the individual (or representative) and date", "164.508(c)(1)(vi)", {
        "en": [r"sign", r"date", r"representative"],
        "es": [r"firm", r"fecha", r"representante"],
    }),
    Element("revocation", "The right to revoke in writing, and how", "164.508(c)(2)(i)", {
        "en": [r"revoke", r"in writing", r"status page|privacy office"],
        "es": [r"revocar", r"por escrito", r"p[aá]gina privada de estado|oficina de privacidad"],
    }),
    Element("no_conditioning", "Treatment is not conditioned on signing", "164.508(c)(2)(ii)", {
        "en": [r"treatment", r"will not depend on whether i sign"],
        "es": [r"tratamiento", r"no depender[aá]n de si firmo"],
    }),
    Element("redisclosure", "Disclosed information may be redisclosed", "164.508(c)(2)(iii)", {
        "en": [r"redisclosed", r"no longer be protected"],
        "es": [r"divulgada de nuevo", r"dejar de estar protegida"],
    }),
    Element("copy", "The individual gets a copy", "164.508(c)(4)", {
        "en": [r"copy"],
        "es": [r"copia"],
    }),
]

LANGUAGES = ("en", "es")


def missing_elements(texts):
    """The elements a text lacks: texts maps language -> full text; returns [(language, Element)]."""
    missing = []
    for language in LANGUAGES:
        text = texts.get(language) or ""
        for element in ELEMENTS:
            if not all(re.search(pattern, text, re.IGNORECASE) for pattern in element.patterns[language]):
                missing.append((language, element))
    return missing
