from django.urls import path

from summaries.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.two_factor, name="two_factor"),
    path("enrol/", views.enrol, name="enrol"),
]
