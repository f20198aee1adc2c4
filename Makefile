.PHONY: run test code

# Set up and run the app on SQLite with demo data for the four councils.
run:
	scripts/run.sh

# Set up and run the whole test suite against throwaway PostgreSQL and Redis.
test:
	scripts/test.sh

# The current two-factor code for a demo quality team or council admin account.
code:
	@.venv/bin/python manage.py demo_code $(EMAIL)
