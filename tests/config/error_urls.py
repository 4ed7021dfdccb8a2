"""A URLconf with one view that fails, to see the 500 page as a customer would."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), path("", include("config.urls"))]
