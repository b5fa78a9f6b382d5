#!/usr/bin/env python3
"""Minimal Django project for headwarden's fixtures (DEBUG=True on purpose).

    python manage.py runserver 127.0.0.1:8001 --noreload

GET /      small HTML page with a CSRF-protected form (sets the csrftoken cookie)
GET /boom  raises: with DEBUG=True Django answers with its technical 500 page
GET /nope  no such URL: with DEBUG=True Django answers with its technical 404 page
"""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangoapp.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
