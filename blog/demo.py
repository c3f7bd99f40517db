"""Demo content for `manage.py seed_demo`: written for Colloquy, about an invented group."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from .models import AuthorProfile, Post, Series

DEMO_PASSWORD = "colloquy-demo"  # noqa: S105 - printed for local demo accounts only

AUTHORS = [
    ("amara", "Dr Amara Osei", "Neurologist; runs the relapse clinic and writes on trial design."),
    ("lin", "Prof Lin", "Group lead. Immunology, biomarkers and the odd rant about p-values."),
    ("tomas", "Tomás Reyes", "PhD student working on MRI measures of brain atrophy."),
]

SERIES = [
    ("ResearchSpeak", "Plain-language notes on a new paper, for anyone living with the condition."),
    ("ClinicNotes", "Questions we hear in clinic, answered at more length than a clinic allows."),
    ("TrialWatch", "What is recruiting, what has reported, and what the numbers mean."),
    ("IndustrySpeak", "A post for people who work at pharmaceutical companies."),
]

POSTS = [
    {
        "title": "What a relapse rate really tells you",
        "author": "amara",
        "series": ["ResearchSpeak", "ClinicNotes"],
        "days_ago": 150,
        "summary": "Annualised relapse rates are the headline number of most trials. Here is how "
        "to read one without being misled by it.",
        "coi": "none",
        "body": """Most trial reports open with an *annualised relapse rate*: the number of relapses
in a group divided by the years of follow-up. A rate of 0.2 means one relapse every five years
on average, not that one person in five relapses.

## Why the average hides people

A group average can fall because a few people who relapsed often stopped relapsing, while most
people saw no change at all. Ask for the **proportion relapse-free** alongside the rate.

## Three questions to ask

1. How long was follow-up? Rates from short trials are noisy.
2. How was a relapse confirmed? An examining neurologist or a phone call?
3. What was the comparator? A placebo and an active drug are very different baselines.

If you want the long version, the statistical appendix of most trials is public, and we are
happy to walk through one in the comments.""",
    },
    {
        "title": "Reading a forest plot in five minutes",
        "author": "lin",
        "series": ["ResearchSpeak"],
        "days_ago": 120,
        "summary": "Squares, diamonds and a vertical line: a short guide to the figure that "
        "summarises most meta-analyses.",
        "coi": "multiple (advisory boards; see our declarations page)",
        "body": """A forest plot lists studies down the page. Each square is one study's estimate;
its size shows how much weight the study carries, and the line through it is the confidence
interval.

The diamond at the bottom is the pooled estimate. If it does not touch the vertical line of
no effect, the pooled result is conventionally called significant.

> A wide diamond is not a failure. It is an honest statement of how little we know.

Look for **heterogeneity** (often reported as I²). When studies disagree a lot, one pooled
number may be the wrong summary.""",
        "postscript": "Thanks to the readers who asked for this after last month's post.",
    },
    {
        "title": "Recruiting now: the exercise and fatigue study",
        "author": "tomas",
        "series": ["TrialWatch"],
        "days_ago": 95,
        "summary": "We are looking for volunteers for a twelve-week study of supervised exercise "
        "and fatigue.",
        "coi": "",
        "body": """We are recruiting adults who live within travelling distance of the clinic for a
twelve-week study of supervised exercise. Sessions are twice a week and we cover travel.

What we measure: fatigue scores, walking speed, and an MRI scan at the start and the end.

What we do **not** do: change your treatment. You keep seeing your own team.

Ask questions below; we answer every one, though we cannot give personal medical advice in a
public comment thread.""",
    },
    {
        "title": "Why we publish our negative results",
        "author": "lin",
        "series": ["ResearchSpeak", "IndustrySpeak"],
        "days_ago": 80,
        "summary": "A trial that finds nothing still teaches something, if anyone is allowed to "
        "read about it.",
        "coi": "multiple",
        "body": """Last year our biomarker study found no difference between groups. We published it
anyway, in full, with the data.

Unpublished negative results distort the literature: meta-analyses see only the studies that
worked, and the pooled effect looks larger than it is.

To colleagues in industry: registries now make it hard to bury a trial, but *timely* reporting
still varies. Twelve months after completion should be the norm, not the aspiration.""",
    },
    {
        "title": "Questions from clinic: can I travel on treatment?",
        "author": "amara",
        "series": ["ClinicNotes"],
        "days_ago": 60,
        "summary": "Vaccines, infusion timing and insurance: the travel questions we hear most "
        "often.",
        "coi": "none",
        "body": """Yes, most people can, with some planning.

- **Infusion timing.** Plan trips around the infusion window rather than moving the infusion.
- **Vaccines.** Some live vaccines are not suitable on some treatments; ask before you book.
- **Insurance.** Declare your diagnosis. Policies differ a lot; read the exclusions.

Bring a letter from your team listing your medicines, and keep medicines in hand luggage.""",
    },
    {
        "title": "The atrophy measure everyone argues about",
        "author": "tomas",
        "series": ["ResearchSpeak", "TrialWatch"],
        "days_ago": 40,
        "summary": "Brain volume loss is a promising outcome for trials. It is also easy to "
        "over-interpret. A student's view.",
        "coi": "",
        "body": """Brain volume shrinks a little every year in everyone. In people with the
condition it tends to shrink faster, and treatments that slow this may protect long-term function.

The difficulty is noise. Hydration, the time of day and scanner upgrades all move the number.
A trial needs careful harmonisation before a difference of a fraction of a percent means
anything.

My thesis compares three pipelines on the same scans. Early result: they agree on the
direction and disagree on the size.""",
    },
    {
        "title": "Biosimilars: what changes for you",
        "author": "amara",
        "series": ["ClinicNotes", "IndustrySpeak"],
        "days_ago": 20,
        "summary": "Cheaper versions of some treatments are arriving. What a switch means in "
        "practice.",
        "coi": "none",
        "body": """A biosimilar is a medicine shown to work like an approved biological
medicine, with no meaningful differences in safety or effect.

For most people, a switch means a new name on the box and the same schedule. We check in
after the first doses, as we would with any change.

The savings are real and they pay for other care. If you are worried about switching, say so:
that conversation is part of the switch.""",
        "postscript": "A record number of you read last week's post on a Saturday. Thank you.",
    },
    {
        "title": "Our plans for next year",
        "author": "lin",
        "series": [],
        "days_ago": 3,
        "summary": "Two new studies, a reader panel, and a promise about plain language.",
        "coi": "multiple",
        "body": """Next year we start two studies: one on fatigue, one on remote monitoring
of walking.

We are also forming a **reader panel**: people living with the condition who review our
plain-language summaries before they go out. If you would like to join, leave a comment with
a way to reach you (we will not publish your email).""",
    },
]

DRAFT = {
    "title": "Draft: notes on the autumn conference",
    "author": "lin",
    "body": "Half-written notes. Not for readers yet.",
}


def seed_posts(*, now: datetime.datetime | None = None) -> dict[str, object]:
    """Create (or update) the demo accounts, series and posts. Safe to run again."""
    now = now or timezone.now()
    User = get_user_model()
    authors_group = Group.objects.get(name="Authors")
    moderators_group = Group.objects.get(name="Moderators")

    users = {}
    for username, display_name, bio in AUTHORS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "email": f"{username}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(authors_group)
        AuthorProfile.objects.update_or_create(
            user=user, defaults={"display_name": display_name, "slug": username, "bio": bio}
        )
        users[username] = user

    # Staff comment under their account's name, so the demo accounts have proper ones.
    moderator, created = User.objects.update_or_create(
        username="moderator",
        defaults={"first_name": "Nia", "last_name": "Kowalski"},
        create_defaults={
            "is_staff": True,
            "email": "moderator@example.org",
            "first_name": "Nia",
            "last_name": "Kowalski",
        },
    )
    if created:
        moderator.set_password(DEMO_PASSWORD)
        moderator.save()
    moderator.groups.add(moderators_group)

    admin = User.objects.filter(username="admin").first()
    if admin is None:
        User.objects.create_superuser(
            "admin", "admin@example.org", DEMO_PASSWORD, first_name="Sam", last_name="Whitfield"
        )
    elif not admin.get_full_name():
        admin.first_name, admin.last_name = "Sam", "Whitfield"
        admin.save()

    series = {}
    for name, description in SERIES:
        series[name], _ = Series.objects.update_or_create(
            name=name, defaults={"slug": name.lower(), "description": description}
        )

    posts = {}
    for spec in POSTS:
        post, _ = Post.objects.update_or_create(
            slug=slugify(spec["title"]),
            defaults={
                "title": spec["title"],
                "author": users[spec["author"]],
                "summary": spec["summary"],
                "body": spec["body"],
                "competing_interests": spec["coi"],
                "postscript": spec.get("postscript", ""),
                "status": Post.Status.PUBLISHED,
                "published_at": (now - datetime.timedelta(days=spec["days_ago"])).replace(
                    hour=9, minute=30, second=0, microsecond=0
                ),
            },
        )
        post.tags.set([series[name] for name in spec["series"]])
        posts[post.slug] = post

    Post.objects.update_or_create(
        slug=slugify(DRAFT["title"]),
        defaults={
            "title": DRAFT["title"],
            "author": users[DRAFT["author"]],
            "body": DRAFT["body"],
            "status": Post.Status.DRAFT,
        },
    )
    return {"users": users, "moderator": moderator, "series": series, "posts": posts}


ACCOUNTS = [
    ("admin", "superuser: everything"),
    ("moderator", "Moderators group: the comment queue"),
    *[(username, f"author {display_name}") for username, display_name, _ in AUTHORS],
]
