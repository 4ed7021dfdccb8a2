from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("", views.review_indicators, name="indicators"),
    path("breaches/", views.review_breaches, name="breaches"),
    path("lessons/", views.review_lessons, name="lessons"),
    path("agents/", views.review_agents, name="agents"),
    path("export/<slug:name>.csv", views.review_export, name="export"),
]
