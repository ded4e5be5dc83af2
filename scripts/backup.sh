#!/usr/bin/env bash
# Back up the platform: the PostgreSQL database (pg_dump, custom format) and MEDIA_ROOT (uploaded
# attachments and generated export files) into one new directory, with checksums.
#
#   DATABASE_URL=postgres://kczg@127.0.0.1:5432/kczg MEDIA_ROOT=/srv/kczg/media scripts/backup.sh [DEST]
#
# DEST defaults to var/backups; each run creates DEST/kczg-<UTC time>/ holding database.dump,
# media.tar.gz and SHA256SUMS, and prints that directory on its last line. The database is dumped
# first and the files second, so every attachment row in the dump has its file in the archive
# (unless it was deleted in the seconds between). See README, "备份与恢复 / Backup and restore".
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077  # backups hold personal data: readable by the owner only

fail() { printf 'backup: %s\n' "$*" >&2; exit 2; }

DATABASE_URL="${DATABASE_URL:-}"
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) fail "DATABASE_URL 必须是 PostgreSQL 地址(postgres://…);SQLite 开发库请直接复制 var/db.sqlite3。" ;;
esac
if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
    printf 'backup: 附件保存在对象存储 %s 中,本脚本只备份数据库;请用对象存储自身的版本/备份功能保存附件。\n' \
        "$AWS_STORAGE_BUCKET_NAME" >&2
fi
media_root="${MEDIA_ROOT:-${KCZG_VAR_DIR:-var}/media}"
dest_root="${1:-var/backups}"

mkdir -p "$dest_root"
target="$dest_root/kczg-$(date -u +%Y%m%dT%H%M%SZ)"
[ -e "$target" ] && target="$target-$$"
mkdir "$target"

# 1. The database: all schemas and data in one consistent snapshot.
pg_dump --format=custom --compress=6 --file="$target/database.dump" --dbname="$DATABASE_URL"
pg_restore --list "$target/database.dump" >/dev/null  # the archive is readable

# 2. The files, relative to MEDIA_ROOT (an absent MEDIA_ROOT gives an empty archive).
if [ -d "$media_root" ]; then
    tar -C "$media_root" -czf "$target/media.tar.gz" .
else
    printf 'backup: MEDIA_ROOT %s 不存在,附件归档为空。\n' "$media_root" >&2
    tar -czf "$target/media.tar.gz" --files-from /dev/null
fi

(cd "$target" && sha256sum database.dump media.tar.gz >SHA256SUMS)
printf 'backup: 数据库 %s,附件 %s\n' "$(du -h "$target/database.dump" | cut -f1)" "$(du -h "$target/media.tar.gz" | cut -f1)"
printf '%s\n' "$target"
