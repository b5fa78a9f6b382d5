"""Settings as `django-admin startproject` writes them (Django 5.2), trimmed to
what needs no database: no admin, auth, sessions or messages apps.

DELIBERATELY insecure, like a fresh project: DEBUG=True (technical 404/500
pages that leak settings and URL patterns) and a `django-insecure-` key.
"""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# DELIBERATELY the kind of key startproject generates (fixed here so fixtures are stable).
SECRET_KEY = "django-insecure-headwarden-fixture-key-do-not-use-0123456789"
DEBUG = True
ALLOWED_HOSTS = []  # with DEBUG=True Django still accepts localhost / 127.0.0.1

INSTALLED_APPS = [
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "djangoapp.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
            ],
        },
    },
]

WSGI_APPLICATION = None
DATABASES = {}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
