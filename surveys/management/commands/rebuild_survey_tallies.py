from django.core.management.base import BaseCommand, CommandError

from surveys.models import Campaign
from surveys.services import campaign_rebuild_tallies


class Command(BaseCommand):
    help = "Count a campaign's tallies again from its responses (after a repair or an import)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The campaign's code, e.g. 2026-h1.")

    def handle(self, *args, code, **options):
        campaign = Campaign.objects.filter(code=code).first()
        if campaign is None:
            raise CommandError(f"No campaign with the code {code!r}.")
        count = campaign_rebuild_tallies(campaign=campaign)
        self.stdout.write(f"{code}: {count} responses counted again")
