"""A questionnaire that has answers cannot change, down to PostgreSQL.

The services refuse it with a message (services.questionnaire_update, campaign_save); here the
database refuses too, whatever the path (the admin, a shell): no insert, update or delete of a
questionnaire's factors, questions or options, nor of the questionnaire row, once a response of a
campaign using it exists; and a campaign with answers keeps its questionnaire. A new version is
the way to change the wording. PostgreSQL only, like the portal's other triggers.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION surveys_questionnaire_answered(qid bigint) RETURNS boolean AS $$
    SELECT EXISTS (
        SELECT 1 FROM surveys_response r JOIN surveys_campaign c ON c.id = r.campaign_id
        WHERE c.questionnaire_id = qid
    );
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION surveys_refuse_answered_change() RETURNS trigger AS $$
DECLARE
    qid bigint;
    row record;
BEGIN
    IF TG_OP = 'DELETE' THEN row := OLD; ELSE row := NEW; END IF;
    IF TG_TABLE_NAME = 'surveys_questionnaire' THEN
        qid := row.id;
    ELSIF TG_TABLE_NAME = 'surveys_option' THEN
        SELECT questionnaire_id INTO qid FROM surveys_question WHERE id = row.question_id;
    ELSE
        qid := row.questionnaire_id;
    END IF;
    IF qid IS NOT NULL AND surveys_questionnaire_answered(qid) THEN
        RAISE EXCEPTION 'questionnaire % has answers: % on % refused (make a new version)',
            qid, TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN row;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION surveys_refuse_campaign_questionnaire_change() RETURNS trigger AS $$
BEGIN
    IF NEW.questionnaire_id IS DISTINCT FROM OLD.questionnaire_id
       AND EXISTS (SELECT 1 FROM surveys_response WHERE campaign_id = OLD.id) THEN
        RAISE EXCEPTION 'campaign % has answers: its questionnaire cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TABLES = ["surveys_questionnaire", "surveys_factor", "surveys_question", "surveys_option"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        # The questionnaire row itself: an INSERT cannot have answers yet.
        events = "UPDATE OR DELETE" if table == "surveys_questionnaire" else \
            "INSERT OR UPDATE OR DELETE"
        schema_editor.execute(
            f"CREATE TRIGGER {table}_answered_frozen BEFORE {events} ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION surveys_refuse_answered_change()"
        )
    schema_editor.execute(
        "CREATE TRIGGER surveys_campaign_questionnaire_kept BEFORE UPDATE ON surveys_campaign"
        " FOR EACH ROW EXECUTE FUNCTION surveys_refuse_campaign_questionnaire_change()"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS surveys_campaign_questionnaire_kept ON surveys_campaign")
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_answered_frozen ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS surveys_refuse_campaign_questionnaire_change()")
    schema_editor.execute("DROP FUNCTION IF EXISTS surveys_refuse_answered_change()")
    schema_editor.execute("DROP FUNCTION IF EXISTS surveys_questionnaire_answered(bigint)")


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
