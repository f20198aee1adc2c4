"""Benchmarks against the budgets in DESIGN.md: `make bench` (`python -m bench`). Outside the domain
apps, and using only their public services and selectors."""
