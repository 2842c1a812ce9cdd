"""URLs of the 503 tests: a page whose database goes away in the middle of the request."""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.urls import path


def lost(request):
    raise OperationalError("server closed the connection unexpectedly")


def closed(request):
    raise InterfaceError("connection already closed")


def bug(request):
    raise ValueError("a bug, not the database")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("perdue/", lost), path("fermee/", closed), path("ok/", fine), path("bug/", bug)]
