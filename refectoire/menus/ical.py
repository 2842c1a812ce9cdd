"""The iCalendar feed of a school's published menus (RFC 5545): one all-day event per day with its
dishes, CRLF line ends, lines folded at 75 octets, a stable UID per group and day, a DTSTAMP."""

import datetime

from django.utils import timezone

from refectoire.menus.selectors import published_weeks_of_school, week_days


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continued by CRLF and one space
    (never inside a UTF-8 character)."""
    parts, current, size = [], "", 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1
            limit = 75
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def menus_calendar(*, caisse, school, start: datetime.date, end: datetime.date) -> str:
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Réfectoire//Menus//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape('Menus — ' + school.name)}",
    ]
    for week in published_weeks_of_school(caisse=caisse, school=school, start=start, end=end):
        for menu_day in week_days(week):
            description = "\n".join(
                f"{dish.get_course_display()} : {dish.name}"
                + (f" (allergènes : {dish.allergen_names})" if dish.allergens else "")
                for dish in menu_day.dishes
            )
            main = next((d.name for d in menu_day.dishes if d.course == "plat"), menu_day.dishes[0].name)
            lines += [
                "BEGIN:VEVENT",
                f"UID:menu-{week.group.uuid}-{menu_day.day:%Y%m%d}@refectoire",
                f"DTSTAMP:{stamp}",
                f"DTSTART;VALUE=DATE:{menu_day.day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{menu_day.day + datetime.timedelta(days=1):%Y%m%d}",
                f"SUMMARY:{escape('Menu : ' + main)}",
                f"DESCRIPTION:{escape(description)}",
                f"LOCATION:{escape(school.name)}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
