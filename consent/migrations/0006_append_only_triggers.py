"""PostgreSQL refuses UPDATE and DELETE on signed authorizations, revocations and the access log.

The models refuse them in Python already; the database refuses them for every other way in (raw SQL, a bulk
update, a shell, another program). One change is let through, the erasure on request
(consent.services.erase_patient): inside its transaction, for the one patient named in the transaction-local
setting trialbridge.erasure_patient_id, an authorization or revocation may have its signer's network details
(ip_address, user_agent) blanked, and nothing else. Other databases (SQLite in tests and `make run`) keep the
Python refusals only.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION consent_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: this record is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;

-- TG_ARGV[0]: how to find the row's patient (a column of the row, or its authorization's).
CREATE FUNCTION consent_refuse_change_but_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    patient_id bigint;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF TG_ARGV[0] = 'patient_id' THEN
            patient_id := OLD.patient_id;
        ELSE
            SELECT a.patient_id INTO patient_id FROM consent_authorization a WHERE a.id = OLD.authorization_id;
        END IF;
        IF current_setting('trialbridge.erasure_patient_id', true) = patient_id::text
           AND NEW.ip_address IS NULL AND NEW.user_agent = ''
           AND to_jsonb(NEW) - 'ip_address' - 'user_agent' = to_jsonb(OLD) - 'ip_address' - 'user_agent' THEN
            RETURN NEW;  -- the erasure on request blanking the signer's network details, nothing more
        END IF;
    END IF;
    RAISE EXCEPTION '% on % refused: this record is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER consent_authorization_append_only BEFORE UPDATE OR DELETE ON consent_authorization
    FOR EACH ROW EXECUTE FUNCTION consent_refuse_change_but_erasure('patient_id');
CREATE TRIGGER consent_revocation_append_only BEFORE UPDATE OR DELETE ON consent_revocation
    FOR EACH ROW EXECUTE FUNCTION consent_refuse_change_but_erasure('authorization_id');
CREATE TRIGGER consent_accesslog_append_only BEFORE UPDATE OR DELETE ON consent_accesslog
    FOR EACH ROW EXECUTE FUNCTION consent_refuse_change();
"""

DROP = """
DROP TRIGGER consent_authorization_append_only ON consent_authorization;
DROP TRIGGER consent_revocation_append_only ON consent_revocation;
DROP TRIGGER consent_accesslog_append_only ON consent_accesslog;
DROP FUNCTION consent_refuse_change_but_erasure();
DROP FUNCTION consent_refuse_change();
"""


def _run(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)  # no parameters: the % in RAISE's messages are PL/pgSQL's, not placeholders


def create_triggers(apps, schema_editor):
    _run(schema_editor, CREATE)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("consent", "0005_authorization_previous"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
