from django.urls import path

from core.pagecache import public_when_anonymous as public

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("post/<int:post_id>/", views.post_comment, name="post"),
    path("token/", views.csrf_token, name="token"),
    path("<int:pk>/", views.permalink, name="permalink"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("feed/", public(feeds.SiteCommentsFeed()), name="site_feed"),
    path("feed/<slug:slug>/", public(feeds.PostCommentsFeed()), name="feed"),
]
