import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from refectoire.households.enums import HouseholdState
from refectoire.stays.enums import ChoiceState, RequiredDocument
from refectoire.stays.services import stay_application_attach_document, stay_application_submit
from tests.stays.factories import HolidayStayFactory, family, pdf_upload

pytestmark = pytest.mark.django_db


def pdf(name="fiche.pdf"):
    return pdf_upload(name)


def test_three_ranked_choices_are_recorded_with_a_log_row_each(cde11, parent_a):
    household, (child,) = family(cde11, user=parent_a)
    stays = [HolidayStayFactory(caisse=cde11) for _ in range(3)]
    application = stay_application_submit(household=household, child=child, stays=stays, user=parent_a)
    choices = list(application.choices.order_by("rank"))
    assert [c.stay for c in choices] == stays
    assert [c.rank for c in choices] == [1, 2, 3]
    assert all(c.state == ChoiceState.SUBMITTED and c.events.count() == 1 for c in choices)


def test_more_than_three_choices_or_twice_the_same_stay_are_refused(cde11, parent_a):
    household, (child,) = family(cde11, user=parent_a)
    stays = [HolidayStayFactory(caisse=cde11) for _ in range(4)]
    with pytest.raises(ValidationError, match="Trois choix"):
        stay_application_submit(household=household, child=child, stays=stays, user=parent_a)
    with pytest.raises(ValidationError, match="deux fois"):
        stay_application_submit(household=household, child=child, stays=[stays[0], stays[0]], user=parent_a)


def test_a_second_application_for_the_same_child_and_stay_is_refused(cde11, parent_a):
    household, (child,) = family(cde11, user=parent_a)
    stay = HolidayStayFactory(caisse=cde11)
    stay_application_submit(household=household, child=child, stays=[stay], user=parent_a)
    with pytest.raises(ValidationError, match="déjà en cours"):
        stay_application_submit(household=household, child=child, stays=[stay], user=parent_a)


def test_a_household_not_yet_validated_cannot_apply(cde11, parent_a):
    household, (child,) = family(cde11, user=parent_a)
    household.state = HouseholdState.SUBMITTED
    household.save()
    with pytest.raises(ValidationError, match="validé"):
        stay_application_submit(
            household=household, child=child, stays=[HolidayStayFactory(caisse=cde11)], user=parent_a
        )


def test_missing_documents_are_those_required_and_not_attached(cde11, parent_a):
    household, (child,) = family(cde11, user=parent_a)
    stay = HolidayStayFactory(caisse=cde11, requires_health_form=True, requires_vaccination=True)
    application = stay_application_submit(
        household=household,
        child=child,
        stays=[stay],
        user=parent_a,
        documents={RequiredDocument.HEALTH_FORM: pdf()},
    )
    assert application.missing_documents() == [RequiredDocument.VACCINATION]
    stay_application_attach_document(
        application=application,
        kind=RequiredDocument.VACCINATION,
        uploaded_file=pdf("vaccins.pdf"),
        user=parent_a,
    )
    assert application.missing_documents() == []
    assert application.documents.first().document.household == household


def test_a_document_that_is_not_a_pdf_or_image_is_refused(cde11, parent_a):
    household, (child,) = family(cde11, user=parent_a)
    application = stay_application_submit(
        household=household, child=child, stays=[HolidayStayFactory(caisse=cde11)], user=parent_a
    )
    with pytest.raises(ValidationError):
        stay_application_attach_document(
            application=application,
            kind=RequiredDocument.HEALTH_FORM,
            uploaded_file=SimpleUploadedFile("fiche.pdf", b"MZ not a pdf"),
            user=parent_a,
        )
    assert application.documents.count() == 0
