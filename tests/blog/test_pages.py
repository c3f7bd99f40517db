from django.urls import reverse

from tests.factories import PostFactory


def test_home_lists_published_posts(client, db):
    post = PostFactory(title="A published post")
    response = client.get(reverse("blog:post_list"))
    assert response.status_code == 200
    assert post.title in response.text
