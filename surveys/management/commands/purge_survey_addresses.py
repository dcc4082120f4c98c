from django.core.management.base import BaseCommand

from surveys.services import purge_ended_campaigns


class Command(BaseCommand):
    help = ("Erase the address hashes (and their salt) of every survey campaign that has ended "
            "or was closed. Run daily by the schedule.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Say how many would be erased, erase nothing.")

    def handle(self, *args, dry_run=False, **options):
        result = purge_ended_campaigns(dry_run=dry_run)
        verb = "would erase" if dry_run else "erased"
        for code, count in result.items():
            self.stdout.write(f"{code}: {verb} {count} address hashes")
        if not result:
            self.stdout.write("nothing to erase")
