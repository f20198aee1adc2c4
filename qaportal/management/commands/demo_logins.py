"""Print the demo sign-in for each role of each council."""

from django.core.management.base import BaseCommand

from qaportal import demo
from qaportal.models import Council


class Command(BaseCommand):
    help = "Print one demo login per role per council."

    def handle(self, *args, **options):
        self.stdout.write(f"Password for every demo account: {demo.DEMO_PASSWORD}")
        councils = {c.slug: c for c in Council.objects.filter(slug__in=[s.slug for s in demo.COUNCILS])}
        for spec in demo.COUNCILS:
            self.stdout.write(f"\n{spec.name}  (/{spec.slug}/)")
            council = councils.get(spec.slug)
            required = set(council.mfa_required_roles) if council else set()
            for role in demo.DEMO_LOGIN_ROLES:
                note = ""
                if role in required:
                    note = f"   two-factor: `make code EMAIL={demo.demo_login_email(spec.slug, role)}`"
                self.stdout.write(f"  {role.label:<26} {demo.demo_login_email(spec.slug, role)}{note}")
