from django.core.management.base import BaseCommand

from notifications.schedule import run_schedule


class Command(BaseCommand):
    help = ("Turn new events into notices, build the due digests and escalations, remind units "
            "before cut-offs, and queue the mail due (idempotent: run it every few minutes).")

    def add_arguments(self, parser):
        parser.add_argument("--send-now", action="store_true",
                            help="Send the due mail in this process instead of the worker.")

    def handle(self, *args, send_now=False, **options):
        result = run_schedule(send_now=send_now)
        if options["verbosity"] > 1:
            self.stdout.write(str(result))
