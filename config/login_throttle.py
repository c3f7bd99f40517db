"""Admin sign-in throttling: lock the pair (username, address), and the address alone only
after many more failures over a longer window.

django-axes counts failures per pair, so five wrong passwords for ``admin`` from one
address stop that address guessing ``admin`` for AXES_COOLOFF_MINUTES, while the real
admin signs in from anywhere else: nobody can lock staff out from afar. An address that
tries many usernames (spraying) is stopped once it has AXES_ADDRESS_FAILURE_LIMIT failures
within AXES_ADDRESS_WINDOW_HOURS, counted from axes's failure log, whatever the usernames.
"""

import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


class PairThenAddressHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        # axes marks a lockout only when the pair reaches its limit; the address's own
        # limit answers with the same lockout page.
        if request is not None and self.address_locked(request):
            request.axes_locked_out = True

    @staticmethod
    def address_locked(request) -> bool:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return False
        since = timezone.now() - datetime.timedelta(hours=settings.AXES_ADDRESS_WINDOW_HOURS)
        failures = AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since)
        return failures.count() >= settings.AXES_ADDRESS_FAILURE_LIMIT


def address_unlocks_at(address: str) -> datetime.datetime | None:
    """When an address locked by its own failure count is let in again: once enough of its
    failures have left the window to bring it under the limit. None if it is not locked."""
    window = datetime.timedelta(hours=settings.AXES_ADDRESS_WINDOW_HOURS)
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    times = list(
        AccessFailureLog.objects.filter(
            ip_address=address, attempt_time__gte=timezone.now() - window
        )
        .order_by("attempt_time")
        .values_list("attempt_time", flat=True)
    )
    if len(times) < limit:
        return None
    return times[len(times) - limit] + window


def pair_unlocks_at(request, credentials) -> datetime.datetime | None:
    """When the (username, address) pair's cool-off ends: counted from its last failure."""
    cool_off = get_cool_off(request)
    attempt = (
        AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=getattr(request, "axes_ip_address", None),
        )
        .order_by("-attempt_time")
        .first()
    )
    if cool_off is None or attempt is None:
        return None
    return attempt.attempt_time + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in lock page (``AXES_LOCKOUT_CALLABLE``): in the site's own style, saying how
    long to wait (the later of the two locks, when both hold)."""
    address = getattr(request, "axes_ip_address", None)
    address_at = address_unlocks_at(address) if address else None
    known = [when for when in (address_at, pair_unlocks_at(request, credentials)) if when]
    if known:
        unlocks_at = max(known)
    else:  # axes said locked, but neither lock's rows say until when: its cool-off from now
        unlocks_at = timezone.now() + (get_cool_off(request) or datetime.timedelta())
    context = {"unlocks_at": unlocks_at, "address_locked": address_at is not None}
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
