from django.urls import path

from config.two_factor import views

app_name = "two_factor"
urlpatterns = [
    path("", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("codes/", views.codes, name="codes"),
]
