"""The weekly menu as a PDF, A4 landscape, for the school's door (WeasyPrint, from a template)."""

from django.template.loader import render_to_string

from refectoire.menus.enums import Course
from refectoire.menus.selectors import week_days


def week_context(week) -> dict:
    days = week_days(week)
    courses = [
        (label, [[dish for dish in day.dishes if dish.course == code] for day in days])
        for code, label in Course.choices
        if any(dish.course == code for day in days for dish in day.dishes)
    ]
    return {"week": week, "days": days, "courses": courses, "caisse": week.group.caisse}


def menu_week_pdf(week) -> bytes:
    from weasyprint import HTML  # reason: loads native libraries (pango) for PDFs only, not every process

    return HTML(string=render_to_string("menus/week_pdf.html", week_context(week))).write_pdf()
