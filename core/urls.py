from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's set_language: the language switcher posts here (summaries/language_switcher.html).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("summaries.urls")),
]

if settings.DEBUG:
    # The captured-email outbox exists only in development.
    urlpatterns.append(path("dev/outbox/", include("summaries.outbox.urls")))
