"""Local development and the demo: embedded SQLite under var/, debug on, loopback only."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
# Not a secret: the dev/demo key only ever signs sessions on 127.0.0.1.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "clusterhub.sqlite3")),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
}
CLUSTERHUB_DEMO = os.environ.get("CLUSTERHUB_DEMO", "1") == "1"
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
