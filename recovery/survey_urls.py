"""The follow-up survey's public address, outside the agents' ``/agent/`` space."""

from django.urls import path

from recovery.views import survey

app_name = "survey"
urlpatterns = [
    path("<str:token>/", survey.survey_page, name="answer"),
]
