"""``bench/scale_seed.py`` (``make bench-scale``) writes valid threads, at a tiny size."""

from django.core.management import call_command
from django.db.models import Count

from bench import scale_seed
from blog.models import Post
from comments import tree
from comments.models import Comment


def test_copy_seeding_writes_valid_trees_and_the_asked_counts(db, capsys):
    first = scale_seed.seed(posts=20, comments=500, pending=30)
    second = scale_seed.seed(posts=5, comments=120, pending=10, seed=2)

    assert Post.objects.published().count() == 25
    assert Comment.objects.visible().count() == 620
    assert Comment.objects.pending().count() == 40
    # Every post has its share of the discussion; the second seeding's posts are older.
    counts = Comment.objects.visible().order_by().values("post").annotate(n=Count("pk"))
    assert sorted({row["n"] for row in counts}) == [24, 25]
    newest_added = Post.objects.get(pk=second.posts[0]).published_at
    oldest_before = Post.objects.get(pk=first.posts[-1]).published_at
    assert newest_added < oldest_before
    # Each top-level comment roots its own tree, replies share their root's tree and post.
    roots = Comment.objects.filter(parent=None)
    assert roots.values("tree_id").distinct().count() == roots.count()
    assert not Comment.objects.exclude(parent=None).filter(level=0).exists()
    assert Comment.objects.filter(level__gt=0).exists()
    assert not Comment.objects.pending().exclude(parent=None).exists()
    # The held comments' reasons have their kinds (the reason filter's), COPY or not.
    assert not Comment.objects.pending().filter(status_reason_kinds=[]).exists()
    assert Comment.objects.pending().filter(status_reason_kinds__contains=["links"]).exists()
    assert tree.check_trees() == []
    call_command("check_comment_trees")
    assert "All comment threads are intact." in capsys.readouterr().out
    # The nested sets agree with the parent links: each reply sits inside its parent.
    for reply in Comment.objects.exclude(parent=None).select_related("parent"):
        parent = reply.parent
        assert parent.lft < reply.lft < reply.rght < parent.rght
        assert reply.level == parent.level + 1
        assert reply.tree_id == parent.tree_id and reply.post_id == parent.post_id


def test_nested_sets_of_a_small_thread():
    # 0 ─┬─ 1 ── 3
    #    └─ 2      4 (a second thread)
    lft, rght, root = scale_seed.nested_sets([None, 0, 0, 1, None])

    assert list(zip(lft, rght, strict=True)) == [(1, 8), (2, 5), (6, 7), (3, 4), (1, 2)]
    assert root == [0, 0, 0, 0, 4]
