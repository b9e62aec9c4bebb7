#!/usr/bin/env bash
# Back up the database and the uploaded photos, while the app keeps running.
#
#   deploy/backup.sh [BACKUP_DIR]        (default: ./backups)
#
# Reads the same environment as the app: DATABASE_URL (SQLite by default: ./db.sqlite3) and
# MEDIA_ROOT (default: ./var/media). Writes BACKUP_DIR/<date-time>/ with `database.sqlite3`
# (SQLite's online backup) or `database.pgdump` (pg_dump, custom format) and `media.tar.gz`.
# Run it from the app's folder, e.g. daily from cron or a systemd timer (docs/deploy.md).
set -euo pipefail
# A backup holds every session's personal data: readable by its owner only.
umask 077
cd "$(dirname "$0")/.."

url="${DATABASE_URL:-sqlite:///$PWD/db.sqlite3}"
media="${MEDIA_ROOT:-$PWD/var/media}"
target="${1:-backups}/$(date +%Y-%m-%dT%H%M%S)"
mkdir -p "$target"

case "$url" in
  sqlite://*)
    # `.backup` copies a consistent snapshot while phones keep writing (WAL mode).
    sqlite3 "${url#sqlite:///}" ".backup '$target/database.sqlite3'"
    ;;
  postgres://*|postgresql://*)
    pg_dump --format=custom --no-owner --file="$target/database.pgdump" "$url"
    ;;
  *)
    echo "Unknown DATABASE_URL scheme: $url" >&2
    exit 2
    ;;
esac
if [ -d "$media" ]; then
  tar -czf "$target/media.tar.gz" -C "$media" .
fi
echo "$target"
