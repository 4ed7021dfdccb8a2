from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("<int:pk>/", views.customer_page, name="customer"),
    path("<int:pk>/export/", views.customer_export_download, name="export"),
    path("<int:pk>/erase/", views.customer_erase_confirm, name="erase"),
]
