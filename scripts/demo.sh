#!/usr/bin/env bash
# 演示：建虚拟环境、装依赖、迁移 var/ 下的 SQLite、载入演示数据、在 127.0.0.1:8000 启动。
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/_setup.sh requirements.txt
export DJANGO_SETTINGS_MODULE=clusterhub.settings.dev
mkdir -p var
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo
PORT=${PORT:-8000}
echo "启动服务：http://127.0.0.1:${PORT}/  （Ctrl+C 停止）"
# The background worker for long jobs (imports, batch exports, reminders) runs beside the server.
.venv/bin/python manage.py db_worker --interval 1 >var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload
