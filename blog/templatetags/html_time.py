"""``{{ moment|html_datetime }}``: a ``<time datetime>`` value HTML accepts.

Django's ``date:'c'`` writes microseconds when a time has them (every time a reader's
comment or a publish time taken from the clock has), and HTML allows at most three
digits of a second: the Nu HTML Checker rejects them. This writes whole seconds, in the
current time zone, as the comment thread does (``comments/thread.py``).
"""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(moment: datetime.datetime | None) -> str:
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.isoformat(timespec="seconds")
