.PHONY: run test code bench messages

# Set up and run the app on SQLite with demo data for the four councils (DEBUG=1 for tracebacks).
run:
	DJANGO_DEBUG=$(if $(DEBUG),true,false) scripts/run.sh

# Set up and run the whole test suite against throwaway PostgreSQL and Redis.
test:
	scripts/test.sh

# Measure the budgets in DESIGN.md and print a report (not part of the test suite).
bench:
	scripts/bench.sh

# The current two-factor code for a demo account whose role requires two-factor authentication.
code:
	@.venv/bin/python manage.py demo_code $(EMAIL)

# Compile our wording for the libraries' pages (locale/en_GB); the compiled file is committed.
messages:
	msgfmt --check -o locale/en_GB/LC_MESSAGES/django.mo locale/en_GB/LC_MESSAGES/django.po
