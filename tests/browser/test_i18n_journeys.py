"""The signup, enrollment and invoice journeys in English and in Arabic: each page in the chosen language,
with the right lang and dir, and no serious or critical axe violation at 360 px (check_page)."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.waits import follow

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "en": {
        "create": "Create my personal space",
        "step1": "Step 1 of 2",
        "accept": "I accept the terms of use",
        "next": "Next",
        "step2": "Step 2 of 2",
        "activate": "Activate your space",
        "registration": "School registration, school year starting",
        "where": "Where your child is registered",
        "monday": "Monday",
        "no": "No",
        "confirm": "Confirm the registration",
        "active": "for school meals is active.",
        "invoices": "Invoices",
        "unpaid": "Invoice not paid",
        "pay_link": "Pay the invoice",
        "pay_heading": "Pay my invoice online",
        "simulator": "Payment simulator (demonstration)",
        "accept_payment": "Accept the payment",
        "paid_message": "Your payment of 42,00\xa0€ is recorded. Thank you.",
        "back": "Back to invoices",
        "paid": "Invoice paid",
    },
    "ar": {
        "create": "إنشاء فضائي الشخصي",
        "step1": "الخطوة 1 من 2",
        "accept": "أوافق على شروط الاستخدام العامة",
        "next": "التالي",
        "step2": "الخطوة 2 من 2",
        "activate": "فعّل فضاءك",
        "registration": "التسجيل المدرسي للسنة الدراسية",
        "where": "مكان تسجيل طفلك",
        "monday": "الاثنين",
        "no": "لا",
        "confirm": "تأكيد التسجيل",
        "active": "في المطعم المدرسي ساري المفعول.",
        "invoices": "الفواتير",
        "unpaid": "فاتورة غير مدفوعة",
        "pay_link": "دفع الفاتورة",
        "pay_heading": "دفع فاتورتي عبر الإنترنت",
        "simulator": "محاكي الدفع (عرض توضيحي)",
        "accept_payment": "قبول الدفع",
        "paid_message": "تم تسجيل دفعتك بمبلغ 42,00\xa0€. شكرًا لك.",
        "back": "العودة إلى الفواتير",
        "paid": "فاتورة مدفوعة",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ar"])


def in_language(page, live_server, language):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def expect_language(page, language):
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")


@LANGUAGES
def test_signup_in_english_and_arabic(page, live_server, check_page, cde11, language):
    words = WORDS[language]
    in_language(page, live_server, language)
    page.goto(f"{live_server.url}/cde11/")
    expect_language(page, language)
    check_page(page)
    page.locator("main").get_by_role("link", name=words["create"]).click()

    expect(page.get_by_text(words["step1"])).to_be_visible()
    expect_language(page, language)
    check_page(page)
    page.get_by_text(words["accept"]).click()
    page.locator("main").get_by_role("button", name=words["next"]).click()

    expect(page.get_by_text(words["step2"])).to_be_visible()
    check_page(page)
    page.locator("#id_civility").select_option("mme")
    page.locator("#id_last_name").fill("Haddad")
    page.locator("#id_first_name").fill("Yasmina")
    page.locator("#id_birth_date").fill("1985-05-17")
    page.locator("#id_street_number").fill("12")
    page.locator("#id_street_name").fill("rue de la Roquette")
    page.locator("#id_postcode").fill("75011")
    page.locator("#id_city").fill("Paris")
    page.locator("#id_email").fill(f"yasmina.{language}@example.fr")
    page.locator("#id_mobile_phone").fill("0612345678")
    page.locator("#id_password1").fill("Tartine2026")
    page.locator("#id_password1").dispatch_event("input")
    page.locator("#id_password2").fill("Tartine2026")
    page.locator("main").get_by_role("button", name=words["create"]).click()

    expect(page.get_by_role("heading", name=words["activate"])).to_be_visible()
    expect_language(page, language)
    check_page(page)


@LANGUAGES
def test_enrollment_in_english_and_arabic(page, live_server, check_page, cde11, parent_a, language):
    from tests.enrollment.conftest import open_school_year
    from tests.enrollment.factories import family
    from tests.schools.factories import SchoolFactory

    words = WORDS[language]
    open_school_year(cde11)
    SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")
    family(cde11, parent_a)
    in_language(page, live_server, language)
    login(page, live_server, parent_a)

    page.goto(f"{live_server.url}/cde11/mon-espace/inscription/")
    expect_language(page, language)
    check_page(page)
    page.get_by_role("link", name=words["registration"]).first.click()
    expect(page.get_by_role("heading", name=words["registration"])).to_be_visible()
    check_page(page)
    page.get_by_label(words["where"]).select_option(label="École élémentaire Keller")
    page.get_by_text(words["monday"], exact=True).click()
    page.get_by_text(words["no"], exact=True).click()
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_text(words["active"])).to_be_visible()
    expect_language(page, language)
    check_page(page)


@LANGUAGES
def test_paying_an_invoice_in_english_and_arabic(page, live_server, check_page, language):
    from refectoire.demo.payments import seed as seed_payments
    from tests.billing.factories import InvoiceFactory, household_of
    from tests.factories import CaisseFactory, UserFactory

    words = WORDS[language]
    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    parent = UserFactory(
        first_name="Yasmina", last_name="Haddad", email="yasmina@example.fr", language=language
    )
    seed_payments(stdout=io.StringIO())
    household = household_of(parent, caisse)
    InvoiceFactory(caisse=caisse, household=household, issued=True, number=40945, total=Decimal("42.00"))
    login(page, live_server, parent)  # no cookie: the account's language

    page.goto(f"{live_server.url}/cde11/mon-espace/factures/")
    expect_language(page, language)
    expect(page.get_by_role("heading", name=words["invoices"], exact=True)).to_be_visible()
    expect(page.get_by_text(words["unpaid"], exact=True).filter(visible=True).first).to_be_visible()
    check_page(page)

    follow(page.get_by_role("link", name="Restauration 40945 - Mars / Avril 2027"))
    check_page(page)
    follow(page.get_by_role("link", name=words["pay_link"]))
    expect(page.get_by_role("heading", name=words["pay_heading"])).to_be_visible()
    check_page(page)
    follow(page.get_by_role("button", name=words["pay_link"]))
    expect(page.get_by_role("heading", name=words["simulator"])).to_be_visible()
    check_page(page)
    follow(page.get_by_role("button", name=words["accept_payment"]))
    expect(page.get_by_text(words["paid_message"])).to_be_visible()
    expect_language(page, language)
    check_page(page)
    page.get_by_role("link", name=words["back"]).click()
    expect(page.get_by_text(words["paid"], exact=True).filter(visible=True).first).to_be_visible()
    check_page(page)


MENU_WORDS = {
    "en": {
        "title": "Menus",
        "course": "Main course:",
        "mark": "PAI warning: contains Peanuts",
        "allergens": "Allergens: Peanuts",
        "label": "Organic",
        "vegetarian": "Vegetarian meal",
    },
    "ar": {
        "title": "قوائم الطعام",
        "course": "الطبق الرئيسي:",
        "mark": "تنبيه خطة الاستقبال الفردية: يحتوي على الفول السوداني",
        "allergens": "مسببات الحساسية: الفول السوداني",
        "label": "عضوي",
        "vegetarian": "وجبة نباتية",
    },
}


@LANGUAGES
def test_the_menus_in_english_and_arabic(
    page, live_server, check_page, cde11, parent_a, agent_cde11, language
):
    """« Menus » of Mon espace and the public menu page: the courses, allergens, labels and PAI marks in
    the page's language (right to left in Arabic); a dish's name is the Caisse's French text, marked
    lang="fr" so a screen reader reads it with a French voice (docs/menus.md)."""
    from tests.browser.test_menus_journey import a_published_week_with_a_pai

    words = MENU_WORDS[language]
    a_published_week_with_a_pai(cde11, parent_a, agent_cde11)
    parent_a.language = language
    parent_a.save(update_fields=["language"])
    login(page, live_server, parent_a)
    page.goto(f"{live_server.url}/cde11/mon-espace/menus/")
    expect_language(page, language)
    main = page.locator("main")
    expect(main.get_by_role("heading", name=words["title"], level=1)).to_be_visible()
    expect(main.get_by_text(words["course"]).first).to_be_visible()
    expect(main.get_by_text(words["mark"], exact=True)).to_have_count(1)
    expect(main.get_by_text(words["allergens"]).first).to_be_visible()
    expect(main.get_by_text(words["label"]).first).to_be_visible()
    expect(main.get_by_text(words["vegetarian"]).first).to_be_visible()
    dish = main.locator(".refectoire-dish", has_text="Poulet aux cacahuètes")
    expect(dish).to_have_attribute("lang", "fr")
    assert "Plat" not in main.inner_text() and "Attention PAI" not in main.inner_text()
    check_page(page)

    # The public page, without login, in the language chosen (the cookie).
    page.context.clear_cookies()
    in_language(page, live_server, language)
    page.goto(f"{live_server.url}/cde11/menus/")
    expect_language(page, language)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="École élémentaire Keller").click()
    expect(page.locator("main").get_by_text(words["course"]).first).to_be_visible()
    expect(page.locator("main .refectoire-dish", has_text="Omelette")).to_have_attribute("lang", "fr")
    expect(page.locator("main").get_by_text(words["mark"])).to_have_count(0)
    check_page(page)
