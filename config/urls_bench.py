"""The site's URLs plus a trivial view: the cheapest response this stack can serve,
the yardstick ``make bench`` measures every page against."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse(b"ok")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *site_urlpatterns]
