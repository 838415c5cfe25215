"""Signed authorizations, revocations and the access log cannot be changed or deleted, not even with raw SQL on
PostgreSQL; the erasure on request is the one audited change let through."""

import pytest
from django.db import IntegrityError, connection, transaction

from consent.models import AccessLog, Authorization, Revocation
from consent.services import erase_patient, log_access, revoke_authorization
from tests.conftest import make_patient, sign


@pytest.fixture
def records(lung_patient, admin_user):
    authorization = sign(lung_patient, ip_address="203.0.113.7", user_agent="TestBrowser/1.0")
    revocation = revoke_authorization(patient=lung_patient, ip_address="203.0.113.8", user_agent="TestBrowser/2.0")[0]
    access = log_access(user=admin_user, patient=lung_patient, action="view match detail")
    return {"authorization": authorization, "revocation": revocation, "access": access}


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the triggers are PostgreSQL's; SQLite keeps the models' refusals (set DATABASE_URL)")


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


STATEMENTS = {
    "authorization update": ("UPDATE consent_authorization SET signed_name = 'Someone Else' WHERE id = %s",
                             "authorization"),
    "authorization expiry pushed back": ("UPDATE consent_authorization SET expires_at = expires_at + interval "
                                         "'10 years' WHERE id = %s", "authorization"),
    "authorization delete": ("DELETE FROM consent_authorization WHERE id = %s", "authorization"),
    "revocation update": ("UPDATE consent_revocation SET revoked_at = now() - interval '1 year' WHERE id = %s",
                          "revocation"),
    "revocation delete": ("DELETE FROM consent_revocation WHERE id = %s", "revocation"),
    "access log update": ("UPDATE consent_accesslog SET action = 'nothing' WHERE id = %s", "access"),
    "access log delete": ("DELETE FROM consent_accesslog WHERE id = %s", "access"),
    "network details blanked outside an erasure": (
        "UPDATE consent_authorization SET ip_address = NULL, user_agent = '' WHERE id = %s", "authorization"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("statement", list(STATEMENTS))
def test_raw_sql_cannot_change_or_delete_the_consent_record(records, statement):
    postgresql_only()
    sql, target = STATEMENTS[statement]
    with pytest.raises(IntegrityError, match="append-only"):
        raw(sql, [records[target].pk])
    assert Authorization.objects.get(pk=records["authorization"].pk).signed_name == "Pat Example"
    assert Authorization.objects.get(pk=records["authorization"].pk).ip_address == "203.0.113.7"
    assert Revocation.objects.filter(pk=records["revocation"].pk).exists()
    assert AccessLog.objects.get(pk=records["access"].pk).action == "view match detail"


@pytest.mark.django_db
def test_the_erasure_setting_lets_through_only_blanking_that_patients_network_details(records, depressed_patient):
    postgresql_only()
    other = sign(depressed_patient, ip_address="198.51.100.9")
    authorization = records["authorization"]

    def as_erasure_of(patient_id, sql, params):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('trialbridge.erasure_patient_id', %s, true)", [str(patient_id)])
            cursor.execute(sql, params)

    with pytest.raises(IntegrityError):  # anything beyond the network details
        as_erasure_of(authorization.patient_id, "UPDATE consent_authorization SET signed_name = 'X', "
                      "ip_address = NULL, user_agent = '' WHERE id = %s", [authorization.pk])
    with pytest.raises(IntegrityError):  # another patient's record
        as_erasure_of(authorization.patient_id, "UPDATE consent_authorization SET ip_address = NULL, "
                      "user_agent = '' WHERE id = %s", [other.pk])
    with pytest.raises(IntegrityError):  # deleting, even during an erasure
        as_erasure_of(authorization.patient_id, "DELETE FROM consent_revocation WHERE id = %s",
                      [records["revocation"].pk])
    assert Authorization.objects.get(pk=other.pk).ip_address == "198.51.100.9"
    # The setting lasts one transaction: afterwards the same statement is refused again.
    as_erasure_of(authorization.patient_id, "UPDATE consent_authorization SET ip_address = NULL, user_agent = '' "
                  "WHERE id = %s", [authorization.pk])
    with pytest.raises(IntegrityError):
        raw("UPDATE consent_authorization SET user_agent = '' WHERE id = %s", [other.pk])


@pytest.mark.django_db
def test_erasure_on_request_blanks_the_signers_network_details_keeps_the_signature_and_is_logged(
    records, admin_user
):
    patient = records["authorization"].patient
    erase_patient(patient=patient, by=admin_user)

    authorization = Authorization.objects.get(pk=records["authorization"].pk)
    revocation = Revocation.objects.get(pk=records["revocation"].pk)
    assert (authorization.ip_address, authorization.user_agent) == (None, "")
    assert (revocation.ip_address, revocation.user_agent) == (None, "")
    assert authorization.signed_name == "Pat Example" and authorization.verify()
    assert AccessLog.objects.filter(pk=records["access"].pk, action="view match detail").exists()
    erasure = AccessLog.objects.get(patient=patient, action="erase intake")
    assert erasure.user == admin_user and "network details" in erasure.reason


@pytest.mark.django_db
def test_erasure_leaves_other_patients_records_alone(records, admin_user):
    other = make_patient(full_name="Sam Doe", email="sam@example.com")
    kept = sign(other, ip_address="198.51.100.9", user_agent="Other/1.0")
    erase_patient(patient=records["authorization"].patient, by=admin_user)
    kept = Authorization.objects.get(pk=kept.pk)
    assert (kept.ip_address, kept.user_agent) == ("198.51.100.9", "Other/1.0")
