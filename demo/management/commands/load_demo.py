from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: Nghệ An's units, the 2024 plan, a current-year plan dated relative to "
        "today (with reports awaiting verification, returned reports and deadline extensions), "
        "and the demo accounts (password from DEMO_PASSWORD, default demo-pass-2024). "
        "Idempotent: a second run changes nothing but the demo passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Show what would be created, then roll everything back.",
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        try:
            with transaction.atomic():
                counts = load_demo()
                if dry_run:
                    transaction.set_rollback(True)
        except ValueError as error:
            raise CommandError(str(error)) from error
        verb = "would create" if dry_run else "created"
        for name, c in counts.items():
            self.stdout.write(f"{name:<12} {c['total']:>5}  ({verb} {c['created']})")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
