"""The sample app (app.py) with flask-talisman's defaults switched on.

    gunicorn -b 127.0.0.1:8000 talisman_app:app

Only force_https is turned off, so the app answers on plain http://127.0.0.1
instead of redirecting to https. Everything else is Talisman's default: CSP
`default-src 'self'; object-src 'none'`, X-Frame-Options SAMEORIGIN, nosniff,
Referrer-Policy, Permissions-Policy, HSTS on HTTPS requests, and a Secure,
HttpOnly, SameSite=Lax session cookie. Note that its CSP blocks the inline
<script> on the index page: that is one of the things the demo shows.
"""

from flask_talisman import Talisman

from app import create_app

app = create_app()
Talisman(app, force_https=False)
