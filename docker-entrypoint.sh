#!/bin/sh
# Container start: apply migrations (unless RUN_MIGRATIONS=false), then serve with gunicorn
# (gunicorn.conf.py: WEB_CONCURRENCY workers, timeouts, the access log).
# Given a command instead, run just that one, e.g.
#   docker compose run --rm web python manage.py createsuperuser
#   python manage.py worker          (compose's "worker" service)
set -eu

if [ "$#" -gt 0 ]; then
  exec "$@"
fi

# docker-compose.yml runs migrations once, in its "migrate" job, and sets RUN_MIGRATIONS=false
# for every serving container: two migrations at once fail on each other.
if [ "${RUN_MIGRATIONS:-true}" = "true" ]; then
  python manage.py migrate --noinput
fi
exec gunicorn config.wsgi --config /app/gunicorn.conf.py --bind 0.0.0.0:8000
