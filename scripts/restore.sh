#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an EMPTY MEDIA_ROOT.
#
#   DATABASE_URL=postgres://kczg@127.0.0.1:5432/kczg_restored MEDIA_ROOT=/srv/kczg/media-restored \
#       scripts/restore.sh var/backups/kczg-20231130T160000Z
#
# 1. checks the checksums; refuses a non-empty MEDIA_ROOT or a database that already has tables;
# 2. creates the database (createdb, template0, UTF8) when it does not exist yet;
# 3. pg_restore --no-owner --no-privileges in one transaction (all or nothing);
# 4. unpacks the files into MEDIA_ROOT;
# 5. manage.py migrate --check (the code and the restored schema agree), then prints row counts.
# Never restores over live data: to replace production, restore into a new database, check it, then
# point DATABASE_URL at it. See README, "备份与恢复 / Backup and restore".
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { printf 'restore: %s\n' "$*" >&2; exit 2; }

backup="${1:-}"
[ -n "$backup" ] || fail "用法:scripts/restore.sh 备份目录"
[ -f "$backup/database.dump" ] && [ -f "$backup/media.tar.gz" ] && [ -f "$backup/SHA256SUMS" ] ||
    fail "$backup 不是完整的备份目录(需要 database.dump、media.tar.gz、SHA256SUMS)。"
DATABASE_URL="${DATABASE_URL:-}"
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) fail "DATABASE_URL 必须是目标 PostgreSQL 数据库地址(postgres://…)。" ;;
esac
media_root="${MEDIA_ROOT:-${KCZG_VAR_DIR:-var}/media}"
PY="${PYTHON:-.venv/bin/python}"

(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || fail "校验和不符,备份文件已损坏。"

if [ -d "$media_root" ] && [ -n "$(ls -A "$media_root")" ]; then
    fail "MEDIA_ROOT $media_root 不为空;请恢复到空目录。"
fi

# The target database name, and the same server's maintenance database for createdb.
url_part() {
    "$PY" -c '
import sys
from urllib.parse import unquote, urlsplit
url = urlsplit(sys.argv[2])
if sys.argv[1] == "name":
    print(unquote(url.path.lstrip("/")))
else:
    print(url._replace(path="/postgres").geturl())
' "$1" "$DATABASE_URL"
}
db_name="$(url_part name)"
maintenance_url="$(url_part maintenance)"
[ -n "$db_name" ] || fail "DATABASE_URL 中没有数据库名。"

# A database that accepts a connection exists (perhaps created empty by a DBA): it must be empty.
if psql --no-psqlrc --quiet --tuples-only -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "SELECT 1" >/dev/null 2>&1; then
    tables="$(psql --no-psqlrc --tuples-only --no-align -v ON_ERROR_STOP=1 "$DATABASE_URL" -c \
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname NOT LIKE 'pg_toast%'")"
    [ "$tables" = "0" ] || fail "数据库 $db_name 已有 $tables 个表/序列;只能恢复到空数据库。"
else
    createdb --maintenance-db="$maintenance_url" --template=template0 --encoding=UTF8 "$db_name"
    printf 'restore: 已创建数据库 %s\n' "$db_name"
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$DATABASE_URL" "$backup/database.dump"

mkdir -p "$media_root"
tar -C "$media_root" --no-same-owner -xzf "$backup/media.tar.gz"

DATABASE_URL="$DATABASE_URL" "$PY" manage.py migrate --check >/dev/null ||
    fail "恢复的数据库与当前代码的迁移不一致(manage.py migrate --check 失败);请用备份时的代码版本,或在检查后运行 migrate。"

psql --no-psqlrc --tuples-only --no-align -v ON_ERROR_STOP=1 "$DATABASE_URL" -c \
    "SELECT format('restore: 申报 %s 条,附件 %s 个,操作记录 %s 条', (SELECT count(*) FROM nominations_nomination),
            (SELECT count(*) FROM nominations_attachment), (SELECT count(*) FROM nominations_auditevent))"
printf 'restore: 完成,文件 %s 个已解压到 %s\n' "$(find "$media_root" -type f | wc -l)" "$media_root"
