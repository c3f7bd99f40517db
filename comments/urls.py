from django.urls import path

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("post/<int:post_id>/", views.post_comment, name="post"),
    path("<int:pk>/", views.permalink, name="permalink"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("feed/<slug:slug>/", feeds.PostCommentsFeed(), name="feed"),
]
