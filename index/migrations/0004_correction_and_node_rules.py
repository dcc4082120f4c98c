"""Triggers for corrections and for criteria in use (PostgreSQL; SQLite has the services' checks).

- A correction is append-only, within its line's maximum and method, and its old score is the
  line's effective final score when it is written: the decided score for the first, the score of
  the correction it supersedes for the next (so the totals' sums of differences are exact).
- A line's corrected score is its latest correction's: written by the correction's insert
  (and by the service, for SQLite), refused otherwise.
- A campaign opens only on a set whose components' maxima add up to its total.
- A criteria line whose set has a campaign is frozen but for its wording, and only while the
  campaign is in self-assessment: units score against the maxima and methods announced when it
  opened, and the appraisal, the council and the ranking judge what they signed.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION index_check_correction() RETURNS trigger AS $$
DECLARE
    effective numeric;
BEGIN
    IF NOT index_score_allowed(NEW.node_id, NEW.score) THEN
        RAISE EXCEPTION 'index_correction: a score outside its line''s maximum or method'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.supersedes_id IS NULL THEN
        SELECT score INTO effective FROM index_finalscore WHERE line_id = NEW.line_id;
    ELSE
        SELECT score INTO effective FROM index_correction
        WHERE id = NEW.supersedes_id AND line_id = NEW.line_id;
    END IF;
    IF effective IS NULL OR effective <> NEW.old_score THEN
        RAISE EXCEPTION 'index_correction: the old score is not the line''s final score'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION index_correction_to_line() RETURNS trigger AS $$
BEGIN
    UPDATE index_line SET corrected_score = NEW.score WHERE id = NEW.line_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION index_line_corrected_score() RETURNS trigger AS $$
BEGIN
    IF NEW.corrected_score IS DISTINCT FROM OLD.corrected_score
       AND NEW.corrected_score IS DISTINCT FROM (
           SELECT score FROM index_correction WHERE line_id = NEW.id
           ORDER BY id DESC LIMIT 1) THEN
        RAISE EXCEPTION 'index_line %: a corrected score comes from a correction', NEW.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION index_node_in_use() RETURNS trigger AS $$
DECLARE
    row_set bigint;
    current_phase integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        row_set := OLD.criteria_set_id;
    ELSE
        row_set := NEW.criteria_set_id;
    END IF;
    SELECT phase INTO current_phase FROM index_campaign WHERE criteria_set_id = row_set;
    IF current_phase IS NOT NULL AND (
        current_phase > 1 OR TG_OP <> 'UPDATE'
        OR (NEW.criteria_set_id, NEW.parent_id, NEW.area_id, NEW.level, NEW.position,
            NEW.number, NEW.max_points, NEW.method, NEW.levels, NEW.lower_bound,
            NEW.upper_bound, NEW.source, NEW.source_param, NEW.evidence_required,
            NEW.procedures_only)
           IS DISTINCT FROM
           (OLD.criteria_set_id, OLD.parent_id, OLD.area_id, OLD.level, OLD.position,
            OLD.number, OLD.max_points, OLD.method, OLD.levels, OLD.lower_bound,
            OLD.upper_bound, OLD.source, OLD.source_param, OLD.evidence_required,
            OLD.procedures_only)) THEN
        RAISE EXCEPTION 'index_node: the criteria set is used by a campaign (phase %)',
            current_phase USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION index_campaign_set_balanced() RETURNS trigger AS $$
DECLARE
    maxima numeric;
    total numeric;
BEGIN
    SELECT coalesce(sum(max_points), 0) INTO maxima FROM index_node
    WHERE criteria_set_id = NEW.criteria_set_id AND level = 'component';
    SELECT total_points INTO total FROM index_criteriaset WHERE id = NEW.criteria_set_id;
    IF maxima <> total THEN
        RAISE EXCEPTION 'index_campaign: the set''s maxima add up to %, not %', maxima, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = [
    ("index_correction_append_only", "BEFORE UPDATE OR DELETE ON index_correction",
     "index_refuse_change"),
    ("index_correction_allowed", "BEFORE INSERT ON index_correction", "index_check_correction"),
    ("index_correction_sets_line", "AFTER INSERT ON index_correction",
     "index_correction_to_line"),
    ("index_line_corrected_from_correction", "BEFORE UPDATE ON index_line",
     "index_line_corrected_score"),
    ("index_campaign_balanced", "BEFORE INSERT ON index_campaign",
     "index_campaign_set_balanced"),
    ("index_node_frozen_in_use", "BEFORE INSERT OR UPDATE OR DELETE ON index_node",
     "index_node_in_use"),
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
    for function in ("index_check_correction()", "index_node_in_use()",
                     "index_campaign_set_balanced()", "index_correction_to_line()",
                     "index_line_corrected_score()"):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}")


class Migration(migrations.Migration):
    dependencies = [("index", "0003_corrections_and_editor")]

    operations = [migrations.RunPython(forward, backward)]
