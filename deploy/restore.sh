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

# Run as root, the restored files would belong to root and the app, running as its own user,
# could no longer write them ("attempt to write a readonly database"): they get the owner of
# the folder they are restored into, as the files they replace had.
give_to_the_app() {
  if [ "$(id -u)" = 0 ]; then
    chown -R "$(stat -c %u:%g "$(dirname "$1")")" "$1"
  fi
}

case "$url" in
  sqlite://*)
    path="${url#sqlite:///}"
    # The write-ahead log of the damaged database must not be replayed onto the backup.
    rm -f "$path" "$path-wal" "$path-shm"
    cp "$backup/database.sqlite3" "$path"
    give_to_the_app "$path"
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
  give_to_the_app "$media"
fi
echo "Restored $backup"
