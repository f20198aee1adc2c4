"""Print the demo sign-in for each role of each council."""

from django.core.management.base import BaseCommand

from qaportal import demo


class Command(BaseCommand):
    help = "Print one demo login per role per council."

    def handle(self, *args, **options):
        self.stdout.write(f"Password for every demo account: {demo.DEMO_PASSWORD}")
        for spec in demo.COUNCILS:
            self.stdout.write(f"\n{spec.name}  (/{spec.slug}/)")
            for role in demo.DEMO_LOGIN_ROLES:
                note = ""
                if role in {"quality_team", "council_admin"}:
                    note = f"   two-factor: `make code EMAIL={demo.demo_login_email(spec.slug, role)}`"
                self.stdout.write(f"  {role.label:<26} {demo.demo_login_email(spec.slug, role)}{note}")
