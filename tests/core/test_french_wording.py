"""French wording in one place: « Garde d'Elie » but « Garde de Hikari »; e-mail subjects
« [Caisse des écoles Paris 11e] Objet »."""

from refectoire.core.display import starts_with_vowel
from refectoire.core.mail import mail_subject


def test_a_first_name_beginning_with_a_vowel_takes_d_apostrophe():
    assert starts_with_vowel("Elie") and starts_with_vowel("Éloïse") and starts_with_vowel("inès")
    assert not starts_with_vowel("Hikari") and not starts_with_vowel("Marc") and not starts_with_vowel("")


def test_every_subject_has_the_caisse_in_brackets_first():
    assert mail_subject("Caisse des écoles Paris 11e", "Absence acceptée") == (
        "[Caisse des écoles Paris 11e] Absence acceptée"
    )


def test_every_select_offers_choisir_rather_than_dashes():
    from django import forms

    class Form(forms.Form):
        school = forms.ChoiceField(choices=[("", "---------"), ("keller", "École Keller")], required=False)
        kind = forms.TypedChoiceField(choices=[("a", "A")], required=False)

    html = str(Form()["school"])
    assert ">Choisir…</option>" in html and "---------" not in html
    assert ">École Keller</option>" in html
