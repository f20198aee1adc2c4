"""python -m bench [--councils N --years N --users N …]: measure the budgets and print a report.
python -m bench render KIND …: render one PDF in this process (bench/render.py; the report runs it)."""

import importlib
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qaportal.settings.local")
    django.setup()
    # Imported only after Django is set up: both modules import models.
    name, argv = ("render", sys.argv[2:]) if sys.argv[1:2] == ["render"] else ("budgets", sys.argv[1:])
    importlib.import_module(f"bench.{name}").Command().run_from_argv(["bench", name, *argv])


if __name__ == "__main__":
    main()
