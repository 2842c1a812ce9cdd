"""Demo: the FAQ of each Caisse (the 11e's from its guide; a sensible one for the 19e)."""

from refectoire.caisses.models import Caisse
from refectoire.messaging.models import FaqEntry
from refectoire.messaging.services import faq_entry_save

FAQ = {
    "cde11": [
        (
            "J'ai effectué une inscription en ligne, dois-je compléter un document papier en septembre auprès "
            "de l'école pour que mes enfants mangent ?",
            "Non, l'inscription en ligne vous dispense de toutes autres démarches d'inscription.",
        ),
        (
            "J'ai fait une erreur lors de l'inscription en ligne, comment corriger ?",
            "Vous avez la possibilité de demander une correction via votre espace famille (Mes demandes, "
            "« Demander une correction ») ou par mail : dossier@cdeparis11.fr",
        ),
        (
            "Je souhaite changer les jours de fréquentation de la cantine de mon enfant. Est-ce possible ?",
            "Oui, par le biais de votre espace, vous avez la possibilité de changer le rythme.\n\n"
            "Après validation par nos services, cette demande sera prise en compte au début de la période de "
            "facturation suivante.",
        ),
        (
            "Mon enfant a été absent deux jours pour cause de maladie, puis-je être remboursé des frais de "
            "cantine ?",
            "Non, cela n'est pas possible.\n\n"
            "Le règlement intérieur stipule dans son article 8 les conditions requises pour obtenir un "
            "remboursement : maladie ayant entraîné une absence d'au moins 3 jours consécutifs à la restauration "
            "scolaire. Une demande de remboursement visée par le responsable de l'établissement scolaire et "
            "accompagnée de l'original du certificat médical (sans rature ni surcharge) sera à transmettre à la "
            "Caisse des écoles dans un délai de 30 jours.",
        ),
        (
            "Je déménage et je quitte l'arrondissement. Qui dois-je prévenir ?",
            "Il faut prévenir les services de la Caisse des écoles, via votre portail (« Radiation / "
            "déménagement ») ou par mail : dossier@cdeparis11.fr\n\n"
            "Votre demande doit être accompagnée d'un certificat de radiation.",
        ),
    ],
    "cde19": [
        (
            "Comment inscrire mon enfant à la restauration scolaire ?",
            "Depuis votre espace personnel, déclarez votre foyer (entourage) puis inscrivez chaque enfant pour "
            "l'année scolaire : établissement et jours de fréquentation.",
        ),
        (
            "Je n'ai pas demandé de tarif : combien vais-je payer ?",
            "Sans tarif calculé, le tarif 10 s'applique (7,00\xa0€ par repas). Faites votre demande de tarif avec "
            "votre justificatif de ressources pour bénéficier du tarif correspondant à votre quotient familial.",
        ),
        (
            "Mon enfant est en garde alternée, comment l'inscrire ?",
            "Chaque parent inscrit l'enfant depuis son propre espace et joint le calendrier de garde (PDF). "
            "Chacun reçoit la facture de ses semaines.",
        ),
        (
            "Mon enfant a été malade, puis-je être remboursé ?",
            "Oui, pour une absence d'au moins 3 jours consécutifs de cantine : envoyez une demande de "
            "« Remboursement pour maladie » avec le certificat médical dans les 30 jours qui suivent le dernier "
            "jour d'absence.",
        ),
        (
            "Ma situation change (adresse, ressources, séparation) : que faire ?",
            "Faites une demande « Changement de situation » depuis votre espace, avec le justificatif. Après "
            "validation, votre dossier est mis à jour.",
        ),
    ],
}


# The English and Arabic versions the agents wrote for some questions (the others show in French).
FAQ_TRANSLATIONS = {
    "Comment inscrire mon enfant à la restauration scolaire ?": {
        "question_en": "How do I register my child for school meals?",
        "answer_en": "From your personal space, declare your household, then register each child for the "
        "school year: school and days.",
        "question_ar": "كيف أسجّل طفلي في المطعم المدرسي؟",
        "answer_ar": "من فضائك الشخصي، صرّح بأسرتك ثم سجّل كل طفل للسنة الدراسية: المؤسسة وأيام الحضور.",
    },
    "J'ai fait une erreur lors de l'inscription en ligne, comment corriger ?": {
        "question_en": "I made a mistake in the online registration: how do I correct it?",
        "answer_en": "Ask for a correction from your family space (My requests, « Ask for a correction ») or "
        "by e-mail: dossier@cdeparis11.fr",
        "question_ar": "أخطأت أثناء التسجيل عبر الإنترنت، كيف أصحّح الخطأ؟",
        "answer_ar": "اطلب تصحيحًا من فضاء الأسرة (طلباتي، « طلب تصحيح ») أو بالبريد الإلكتروني: "
        "dossier@cdeparis11.fr",
    },
}


def seed(*, stdout):
    for slug, entries in FAQ.items():
        caisse = Caisse.objects.filter(slug=slug).first()
        if caisse is None:
            continue
        for position, (question, answer) in enumerate(entries, start=1):
            if not FaqEntry.objects.filter(caisse=caisse, question=question).exists():
                faq_entry_save(
                    caisse=caisse,
                    question=question,
                    answer=answer,
                    position=position,
                    **FAQ_TRANSLATIONS.get(question, {}),
                )
    stdout.write("  FAQ des Caisses : cde11, cde19")
