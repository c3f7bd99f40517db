"""The moderation queue: held comments, oldest first, with what a moderator needs."""

from collections import defaultdict
from functools import reduce
from operator import or_

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments import permissions
from comments import reasons as reasons_data
from comments.models import Comment, CommentRevision, EmailAddress
from comments.permissions import moderated_comments
from comments.text import link_hosts, normalise_email

from .. import services
from ..models import PendingComment
from ..spam import store as spam_store
from ..spam.sample import Sample
from .actions import run_on_each
from .ids import parse_ids

Status = Comment.Status
PER_PAGE = 50
HISTORY_SHOWN = 5
HISTORY_SCANNED = 1000  # a page's writers' other comments read at most, newest first


def spam_score(reasons: list) -> str | None:
    """The score the learned filter recorded with its decision, as the card shows it."""
    score = reasons_data.spam_score(reasons)
    return None if score is None else f"{score:.2f}"


def _newest_ids(comments, limit: int) -> RawSQL:
    """The ids of the ``limit`` newest of ``comments``, as a subquery that finds them through
    the indexes of its WHERE (email, address hash) and only then sorts them.

    Asked as one ``ORDER BY submitted_at DESC LIMIT`` query, PostgreSQL walks the whole
    submitted_at index backwards hoping to meet enough matches early: at a million comments
    a page's writers with 600 comments between them took 21 s instead of 0.07 s. The
    MATERIALIZED CTE is the fence the planner cannot see through."""
    sql, params = comments.order_by().values("pk", "submitted_at").query.sql_with_params()
    return RawSQL(  # noqa: S611 - Django's own SQL for ``comments``; values are parameters
        f"WITH found (id, submitted_at) AS MATERIALIZED ({sql}) "  # noqa: S608
        "SELECT id FROM found ORDER BY submitted_at DESC LIMIT %s",
        (*params, limit),
    )


def pending_from_writer(user, comment):
    """The pending comments ``user`` moderates by the writer of ``comment``: the same
    address (in its one normalised form) or, with no email, the same address hash."""
    pending = moderated_comments(user).pending()
    if normalise_email(comment.author_email):
        return pending.with_email(comment.author_email)
    if comment.ip_hash:
        return pending.filter(author_email="", ip_hash=comment.ip_hash)
    return pending.filter(pk=comment.pk)


def pending_linking_to(user, host: str):
    """The pending comments ``user`` moderates with a link to ``host`` (or a subdomain
    counted as its own host: exactly what ``link_hosts`` reports)."""
    host = host.strip().lower()
    if not host:
        return []
    candidates = moderated_comments(user).pending().filter(body__icontains=host)
    return [c for c in candidates.order_by("submitted_at", "pk") if host in link_hosts(c.body)]


@admin.register(PendingComment)
class QueueAdmin(admin.ModelAdmin):
    """Pending comments, oldest first, each with what a moderator needs to decide."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and permissions.moderates_anything(request.user)

    def has_view_permission(self, request, obj=None):
        return obj is None and permissions.may_open_comment_admin(request.user)

    def get_urls(self):
        # The queue is one page. The proxy has no add, change, delete or history view of
        # its own: Django's would edit every raw field behind the services' back.
        return [
            path("", self.admin_site.admin_view(self.changelist_view),
                 name="moderation_pendingcomment_changelist"),
            path("<path:object_id>/change/", self.admin_site.admin_view(self.to_queue),
                 name="moderation_pendingcomment_change"),
        ]  # fmt: skip

    def to_queue(self, request, object_id):
        """Old links to a queued comment's change page land on the queue, changing nothing."""
        return HttpResponseRedirect(reverse("admin:moderation_pendingcomment_changelist"))

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._act(request)
        # The revision count is a subquery per shown row: a GROUP BY would count the
        # revisions of every pending comment before the page is cut.
        versions = (
            CommentRevision.objects.filter(comment=OuterRef("pk"))
            .order_by()
            .values("comment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        queryset = (
            moderated_comments(request.user)
            .pending()
            .select_related("post", "reply_to")
            .annotate(versions=Coalesce(Subquery(versions), 0))
            .order_by("submitted_at", "pk")
        )
        page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
        pending = list(page.object_list)
        history = self._history(pending, request.user)
        confirmed = self._confirmed(pending)
        for comment in pending:
            # The count is of all found; the five newest are enough to judge by, and fifty
            # cards of ten each were a third of the page's rendering time.
            earlier = history.get(comment.pk, [])
            comment.history, comment.history_count = earlier[:HISTORY_SHOWN], len(earlier)
            comment.spam_score = spam_score(comment.status_reasons)
            comment.reason_words = reasons_data.describe_all(comment.status_reasons)
            comment.email_confirmed = normalise_email(comment.author_email) in confirmed
            comment.link_hosts = sorted(set(link_hosts(comment.body)))
        self._score_unscored(pending)
        return TemplateResponse(
            request,
            "admin/moderation/queue.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Moderation queue"),
                "pending": pending,
                "page": page,
                "opts": self.model._meta,
                "can_act": permissions.moderates_anything(request.user),
            },
        )

    @staticmethod
    def _score_unscored(pending) -> None:
        """Cards without a recorded score get the current model's, all in one batch (one
        query for the writers' approved addresses): a comment held by another rule, or held
        before the filter learned enough, still shows how spammy it looks now."""
        unscored = [c for c in pending if c.spam_score is None]
        model = spam_store.current() if unscored else None
        if model is None:
            return
        emails = {normalise_email(c.author_email) for c in unscored} - {""}
        approved = Comment.objects.none()
        for email in emails:
            approved |= Comment.objects.with_email(email)
        known = {
            normalise_email(email)
            for email in approved.visible().order_by()
            .values_list("author_email", flat=True)
            .distinct()
        } if emails else set()  # fmt: skip
        samples = [
            Sample(body=c.body, name=c.author_name,
                   known_email=normalise_email(c.author_email) in known)
            for c in unscored
        ]  # fmt: skip
        for comment, probability in zip(unscored, model.probabilities(samples), strict=True):
            comment.spam_score, comment.spam_score_now = f"{probability:.2f}", True

    @staticmethod
    def _confirmed(pending) -> set[str]:
        """The page's writers' addresses that are confirmed, in one query
        (``comments.addresses.is_confirmed`` for a whole page)."""
        emails = {normalise_email(c.author_email) for c in pending} - {""}
        if not emails:
            return set()
        return set(
            EmailAddress.objects.confirmed()
            .filter(email__in=emails)
            .values_list("email", flat=True)
        )

    @staticmethod
    def _history(pending, user):
        """Each pending comment's writer's other comments (by email or address), newest first,
        among those ``user`` may read: an author never sees other posts' held text."""
        emails = {normalise_email(c.author_email) for c in pending} - {""}
        hashes = {c.ip_hash for c in pending if c.ip_hash}
        if not (emails or hashes):
            return {}
        readable = permissions.readable_comments(user)
        # The addresses compared only as ``with_email`` compares them.
        found = reduce(
            or_,
            [readable.with_email(email) for email in emails],
            readable.filter(ip_hash__in=hashes),
        )
        others = (
            Comment.objects.filter(pk__in=_newest_ids(found, HISTORY_SCANNED))
            .select_related("post")
            .only("pk", "status", "submitted_at", "body", "author_email", "ip_hash", "post__title")
            .order_by("-submitted_at")
        )
        by_email, by_hash = defaultdict(list), defaultdict(list)
        for other in others:
            # An empty email or address is nobody's identity: never group by it.
            if email := normalise_email(other.author_email):
                by_email[email].append(other)
            if other.ip_hash:
                by_hash[other.ip_hash].append(other)
        result = {}
        for comment in pending:
            seen = {comment.pk}
            mine = []
            email = normalise_email(comment.author_email)
            same_email = by_email.get(email, []) if email else []
            same_address = by_hash.get(comment.ip_hash, []) if comment.ip_hash else []
            for other in same_email + same_address:
                if other.pk not in seen:
                    seen.add(other.pk)
                    mine.append(other)
            result[comment.pk] = sorted(mine, key=lambda c: c.submitted_at, reverse=True)
        return result

    def _act(self, request):
        action = request.POST.get("action", "")
        ids = request.POST.getlist("selected") or [request.POST.get("comment", "")]
        comments = moderated_comments(request.user).filter(pk__in=parse_ids(ids))
        reason = request.POST.get("reason", "").strip()
        if action == "approve":
            run_on_each(request, comments, services.comment_approve, _("approved"))
        elif action == "reject":
            run_on_each(request, comments, services.comment_reject, _("rejected"), reason=reason)
        elif action == "spam":
            run_on_each(request, comments, services.comment_mark_spam, _("marked as spam"))
        elif action in ("approve_writer", "spam_domain"):
            return self._bulk(request, action, comments.first())
        elif action == "approve_reply":
            comment = comments.first()
            if comment is None:
                messages.error(request, _("That comment is not in your queue."))
            else:
                try:
                    _approved, reply = services.comment_approve_and_reply(
                        comment=comment,
                        actor=request.user,
                        body=request.POST.get("reply", ""),
                        quote=request.POST.get("quote", ""),
                    )
                    messages.success(
                        request,
                        format_html(
                            '{} <a href="{}">{}</a>',
                            _("Approved, and your reply is published."),
                            reply.get_absolute_url(),
                            _("See it"),
                        ),
                    )
                except (ValidationError, PermissionDenied) as error:
                    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.error(request, _("Choose an action."))
        return HttpResponseRedirect(request.get_full_path())

    def _bulk(self, request, action, comment):
        """ "Approve all pending from this writer" and "spam all pending with this link
        domain": a page saying how many first; then each comment through its service (one
        event each), only those shown on that page and still matching."""
        back = HttpResponseRedirect(request.get_full_path())
        if comment is None:
            messages.error(request, _("That comment is not in your queue."))
            return back
        if action == "approve_writer":
            matching = list(
                pending_from_writer(request.user, comment).order_by("submitted_at", "pk")
            )
            service, label = services.comment_approve, _("approved")
            question = ngettext(
                "Approve %(count)d pending comment from this writer?",
                "Approve all %(count)d pending comments from this writer?",
                len(matching),
            )
        else:
            domain = request.POST.get("domain", "").strip().lower()
            if domain not in link_hosts(comment.body):
                messages.error(request, _("That comment has no link to that domain."))
                return back
            matching = pending_linking_to(request.user, domain)
            service, label = services.comment_mark_spam, _("marked as spam")
            question = ngettext(
                "Mark %(count)d pending comment linking to %(domain)s as spam?",
                "Mark all %(count)d pending comments linking to %(domain)s as spam?",
                len(matching),
            )
        if request.POST.get("confirmed") == "yes":
            chosen = set(parse_ids(request.POST.getlist("chosen")))
            run_on_each(request, [c for c in matching if c.pk in chosen], service, label)
            return back
        return TemplateResponse(
            request,
            "admin/moderation/queue_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Confirm"),
                "question": question
                % {"count": len(matching), "domain": request.POST.get("domain", "")},
                "action": action,
                "comment": comment,
                "domain": request.POST.get("domain", ""),
                "matching": matching,
                "opts": self.model._meta,
                "back": request.get_full_path(),
            },
        )
