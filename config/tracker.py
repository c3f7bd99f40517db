"""The optional error tracker: ERROR_TRACKER_DSN names a Sentry project (or any service
that speaks Sentry's protocol). Unset, nothing is loaded; set without the ``sentry-sdk``
package (``pip install '.[tracker]'``), the site refuses to start rather than lose errors.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def start_error_tracker() -> bool:
    dsn = getattr(settings, "ERROR_TRACKER_DSN", "")
    if not dsn:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
        from sentry_sdk.integrations.logging import ignore_logger
    except ImportError as error:
        raise ImproperlyConfigured(
            "ERROR_TRACKER_DSN is set but the sentry-sdk package is not installed "
            "(pip install '.[tracker]')."
        ) from error
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,  # readers' addresses and e-mails stay here
        traces_sample_rate=0.0,
    )
    # Scanners guessing host names are not errors of ours (one log line, config/logging.py).
    ignore_logger("django.security.DisallowedHost")
    return True
