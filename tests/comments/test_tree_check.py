"""check_comment_trees finds broken threads and --rebuild repairs one."""

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from comments.tree import check_trees


@pytest.fixture
def thread(make):
    root = make("root")
    child = make("child", parent=root)
    grandchild = make("grandchild", parent=child)
    sibling = make("sibling", parent=root)
    other = make("other thread")
    return root, child, grandchild, sibling, other


def test_intact_trees_pass(thread, capsys):
    call_command("check_comment_trees")
    assert "intact" in capsys.readouterr().out


def test_overlap_is_reported_and_rebuild_repairs(thread):
    root, child, grandchild, sibling, other = thread
    Comment.objects.filter(pk=sibling.pk).update(lft=3)  # sabotage: overlaps the child
    with pytest.raises(CommandError) as error:
        call_command("check_comment_trees")
    assert error.value.returncode == 1
    assert {problem.tree_id for problem in check_trees()} == {root.tree_id}
    call_command("check_comment_trees", rebuild=root.tree_id)
    assert check_trees() == []
    order = list(Comment.objects.filter(tree_id=root.tree_id).values_list("pk", "level"))
    assert order == [(root.pk, 0), (child.pk, 1), (grandchild.pk, 2), (sibling.pk, 1)]


def test_wrong_level_and_escaped_child_reported(thread):
    root, child, grandchild, *_ = thread
    Comment.objects.filter(pk=grandchild.pk).update(level=5)
    Comment.objects.filter(pk=child.pk).update(rght=99)
    messages = " ".join(str(problem) for problem in check_trees())
    assert "level 5" in messages
    assert "outside its parent's bounds" in messages


def test_duplicate_root_tree_ids_are_split_on_rebuild(thread):
    root, *_, other = thread
    Comment.objects.filter(tree_id=other.tree_id).update(tree_id=root.tree_id)
    assert any("2 root comments" in str(problem) for problem in check_trees())
    rebuilt = call_command("check_comment_trees", rebuild=root.tree_id)
    assert rebuilt is None  # output goes to stdout; the trees are what matter
    assert check_trees() == []
    other.refresh_from_db()
    assert other.tree_id != root.tree_id and other.lft == 1
