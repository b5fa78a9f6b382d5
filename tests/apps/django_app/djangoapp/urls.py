from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.utils.html import escape


def index(request):
    # get_token() makes CsrfViewMiddleware set the csrftoken cookie.
    token = escape(get_token(request))
    return HttpResponse(
        "<!doctype html><html><head><title>Django sample</title></head><body>"
        "<h1>Django sample</h1>"
        '<form method="post" action="/">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        '<input name="q"><button type="submit">Send</button></form>'
        "</body></html>"
    )


def boom(request):
    # DELIBERATELY raises: with DEBUG=True this is Django's technical 500 page.
    raise RuntimeError("boom: deliberate error for the DEBUG=True demo")


urlpatterns = [
    path("", index),
    path("boom", boom),
]
