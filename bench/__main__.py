"""python -m bench [--councils N --years N --users N …]: measure the budgets and print a report."""

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qaportal.settings.local")
    django.setup()
    from bench.budgets import Command  # noqa: PLC0415 - only after Django is set up

    Command().run_from_argv(["bench", "budgets", *sys.argv[1:]])


if __name__ == "__main__":
    main()
