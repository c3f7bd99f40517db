"""Demo discussions for `manage.py seed_demo`, written for Colloquy (invented people).

Each thread is a list of (key, parent key, name, text, quote, status). A name that is a
demo username ("amara") means that author replied while signed in.
"""

import datetime

from django.contrib.auth import get_user_model

from .identity import account_name
from .models import Comment
from .services import comment_create_as_is, role_on_post

A, P = Comment.Status.APPROVED, Comment.Status.PENDING

THREADS = {
    "what-a-relapse-rate-really-tells-you": [
        (
            "c1",
            None,
            "",
            "So a rate of 0.5 means I should expect a relapse every two years? "
            "That is not how my neurologist explained it.",
            "",
            A,
        ),
        (
            "c2",
            "c1",
            "amara",
            "On average across the group, yes. Your own risk depends on "
            "your history, which is why your neurologist is the better guide for you.",
            "a rate of 0.5 means I should expect a relapse every two years",
            A,
        ),
        (
            "c3",
            "c1",
            "Marek",
            "Averages are tricky. My trial group had two people with "
            "lots of relapses and most of us had none.",
            "",
            A,
        ),
        (
            "c4",
            "c3",
            "",
            "Same in mine. The headline figure felt like it was about someone else.",
            "",
            A,
        ),
        (
            "c5",
            "c4",
            "amara",
            "That is exactly why we ask for the proportion relapse-free.",
            "The headline figure felt like it was about someone else.",
            A,
        ),
        (
            "c6",
            None,
            "Joanna K",
            "Could you write about how relapses are confirmed? In my "
            "clinic it was a phone call and then a visit three weeks later.",
            "",
            A,
        ),
        (
            "c7",
            "c6",
            "lin",
            "Good idea for a follow-up post. Trials usually require an "
            "examination within a set number of days; routine clinics vary.",
            "how relapses are confirmed",
            A,
        ),
        (
            "c8",
            None,
            "",
            "Where can I read the statistical appendix you mention? Links "
            "welcome: https://example.org/trials/appendix",
            "",
            A,
        ),
        (
            "c9",
            "c8",
            "tomas",
            "Most journals publish it as supplementary material next to "
            "the paper. Look for 'Supplementary appendix' on the article page.",
            "",
            A,
        ),
        ("c10", "c8", "", "Thanks, found it. Forty pages!", "", A),
        ("c11", "c10", "Marek", "Page 12 is the one with the confirmed relapse definition.", "", A),
        (
            "c12",
            None,
            "Ruth",
            "Is a lower relapse rate always better if the drug has more side effects?",
            "",
            A,
        ),
        (
            "c13",
            "c12",
            "amara",
            "Not always. It is a trade-off you make with your team, "
            "and the answer differs between people.",
            "more side effects",
            A,
        ),
        (
            "c14",
            None,
            "",
            "First time commenting, long-time reader. Thank you for "
            "explaining this without jargon.",
            "",
            P,
        ),
    ],
    "questions-from-clinic-can-i-travel-on-treatment": [
        (
            "t1",
            None,
            "Sam",
            "I am scheduled for an infusion next spring and booked a trip "
            "the week after. Is that too close?",
            "",
            A,
        ),
        (
            "t2",
            "t1",
            "amara",
            "Ask your infusion nurse, but many people travel a week "
            "after. Plan for the tiredness that can follow the infusion.",
            "scheduled for an infusion next spring",
            A,
        ),
        ("t3", "t2", "Sam", "Thank you. I will ask about the tiredness too.", "", A),
        (
            "t4",
            None,
            "",
            "My insurer refused cover because of my diagnosis. Has anyone found one that does not?",
            "",
            A,
        ),
        (
            "t5",
            "t4",
            "Priya",
            "Specialist insurers exist; a patient charity keeps a list. "
            "Read the exclusions carefully.",
            "",
            A,
        ),
        (
            "t6",
            "t5",
            "",
            "Found one through the charity list. More expensive but it covers everything.",
            "",
            A,
        ),
        ("t7", None, "Ben", "Do I need a letter for the medicines in hand luggage?", "", A),
        (
            "t8",
            "t7",
            "moderator",
            "A letter from your team helps at security. The post above has a checklist.",
            "",
            A,
        ),
        (
            "t9",
            None,
            "",
            "Cheap pills here http://spam.example/buy http://spam.example/now "
            "http://spam.example/deal",
            "",
            P,
        ),
    ],
    "recruiting-now-the-exercise-and-fatigue-study": [
        ("r1", None, "Helen", "I live two hours away. Would the study still cover travel?", "", A),
        (
            "r2",
            "r1",
            "tomas",
            "Yes, within reason. Two hours each way is fine; we can also "
            "book sessions back to back.",
            "Would the study still cover travel?",
            A,
        ),
        ("r3", None, "", "What if I am too tired to finish a session?", "", A),
        (
            "r4",
            "r3",
            "tomas",
            "Then you stop. Sessions are adjusted to you, and stopping "
            "early is recorded, not penalised.",
            "",
            A,
        ),
        ("r5", "r4", "", "That is reassuring. I will sign up.", "", A),
        ("r6", None, "Olu", "Are the MRI scans shared with my own neurologist?", "", A),
        ("r7", "r6", "lin", "With your consent, yes. The consent form has a box for it.", "", A),
        ("r8", "r7", "Olu", "Great, thanks.", "", P),
        (
            "r9",
            None,
            "Dev",
            "Is there a version of the study for people who use a wheelchair?",
            "",
            A,
        ),
        (
            "r10",
            "r9",
            "tomas",
            "Yes: the programme has seated exercises and the fatigue "
            "measures are the same. Mention it when you get in touch.",
            "people who use a wheelchair",
            A,
        ),
        ("r11", "r10", "Dev", "Brilliant, I will.", "", A),
        (
            "r12",
            None,
            "",
            "Will the results be published even if the exercise does not help?",
            "",
            A,
        ),
        (
            "r13",
            "r12",
            "lin",
            "Yes. See our post on publishing negative results; the "
            "protocol is registered before the first participant starts.",
            "",
            A,
        ),
    ],
    "biosimilars-what-changes-for-you": [
        (
            "b1",
            None,
            "Nadia",
            "I was switched last month without being asked. Is that allowed?",
            "",
            A,
        ),
        (
            "b2",
            "b1",
            "amara",
            "Policies differ, but you should always be told. Please raise "
            "it with your team; it is a fair complaint.",
            "switched last month without being asked",
            A,
        ),
        ("b3", "b2", "Nadia", "Thank you. I have written to them.", "", A),
        (
            "b4",
            None,
            "",
            "Are biosimilars tested on people with this condition, or only "
            "on the original indication?",
            "",
            A,
        ),
        (
            "b5",
            "b4",
            "lin",
            "Usually in one indication, with the rest extrapolated from "
            "detailed lab and pharmacology comparisons. Regulators publish their reasoning.",
            "only on the original indication",
            A,
        ),
        ("b6", "b5", "", "So the extrapolation is the part to read. Thanks.", "", A),
        (
            "b7",
            "b6",
            "Marek",
            "The regulator's assessment report is long but readable. "
            "Start with the summary: https://example.org/assessment-report",
            "",
            A,
        ),
        (
            "b8",
            None,
            "Joe",
            "My injection pen is different now and I find it harder to use.",
            "",
            A,
        ),
        (
            "b9",
            "b8",
            "amara",
            "Ask for a device training session; most suppliers offer "
            "one, and nurses can show you tricks for weaker hands.",
            "harder to use",
            A,
        ),
        ("b10", "b9", "Joe", "Booked one for next week.", "", A),
        ("b11", None, "", "Who decides which biosimilar a hospital buys?", "", P),
        ("b12", "b11", "", "Usually a regional purchasing group, advised by clinicians.", "", P),
    ],
}


def seed_comments(posts: dict) -> int:
    """Add the demo threads to posts that have no comments yet; return how many."""
    users = {user.username: user for user in get_user_model().objects.filter(is_staff=True)}
    created = 0
    for slug, rows in THREADS.items():
        post = posts.get(slug)
        if post is None or post.comments.exists():
            continue
        made: dict[str, Comment] = {}
        when = post.published_at
        for index, (key, parent_key, name, text, quote, status) in enumerate(rows):
            when = when + datetime.timedelta(hours=3 + (index * 7) % 11, minutes=index * 13)
            user = users.get(name)
            made[key] = comment_create_as_is(
                post=post,
                parent=made.get(parent_key),
                body=text,
                quote=quote,
                status=status,
                submitted_at=when,
                source="demo content",
                author_name=_display(user) if user else name,
                author_email=""
                if user
                else (f"{name.lower().replace(' ', '.')}@example.org" if name else ""),
                user=user,
                role=role_on_post(user, post) if user else "",
            )
            created += 1
    return created


def _display(user) -> str:
    return account_name(user) or user.get_username()
