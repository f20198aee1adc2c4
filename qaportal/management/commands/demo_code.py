"""Print the current two-factor code for a demo account whose TOTP secret is known."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError

from qaportal import demo


class Command(BaseCommand):
    help = "Print the current authenticator code for a demo account whose role requires two-factor authentication."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        slug = email.rsplit("@", 1)[-1].removesuffix(".example")
        secret = demo.DEMO_TOTP_SECRETS.get(slug)
        if secret is None:
            raise CommandError("Only demo accounts (…@<council>.example) have a known secret.")
        self.stdout.write(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
