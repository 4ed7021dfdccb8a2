from django.urls import path

from config import tokens

app_name = "tokens"
urlpatterns = [
    path("", tokens.token_list, name="list"),
    path("<str:key>/revoke/", tokens.token_revoke, name="revoke"),
]
