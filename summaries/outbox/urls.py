from django.urls import path

from summaries.outbox import views

app_name = "outbox"

urlpatterns = [
    path("", views.outbox_list, name="list"),
    path("<str:name>/", views.outbox_detail, name="detail"),
    path("<str:name>/html/", views.outbox_html, name="html"),
    path("<str:name>/attachments/<int:index>/", views.outbox_attachment, name="attachment"),
]
