#!/usr/bin/env bash
# Put a backup made by deploy/backup.sh back. Stop the app first, start it afterwards.
#
#   deploy/restore.sh BACKUP_DIR/<date-time>
#
# Uses the same environment as the app (DATABASE_URL, MEDIA_ROOT). The current database and
# photos are replaced by the backup's: what was written after the backup is gone.
set -euo pipefail
cd "$(dirname "$0")/.."
backup="${1:?which backup? e.g. backups/2026-11-29T020000}"

url="${DATABASE_URL:-sqlite:///$PWD/db.sqlite3}"
media="${MEDIA_ROOT:-$PWD/var/media}"

case "$url" in
  sqlite://*)
    path="${url#sqlite:///}"
    # The write-ahead log of the damaged database must not be replayed onto the backup.
    rm -f "$path" "$path-wal" "$path-shm"
    cp "$backup/database.sqlite3" "$path"
    ;;
  postgres://*|postgresql://*)
    pg_restore --clean --if-exists --no-owner --exit-on-error --dbname="$url" "$backup/database.pgdump"
    ;;
  *)
    echo "Unknown DATABASE_URL scheme: $url" >&2
    exit 2
    ;;
esac
if [ -f "$backup/media.tar.gz" ]; then
  rm -rf "$media"
  mkdir -p "$media"
  tar -xzf "$backup/media.tar.gz" -C "$media"
fi
echo "Restored $backup"
