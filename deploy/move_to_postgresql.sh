#!/usr/bin/env bash
# Move an installation from SQLite to PostgreSQL without losing a session.
#
#   deploy/move_to_postgresql.sh sqlite:////srv/workshop/db.sqlite3 postgres://workshop@localhost/workshop
#
# Stop the app first (nothing may be written during the move), then run this from the app's
# folder; afterwards set DATABASE_URL to the PostgreSQL one and start the app. The PostgreSQL
# database must exist and be empty. Photos stay where they are (MEDIA_ROOT). Facilitators log
# in again: their login sessions are not moved.
set -euo pipefail
cd "$(dirname "$0")/.."
source="${1:?the SQLite DATABASE_URL to move from}"
target="${2:?the PostgreSQL DATABASE_URL to move to}"
python="${PYTHON:-.venv/bin/python}"
# The dump holds every session's personal data: in a folder of its own, removed however the
# script ends.
umask 077
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
dump="$workdir/workshop.json"

# Everything but what migrate recreates (content types, permissions) and what is throw-away.
DATABASE_URL="$source" "$python" manage.py dumpdata --natural-foreign --natural-primary \
  --exclude contenttypes --exclude auth.permission --exclude admin.logentry \
  --exclude sessions.session --output "$dump"
DATABASE_URL="$target" "$python" manage.py migrate --noinput
DATABASE_URL="$target" "$python" manage.py createcachetable
DATABASE_URL="$target" "$python" manage.py loaddata "$dump"
echo "Moved. Now set DATABASE_URL=$target and start the app."
