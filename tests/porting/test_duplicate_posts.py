"""Two posts of one file that share an id are two posts: neither replaces the other."""

import pytest

from blog.models import Post
from comments.models import Comment

from .conftest import FIXTURES, run

MERGED = FIXTURES / "wxr-duplicate-post-ids.xml"

pytestmark = pytest.mark.usefixtures("trees_intact")


def test_posts_sharing_an_id_are_kept_apart_with_their_comments(db):
    output = run("import_wxr", MERGED)

    walking = Post.objects.get(title="Walking after the relapse")
    trial = Post.objects.get(title="A trial that stopped early")
    assert "getting back on one's feet" in walking.body
    assert "safety board" in trial.body
    assert Post.objects.count() == 2
    assert [c.body for c in Comment.objects.filter(post=walking)] == [
        "The stairs were the hardest part."
    ]
    assert [c.body for c in Comment.objects.filter(post=trial)] == ["Was the data ever published?"]
    assert "posts: 2 created" in output
    assert "updated" not in output
    listed = output.split("Duplicate ids in the file:")[1]
    assert "post id 7 is used by two different posts: “A trial that stopped early”" in listed
    assert "post 7 (“Walking after the relapse”) appears twice, identical" in listed
    assert "author someone is listed twice with different details: the first is used" in listed
    assert walking.author.email == trial.author.email == "first@example.org"


def test_a_second_run_of_the_merged_file_changes_nothing(db):
    run("import_wxr", MERGED)
    before = sorted(Post.objects.values_list("pk", "title", "body"))
    output = run("import_wxr", MERGED)
    assert sorted(Post.objects.values_list("pk", "title", "body")) == before
    assert Comment.objects.count() == 2
    assert "created" not in output and "updated" not in output
