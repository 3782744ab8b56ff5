from django.urls import include, path

from bench.floor.views import bare_submit

urlpatterns = [
    path("floor/", bare_submit, name="floor"),
    path("", include("core.urls")),
]
