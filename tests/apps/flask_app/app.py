"""headwarden's sample Flask app: a small, deliberately insecure login site.

The demo and the end-to-end tests put headwarden in front of it and show what
it finds. Everything insecure here is on purpose and marked "DELIBERATELY".
Do not copy it into a real app.

Run it (from this directory, with the venv from tests/apps/requirements.txt):

    gunicorn -b 127.0.0.1:8000 app:app          # production-style server
    flask --app app run --debug                 # Werkzeug dev server + debugger
    gunicorn -b 127.0.0.1:8000 talisman_app:app # same app, flask-talisman on

Routes:
    /              HTML page: inline <script> and a POST login form with a CSRF token
    /login         GET: the form; POST: alice / wonderland logs in (session + remember_token)
    /logout        logs out, back to /
    /me            the user stored in the session, 401 if none
    /api/data      JSON
    /boom          raises (500; with --debug: the Werkzeug debugger page)
    /form-no-csrf  a POST form with no CSRF token (and a handler that accepts it)
"""

import os

from flask import Flask, jsonify, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired


class User(UserMixin):
    def __init__(self, user_id, name):
        self.id = user_id
        self.name = name


# DELIBERATELY a hard-coded user with a plain-text password: the app is a target
# for the header checker, not an example of password storage.
USERS = {"alice": ("wonderland", User("1", "alice"))}
USERS_BY_ID = {user.id: user for _, user in USERS.values()}


class LoginForm(FlaskForm):
    # FlaskForm adds the hidden `csrf_token` field and checks it on POST.
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def create_app(config=None):
    """Build the app. talisman_app.py wraps the very same app with flask-talisman."""
    app = Flask(__name__)
    # DELIBERATELY weak: the default secret "dev" is the one from Flask's
    # tutorial; headwarden's secret audit finds it from any session cookie.
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")
    # DELIBERATELY left at Flask's defaults: the session cookie has no Secure
    # and no SameSite; the remember_token cookie has no Secure either.
    if config:
        app.config.update(config)

    login_manager = LoginManager(app)
    login_manager.login_view = "login"

    @login_manager.user_loader
    def load_user(user_id):
        return USERS_BY_ID.get(user_id)

    @app.get("/")
    def index():
        return render_template("index.html", form=LoginForm())

    @app.route("/login", methods=["GET", "POST"])
    def login():
        form = LoginForm()
        error = None
        if form.validate_on_submit():
            entry = USERS.get(form.username.data)
            if entry and entry[0] == form.password.data:
                user = entry[1]
                # DELIBERATELY stores the user name in the client-side (signed,
                # not encrypted) session cookie: anyone can read it.
                session["user"] = user.name
                # remember=True makes flask-login set the remember_token cookie.
                login_user(user, remember=True)
                return redirect(url_for("me"))
            error = "Wrong user name or password."
        elif request.method == "POST":
            error = "Invalid form (missing or bad CSRF token?)."
        status = 401 if error else 200
        return render_template("login.html", form=form, error=error), status

    @app.get("/logout")
    def logout():
        logout_user()
        session.pop("user", None)
        return redirect(url_for("index"))

    @app.get("/me")
    def me():
        user = session.get("user")
        if user is None:
            return jsonify(error="not logged in"), 401
        return jsonify(user=user)

    @app.get("/api/data")
    def api_data():
        return jsonify(items=[{"id": 1, "name": "teapot"}, {"id": 2, "name": "mad hat"}], count=2)

    @app.get("/boom")
    def boom():
        # DELIBERATELY raises: under `flask run --debug` this shows the Werkzeug
        # debugger (remote code execution for whoever can reach it).
        raise RuntimeError("boom: deliberate error for the debugger demo")

    @app.route("/form-no-csrf", methods=["GET", "POST"])
    def form_no_csrf():
        # DELIBERATELY a plain HTML form with no CSRF token, and a POST handler
        # that accepts any cross-site request.
        if request.method == "POST":
            return render_template("no_csrf.html", subscribed=request.form.get("email", ""))
        return render_template("no_csrf.html", subscribed=None)

    return app


app = create_app()
