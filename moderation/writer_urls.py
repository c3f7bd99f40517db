"""The writer's own correction pages, beside the comment's other pages (/comments/…)."""

from django.urls import path

from . import writer_views

app_name = "writer"

urlpatterns = [
    path("<int:pk>/edit/", writer_views.edit, name="edit"),
    path("<int:pk>/withdraw/", writer_views.withdraw, name="withdraw"),
]
