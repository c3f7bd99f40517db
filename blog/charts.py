"""A post's views by day as a small server-rendered SVG bar chart (no JS, no library)."""

import datetime

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

BAR_WIDTH = 14
GAP = 4
HEIGHT = 120
LABEL_SPACE = 34


def views_chart(days: list[tuple[datetime.date, int]]) -> SafeString:
    """Bars for each (date, count), weekday under each bar, the record day marked."""
    if not days:
        return format_html("<p>{}</p>", "No views recorded yet.")
    top = max(count for _, count in days)
    # A day with no views sets no record: an empty chart marks no bar.
    record_date = max(days, key=lambda day: (day[1], day[0]))[0] if top else None
    width = len(days) * (BAR_WIDTH + GAP) + GAP
    bars = []
    for index, (date, count) in enumerate(days):
        x = GAP + index * (BAR_WIDTH + GAP)
        bar_height = round(count / (top or 1) * (HEIGHT - 16))
        weekday = WEEKDAYS_ABBR[date.weekday()]
        centre = x + BAR_WIDTH / 2
        bars.append(
            (
                x, HEIGHT - bar_height, BAR_WIDTH, bar_height,
                "#b4461f" if date == record_date else "#3c6e91",
                f"{weekday} {date:%d %b %Y}: "
                + ngettext("%(count)d view", "%(count)d views", count) % {"count": count},
                centre, HEIGHT + 12, str(weekday)[:2],
                centre, HEIGHT + 24, date.day,
            )
        )  # fmt: skip
    body = format_html_join(
        "",
        '<g><rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
        '<text x="{}" y="{}" font-size="9" text-anchor="middle">{}</text>'
        '<text x="{}" y="{}" font-size="8" text-anchor="middle" fill="#666">{}</text></g>',
        bars,
    )
    if record_date is None:
        label = "Views per day; no views recorded yet"
    else:
        label = (
            f"Views per day; record {top} on "
            f"{WEEKDAYS_ABBR[record_date.weekday()]} {record_date:%d %b %Y}"
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{}" height="{}" '
        'viewBox="0 0 {} {}" aria-label="{}">{}</svg>',
        width,
        HEIGHT + LABEL_SPACE,
        width,
        HEIGHT + LABEL_SPACE,
        label,
        body,
    )
