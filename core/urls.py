from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The staff login's second step, under the admin's own address (settings.ADMIN_URL).
    path(settings.ADMIN_URL + "two-factor/", include("summaries.staff.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    # Django's set_language: the language switcher posts here (summaries/language_switcher.html).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("summaries.urls")),
]

if settings.DEBUG:
    # The captured-email outbox exists only in development.
    urlpatterns.append(path("dev/outbox/", include("summaries.outbox.urls")))
