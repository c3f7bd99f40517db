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
from axes.models import AccessFailureLog
from django.conf import settings
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
