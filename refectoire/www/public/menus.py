"""The Caisse's public menus (no login): choose a school, read this week's and next week's published
menus, download a week as a PDF (A4 landscape, for the school's door), subscribe to a school's
iCalendar feed."""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from refectoire.menus.ical import menus_calendar
from refectoire.menus.models import MenuWeek
from refectoire.menus.pdf import menu_week_pdf
from refectoire.menus.selectors import monday_of
from refectoire.schools.models import School
from refectoire.www.common.menus import shown_weeks


def _schools(request):
    return (
        School.objects.for_caisse(request.caisse)
        .filter(menu_groups__isnull=False)
        .distinct()
        .order_by("name")
    )


def menus(request):
    schools = _schools(request)
    return render(request, "public/menus.html", {"schools": schools})


def school_menus(request, school_uuid):
    school = get_object_or_404(_schools(request), uuid=school_uuid)
    weeks = shown_weeks(request.caisse, school, timezone.localdate())
    feed_url = request.build_absolute_uri(reverse("public:menus_feed", kwargs={"school_uuid": school.uuid}))
    return render(
        request, "public/school_menus.html", {"school": school, "weeks": weeks, "feed_url": feed_url}
    )


def menus_feed(request, school_uuid):
    school = get_object_or_404(_schools(request), uuid=school_uuid)
    today = timezone.localdate()
    body = menus_calendar(
        caisse=request.caisse,
        school=school,
        start=monday_of(today) - datetime.timedelta(days=28),
        end=today + datetime.timedelta(days=62),
    )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="menus.ics"'
    return response


def menu_week_pdf_view(request, week_uuid):
    week = get_object_or_404(
        MenuWeek.objects.for_caisse(request.caisse).published().select_related("group__caisse"),
        uuid=week_uuid,
    )
    response = HttpResponse(menu_week_pdf(week), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="menus-{week.monday:%d-%m-%Y}.pdf"'
    return response
