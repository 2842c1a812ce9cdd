"""Invoice PDF through the parent's view (`./dev bench pdf`), against its floor.

A fresh SQLite database (bench.machine.django_setup) holds a parent, a household of three children
and an issued invoice of two months (six lines with their days). Through Django's test client,
logged in as the parent, the portal's PDF view is asked once (the first render of the process),
then ROUNDS times; the floor is WeasyPrint writing the same HTML with the same parsed stylesheet
and fonts (the layout alone: no request, no query, no template), measured in the same process,
interleaved with the view. For comparison, « per render » is what every render cost before the
stylesheet and the fonts were kept: a new font configuration and the stylesheet parsed each time.
Goal of issue 16: p95 ≤ 150 ms through the view.
"""

from __future__ import annotations

import datetime
import statistics
import time
from decimal import Decimal

ROUNDS = 40


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _data():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from refectoire.billing.models import InvoiceLine
    from tests.billing.factories import BillingPeriodFactory, ChildFactory, InvoiceFactory, household_of
    from tests.factories import CaisseFactory, UserFactory

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    parent = UserFactory(email="parent@example.fr")
    household = household_of(parent, caisse)
    period = BillingPeriodFactory(caisse=caisse)
    invoice = InvoiceFactory(
        caisse=caisse, household=household, period=period, issued=True, total=Decimal("0")
    )
    total = Decimal("0.00")
    days = [
        period.start_date + datetime.timedelta(days=offset)
        for offset in range((period.end_date - period.start_date).days + 1)
        if (period.start_date + datetime.timedelta(days=offset)).isoweekday() in (1, 2, 4, 5)
    ]
    position = 0
    for index in range(3):
        child = ChildFactory(household=household)
        for half, unit in (
            (days[: len(days) // 2], Decimal("2.28")),
            (days[len(days) // 2 :], Decimal("3.14")),
        ):
            amount = unit * len(half)
            total += amount
            InvoiceLine.objects.create(
                invoice=invoice,
                position=position,
                child=child,
                label=f"{child.first_name} {child.last_name.upper()}",
                meals=len(half),
                unit_price=unit,
                amount=amount,
                days=[day.isoformat() for day in half],
                bracket_number=4 + index,
                reason=f"Tarif {4 + index}",
            )
            position += 1
    invoice.total = total
    invoice.save(update_fields=["total"])
    return caisse, parent, invoice


def run() -> None:
    from bench.machine import describe, django_setup, load_sentence, write_section

    django_setup()
    import os

    from django.conf import settings
    from django.template.loader import render_to_string
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    from refectoire.billing import pdf
    from refectoire.billing.selectors import invoice_detail_context
    from refectoire.caisses.urls import caisse_reverse

    caisse, parent, invoice = _data()
    client = Client()
    client.force_login(parent)
    url = caisse_reverse(caisse, "portal:invoice_pdf", kwargs={"invoice_uuid": invoice.uuid})

    def view_once() -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise RuntimeError(f"the PDF view answered {response.status_code}")
        return elapsed

    first = view_once()
    html = render_to_string("billing/invoice_pdf.html", invoice_detail_context(invoice))
    html_class, stylesheet, fonts = pdf._weasyprint()
    css = pdf.STYLESHEET.read_text()

    def floor_once() -> float:
        started = time.perf_counter()
        html_class(string=html).write_pdf(stylesheets=[stylesheet], font_config=fonts)
        return time.perf_counter() - started

    def per_render_once() -> float:
        from weasyprint import CSS  # reason: the comparison only
        from weasyprint.text.fonts import FontConfiguration  # reason: same

        started = time.perf_counter()
        fresh = FontConfiguration()
        html_class(string=html).write_pdf(stylesheets=[CSS(string=css, font_config=fresh)], font_config=fresh)
        return time.perf_counter() - started

    views, floors, per_render = [], [], []
    for _round in range(ROUNDS):
        views.append(view_once())
        floors.append(floor_once())
        per_render.append(per_render_once())
    load = os.getloadavg()[0]

    def ms(value):
        return f"{value * 1000:.0f} ms"

    p95_view, p95_floor = _percentile(views, 0.95), _percentile(floors, 0.95)
    print(
        f"pdf: view p50 {ms(statistics.median(views))} p95 {ms(p95_view)}; floor p95 {ms(p95_floor)}; "
        f"ratio {p95_view / p95_floor:.2f}; first {ms(first)}; per render p95 {ms(_percentile(per_render, 0.95))}"
    )
    lines = [
        "## PDF d'une facture (pdf)",
        "",
        "`./dev bench pdf`: the portal's PDF view (`portal:invoice_pdf`, Django's test client, logged "
        "in as the parent, SQLite) for an invoice of three children over two months (six lines and "
        f"their days), {ROUNDS} times after a first render; the floor is WeasyPrint writing the same "
        "HTML with the same stylesheet and fonts (the layout alone), interleaved with the view in the "
        "same process. « Per render » is what each render cost when the fonts and the stylesheet were "
        "made again every time (before issue 16).",
        "",
        f"Machine: {describe()}; {load_sentence(load)}.",
        "",
        "| measure | p50 | p95 |",
        "| --- | ---: | ---: |",
        f"| through the view | {ms(statistics.median(views))} | {ms(p95_view)} |",
        f"| floor (WeasyPrint layout of the same HTML) | {ms(statistics.median(floors))} | {ms(p95_floor)} |",
        f"| per render (fonts and stylesheet made again) | {ms(statistics.median(per_render))} | "
        f"{ms(_percentile(per_render, 0.95))} |",
        "",
        f"View ÷ floor at p95: {p95_view / p95_floor:.2f}×. First render in the process (fonts, "
        f"stylesheet, templates loaded): {ms(first)}. Goal of issue 16: p95 ≤ 150 ms through the view.",
    ]
    write_section("pdf", "\n".join(lines))


if __name__ == "__main__":
    run()
