from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
]
