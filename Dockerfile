# One image for every process of the production shape (docker-compose.yml): migrate, web, the
# Celery workers and beat. See docs/deployment.md.

# The GOV.UK/MOJ stylesheet and scripts, compiled with npm in a stage of their own so that Node and
# node_modules stay out of the image that runs. sass 1.108 needs Node 20.19 or later (Debian 12's
# own nodejs is 18).
FROM node:22-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/build-frontend.mjs scripts/
COPY static/src static/src
RUN npm run build

FROM python:3.11-slim-bookworm
# The libraries WeasyPrint loads, and fonts with Arial's metrics for the PDFs.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# The pinned dependencies first, in a layer of their own that survives code changes.
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=frontend /app/static/build static/build
RUN pip install --no-cache-dir --no-deps -e .
ENV DJANGO_SETTINGS_MODULE=qaportal.settings.production
# Static files are collected into the image (whitenoise serves them); the key is a throwaway for
# this step only: nothing is signed while collecting.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v0
# Run unprivileged. Generated PDFs and reports go to var/media, a volume in compose, created here so
# that the volume starts owned by this user; matplotlib's and fontconfig's caches go to its home.
RUN useradd --system --create-home --uid 10001 qaportal \
    && mkdir -p var/media && chown qaportal: var/media
USER qaportal
ENV MPLCONFIGDIR=/home/qaportal/.cache/matplotlib
EXPOSE 8000
CMD ["gunicorn", "qaportal.wsgi:application", "--bind", "0.0.0.0:8000"]
