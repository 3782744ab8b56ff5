from django.urls import path

from summaries import unsubscribe_views, views
from summaries.observability.metrics_endpoint import metrics

app_name = "summaries"

urlpatterns = [
    path("", views.submit_form, name="form"),
    path("s/<str:token>/", views.submission_status, name="status"),
    path("s/<str:token>/status.json", views.submission_status_json, name="status_json"),
    path("s/<str:token>/summary.pdf", views.submission_pdf, name="pdf"),
    path("s/<str:token>/delete/", views.erase_answers, name="erase"),
    path("confirm/<str:token>/", views.confirm_address, name="confirm"),
    path("unsubscribe/<str:token>/", unsubscribe_views.unsubscribe_address, name="unsubscribe"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
]
