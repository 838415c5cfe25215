"""Words about the patient and the person who signs, which Spanish inflects: "la paciente", "el paciente".

English says the same either way, so each sentence is one msgid under two gettext contexts ("female patient",
"male patient") and the catalog holds both Spanish forms. The signer's own sex is never asked, so words about a
representative stay neutral ("tutor o tutora legal", "representante" with no article).
"""

from django.utils.translation import pgettext

from intake.models import Patient

from .models import Authorization

Relationship = Authorization.Relationship


def _by_sex(sex, female, male):
    return female if sex == Patient.Sex.FEMALE else male


def relationship_label(relationship, sex):
    """Who signed, in words that agree with the patient: "La paciente", "Madre o padre", ..."""
    if relationship == Relationship.SELF:
        return _by_sex(sex, pgettext("female patient", "The patient"), pgettext("male patient", "The patient"))
    if relationship == Relationship.PARENT:
        return pgettext("signer of unknown sex", "Parent")
    if relationship == Relationship.GUARDIAN:
        return pgettext("signer of unknown sex", "Legal guardian")
    return _by_sex(sex, pgettext("female patient", "Other legal representative"),
                   pgettext("male patient", "Other legal representative"))


def relationship_choices(sex, *, minor):
    """The "Who is signing?" choices; a patient under 18 cannot sign for themself."""
    return [(value, relationship_label(value, sex)) for value in Relationship.values
            if not (minor and value == Relationship.SELF)]


def authority_label(sex):
    return _by_sex(sex, pgettext("female patient", "Your authority to act for the patient"),
                   pgettext("male patient", "Your authority to act for the patient"))


def authority_missing(sex):
    return _by_sex(sex, pgettext("female patient", "Say what gives you the authority to sign for the patient."),
                   pgettext("male patient", "Say what gives you the authority to sign for the patient."))


def representative_name_label(sex):
    return _by_sex(
        sex, pgettext("female patient", "Type your own full name as your signature (you sign for the patient)"),
        pgettext("male patient", "Type your own full name as your signature (you sign for the patient)"))


def not_the_patients_name(sex, name):
    """The patient chose "The patient" but typed another name than the one given at intake."""
    return _by_sex(
        sex,
        pgettext("female patient", "If you are the patient, type your name as you gave it: “%(name)s”. Capital "
                 "letters, accents and spaces do not matter. If you are signing for the patient, choose who you are "
                 "under “Who is signing?” and type your own name."),
        pgettext("male patient", "If you are the patient, type your name as you gave it: “%(name)s”. Capital "
                 "letters, accents and spaces do not matter. If you are signing for the patient, choose who you are "
                 "under “Who is signing?” and type your own name."),
    ) % {"name": name}


def representative_typed_the_patients_name(sex):
    return _by_sex(
        sex,
        pgettext("female patient", "You are signing for the patient: type your own name, not the patient's. If "
                 "you have the same name, add what tells you apart, for example a middle name or “Sr.”."),
        pgettext("male patient", "You are signing for the patient: type your own name, not the patient's. If "
                 "you have the same name, add what tells you apart, for example a middle name or “Sr.”."),
    )
