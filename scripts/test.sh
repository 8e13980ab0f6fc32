#!/usr/bin/env bash
# 测试：装测试所需（以 root 运行时含系统包）、ruff、mypy、在 SQLite 与 PostgreSQL 上跑全部测试。
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(chromium fonts-noto-cjk libreoffice-writer-nogui poppler-utils)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${SYSTEM_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "安装系统包：${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

bash scripts/_setup.sh requirements-dev.txt
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check .
ruff format --check .
echo "== mypy"
mypy apps clusterhub
echo "== django checks"
DJANGO_SETTINGS_MODULE=clusterhub.settings.test python manage.py check --fail-level WARNING
DJANGO_SETTINGS_MODULE=clusterhub.settings.test python manage.py makemigrations --check --dry-run >/dev/null
SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
  DATABASE_URL=postgres://localhost/unused ALLOWED_HOSTS=clusterhub.example.gov.cn \
  DJANGO_SETTINGS_MODULE=clusterhub.settings.production python manage.py check --deploy --fail-level WARNING
if python manage.py help check_templates >/dev/null 2>&1; then
  DJANGO_SETTINGS_MODULE=clusterhub.settings.test python manage.py check_templates
fi

# Two pytest workers (pytest-xdist): the suite waits on chromium, PostgreSQL and files often
# enough that two workers on a 2-core machine take ~5 instead of ~7 minutes per database.
# PYTEST_WORKERS=0 runs it in one process.
WORKERS=${PYTEST_WORKERS:-2}

echo "== pytest on SQLite"
python -m pytest -p no:randomly -n "$WORKERS"

echo "== pytest on PostgreSQL"
PGHOST=127.0.0.1
if ! pg_isready -h "$PGHOST" -p 5432 -q 2>/dev/null; then
  echo "PostgreSQL 未运行，正在启动…"
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  fi
  for _ in $(seq 1 30); do pg_isready -h "$PGHOST" -p 5432 -q && break; sleep 1; done
fi
DB="clusterhub_ci_$$"
psql -h "$PGHOST" -U postgres -qtc "CREATE DATABASE $DB" >/dev/null
drop_test_dbs() {
  for name in "test_$DB" "test_${DB}_gw0" "test_${DB}_gw1" "test_${DB}_gw2" "test_${DB}_gw3"; do
    psql -h "$PGHOST" -U postgres -qtc "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true
  done
}
trap 'drop_test_dbs; psql -h '"$PGHOST"' -U postgres -qtc "DROP DATABASE IF EXISTS '"$DB"'" >/dev/null 2>&1' EXIT
DATABASE_URL="postgres://postgres@$PGHOST:5432/$DB" python -m pytest -p no:randomly -n "$WORKERS"
