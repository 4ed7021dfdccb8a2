"""Demo data for a first look: categories, staff accounts and a few complaints.

Safe to run again: every row is found by a natural key before it is created.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from complaints.models import Category, Channel, Complaint
from complaints.services import complaint_submit
from recovery.choices import Priority
from recovery.models import ApprovalLimit, SlaSettings
from shared.roles import AGENTS, MANAGERS

CATEGORIES = [
    ("Late or missing delivery", "Livraison en retard ou manquante", Priority.STANDARD),
    ("Damaged or faulty product", "Produit abîmé ou défectueux", Priority.STANDARD),
    ("Billing or refund", "Facturation ou remboursement", Priority.HIGH),
    ("Rude or unhelpful service", "Service impoli ou peu serviable", Priority.HIGH),
    ("Website or app problem", "Problème sur le site ou l'application", Priority.STANDARD),
    ("Something else", "Autre chose", Priority.STANDARD),
]

APPROVAL_LIMITS = [("EUR", Decimal("50.00")), ("GBP", Decimal("50.00"))]

ACCOUNTS = [
    ("agent", "Alex Martin", "agent@amends.localhost", "amends-agent", [AGENTS]),
    ("manager", "Camille Dubois", "manager@amends.localhost", "amends-manager", [MANAGERS]),
]

# (key, name, email, phone, category index, hours ago, language, channel, text, remedy, nps)
COMPLAINTS = [
    (
        "demo-1",
        "Jeanne Moreau",
        "jeanne.moreau@example.com",
        "+33612345678",
        0,
        30,
        "fr",
        Channel.WEB,
        "Ma commande est annoncée livrée depuis trois jours mais je n'ai rien reçu.",
        "Un nouvel envoi en express.",
        3,
    ),
    (
        "demo-2",
        "Sam Patel",
        "sam.patel@example.com",
        "+447700900123",
        1,
        5,
        "en",
        Channel.WEB,
        "The kettle I bought leaks from the base the first time I used it.",
        "A replacement, please.",
        5,
    ),
    (
        "demo-3",
        "Louis Bernard",
        "louis.bernard@example.com",
        "",
        2,
        20,
        "fr",
        Channel.PHONE,
        "J'ai été débité deux fois pour la même commande.",
        "Le remboursement du double paiement.",
        1,
    ),
    (
        "demo-4",
        "Maria Garcia",
        "maria.garcia@example.com",
        "+34612345678",
        3,
        50,
        "en",
        Channel.WEB,
        "The person at the counter laughed at me when I asked for help with my return.",
        "An apology.",
        0,
    ),
    (
        "demo-5",
        "Sam Patel",
        "sam.patel@example.com",
        "+447700900123",
        4,
        1,
        "en",
        Channel.WEB,
        "Now the website will not let me log in to see the order status.",
        "",
        None,
    ),
]


class Command(BaseCommand):
    help = "Load demo categories, staff accounts and complaints (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        SlaSettings.current()
        # What agents approve alone on a ticket; a limit a manager since changed is kept.
        for currency, limit in APPROVAL_LIMITS:
            ApprovalLimit.objects.get_or_create(currency=currency, defaults={"agent_limit": limit})
        categories = []
        for position, (name_en, name_fr, priority) in enumerate(CATEGORIES):
            category, _ = Category.objects.get_or_create(
                name_en=name_en,
                defaults={"name_fr": name_fr, "default_priority": priority, "position": position},
            )
            categories.append(category)

        users = {}
        User = get_user_model()
        for username, full_name, email, password, groups in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": email,
                    "first_name": full_name.split()[0],
                    "last_name": full_name.split()[-1],
                    "is_staff": username == "manager",
                },
            )
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(*Group.objects.filter(name__in=groups))
            users[username] = user

        now = timezone.now()
        made = 0
        for key, name, email, phone, cat, hours_ago, lang, channel, text, remedy, nps in COMPLAINTS:
            if Complaint.objects.filter(idempotency_key=key).exists():
                continue
            complaint_submit(
                name=name,
                email=email,
                phone=phone,
                category=categories[cat],
                description=text,
                remedy_sought=remedy,
                nps_at_intake=nps,
                consent_to_contact=True,
                channel=channel,
                language=lang,
                timezone_name="Europe/Paris",
                idempotency_key=key,
                logged_by=users["agent"] if channel == Channel.PHONE else None,
                submitted_at=now - timedelta(hours=hours_ago),
            )
            made += 1

        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({made} new complaints)."))
        self.stdout.write("Demo logins (change them before real use):")
        for username, _name, _email, password, groups in ACCOUNTS:
            self.stdout.write(f"  {groups[0][:-1]:8} {username} / {password}")
