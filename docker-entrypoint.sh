#!/bin/sh
# Container start: apply migrations, then serve with gunicorn (WEB_CONCURRENCY workers).
# Given a command instead, run just that one, e.g.
#   docker compose run --rm web python manage.py createsuperuser
set -eu

if [ "$#" -gt 0 ]; then
  exec "$@"
fi

# Replicas behind a load balancer leave migrations to one "migrate" job (RUN_MIGRATIONS=false).
if [ "${RUN_MIGRATIONS:-true}" = "true" ]; then
  python manage.py migrate --noinput
fi
# /dev/shm: the workers' heartbeat files stay off the container's overlay filesystem.
exec gunicorn config.wsgi \
  --bind 0.0.0.0:8000 \
  --workers "${WEB_CONCURRENCY:-2}" \
  --worker-tmp-dir /dev/shm \
  --access-logfile -
