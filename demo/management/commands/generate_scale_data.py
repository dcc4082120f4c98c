"""`manage.py generate_scale_data`: synthetic units, tasks, assignments and entries, in bulk.

    manage.py generate_scale_data --scale provincial   # 150 units, 500 tasks, 10,000
                                                        # assignments, 100,000 entries
    manage.py generate_scale_data --scale national     # 3,000 units, 2,000 tasks, 100,000
                                                        # assignments, 1,000,000 entries
    manage.py generate_scale_data --units 20 --tasks 30 --assignments 200 --entries 1000

For load tests and the benchmark (make bench), never for production data. What it writes and
what it skips (history rows, verifications): demo/scale.py.
"""

import dataclasses
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo import scale
from solutions.models import Assignment


class Command(BaseCommand):
    help = (
        "Fill the database with a synthetic plan at a given scale (bulk inserts; COPY on "
        "PostgreSQL): units SCALE-*, accounts scale.leader, scale.coordinator, scale.staffN "
        "(password from DEMO_PASSWORD, default demo-pass-2024), tasks, assignments and "
        "progress entries, with deadlines relative to today so every timeliness class appears. "
        "Refuses to write a plan year twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(scale.SCALES), default="provincial",
                            help="Preset sizes (default: provincial).")
        for name in ("units", "tasks", "assignments", "entries"):
            parser.add_argument(f"--{name}", type=int, help=f"Number of {name} (overrides "
                                "the scale).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--plan-year", type=int, default=None,
                            help="Year of the plan (default: the current year).")
        parser.add_argument("--password", default=None,
                            help="Password of new scale.* accounts (default: DEMO_PASSWORD or "
                            "demo-pass-2024).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Show what would be written; write nothing.")

    def handle(self, *args, **options):
        sizes = dataclasses.replace(
            scale.SCALES[options["scale"]],
            **{k: options[k] for k in ("units", "tasks", "assignments", "entries")
               if options[k] is not None},
        )
        year = options["plan_year"] or timezone.localdate().year
        if not 2000 <= year <= 2100:
            raise CommandError("--plan-year must be between 2000 and 2100.")
        self.stdout.write(
            f"{scale.plan_title(year)}: {sizes.units:,} units, {sizes.tasks:,} tasks, "
            f"{sizes.assignments:,} assignments, {sizes.entries:,} entries (seed {options['seed']})"
        )
        if options["dry_run"]:
            try:
                bp = scale.blueprint(sizes, seed=options["seed"], plan_year=year)
            except ValueError as error:
                raise CommandError(str(error)) from error
            existing = scale.existing_plan(year)
            if existing is not None:
                self.stdout.write(self.style.WARNING(
                    f"The plan already exists (id {existing.pk}): a real run would refuse."))
            self._mix(bp.mix)
            self.stdout.write(f"staff users: {', '.join(name for name, _ in bp.staff)}")
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
            return
        password = options["password"] or os.environ.get("DEMO_PASSWORD") or None
        try:
            result = scale.generate(sizes, seed=options["seed"], plan_year=year,
                                    password=password, stdout=self.stdout)
        except (ValueError, scale.AlreadyGenerated) as error:
            raise CommandError(str(error)) from error
        plan = result["plan"]
        for name, count in result["counts"].items():
            self.stdout.write(f"{name:<14} {count:>10,}")
        self._mix(result["mix"])
        figures = Assignment.objects.filter(task__plan=plan).timeliness_counts()
        self.stdout.write("as the dashboard counts them today: " + ", ".join(
            f"{k} {v:,}" for k, v in figures.items()))
        self.stdout.write(self.style.SUCCESS(
            f"Plan {plan.pk} written in {result['seconds']['total']:.1f} s "
            f"(as of {timezone.localdate():%d/%m/%Y})."
        ))

    def _mix(self, mix: dict) -> None:
        self.stdout.write("outcomes: " + ", ".join(f"{k} {v:,}" for k, v in mix.items()))
