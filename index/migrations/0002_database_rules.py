"""The index's rules that a CHECK cannot hold, as PostgreSQL triggers.

- A score is within 0..max of its line and its method (yes/no: 0 or max; levels: one of them).
- Score changes and final scores are append-only: no UPDATE, no DELETE.
- A campaign's phase only moves forward, one step at a time.
- A submitted self-assessment stays submitted, and its self scores do not change.
(TRUNCATE, used by test teardown, is not a row change and still works.) SQLite, the newcomer's
database, has the services' checks only.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION index_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION index_score_allowed(node_id bigint, score numeric) RETURNS boolean AS $$
DECLARE
    n record;
BEGIN
    IF score IS NULL THEN
        RETURN true;
    END IF;
    SELECT max_points, method, levels INTO n FROM index_node WHERE id = node_id;
    IF score < 0 OR score > n.max_points THEN
        RETURN false;
    END IF;
    IF n.method = 'yes_no' THEN
        RETURN score = 0 OR score = n.max_points;
    END IF;
    IF n.method = 'levels' AND n.levels <> '' THEN
        RETURN score = ANY (
            SELECT replace(trim(v), ',', '.')::numeric
            FROM unnest(string_to_array(n.levels, ';')) AS v WHERE trim(v) <> '');
    END IF;
    RETURN true;
END;
$$ LANGUAGE plpgsql STABLE;

CREATE OR REPLACE FUNCTION index_check_line() RETURNS trigger AS $$
BEGIN
    IF NOT (index_score_allowed(NEW.node_id, NEW.self_score)
            AND index_score_allowed(NEW.node_id, NEW.appraised_score)
            AND index_score_allowed(NEW.node_id, NEW.proposed_score)) THEN
        RAISE EXCEPTION 'index_line %: a score outside its line''s maximum or method', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.self_score IS DISTINCT FROM OLD.self_score
                             OR NEW.self_note IS DISTINCT FROM OLD.self_note)
       AND EXISTS (SELECT 1 FROM index_assessment
                   WHERE id = NEW.assessment_id AND submitted_at IS NOT NULL) THEN
        RAISE EXCEPTION 'index_line %: the self-assessment is submitted', NEW.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION index_check_final() RETURNS trigger AS $$
BEGIN
    IF NOT index_score_allowed(NEW.node_id, NEW.score) THEN
        RAISE EXCEPTION 'index_finalscore: a score outside its line''s maximum or method'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION index_phase_forward() RETURNS trigger AS $$
BEGIN
    IF NEW.phase <> OLD.phase AND NEW.phase <> OLD.phase + 1 THEN
        RAISE EXCEPTION 'index_campaign %: phase % -> % refused (forward, one step)',
            NEW.id, OLD.phase, NEW.phase USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION index_stay_submitted() RETURNS trigger AS $$
BEGIN
    IF OLD.submitted_at IS NOT NULL AND NEW.submitted_at IS DISTINCT FROM OLD.submitted_at THEN
        RAISE EXCEPTION 'index_assessment %: a submission is final', NEW.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = [
    ("index_scoreentry_append_only", "BEFORE UPDATE OR DELETE ON index_scoreentry",
     "index_refuse_change"),
    ("index_finalscore_append_only", "BEFORE UPDATE OR DELETE ON index_finalscore",
     "index_refuse_change"),
    ("index_finalscore_allowed", "BEFORE INSERT ON index_finalscore", "index_check_final"),
    ("index_line_allowed", "BEFORE INSERT OR UPDATE ON index_line", "index_check_line"),
    ("index_campaign_forward", "BEFORE UPDATE ON index_campaign", "index_phase_forward"),
    ("index_assessment_submitted", "BEFORE UPDATE ON index_assessment", "index_stay_submitted"),
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)
    for name, when, function in TRIGGERS:
        schema_editor.execute(
            f"CREATE TRIGGER {name} {when} FOR EACH ROW EXECUTE FUNCTION {function}()")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, when, _function in TRIGGERS:
        table = when.rsplit(" ", 1)[-1]
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for function in ("index_refuse_change()", "index_score_allowed(bigint, numeric)",
                     "index_check_line()", "index_check_final()", "index_phase_forward()",
                     "index_stay_submitted()"):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}")


class Migration(migrations.Migration):
    dependencies = [("index", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
