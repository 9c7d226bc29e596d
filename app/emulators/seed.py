"""Deterministic seed data: a sales rep's mailbox and a Salesforce org that knows their contacts.

``generate(items=500, seed=0)`` gives the same data for the same arguments
(and the same ``anchor`` day): ``items`` emails over 30 days in Inbox and Sent,
with events, address-book contacts and tasks in proportion (40, 60 and 20 per
500 emails), an org whose Contacts and Leads match most correspondents, and
the troublesome items a real mailbox has (see ``TROUBLESOME`` and
docs/emulators.md).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.emulators.base import (
    SeedContact,
    SeedCrmAccount,
    SeedCrmPerson,
    SeedData,
    SeedEvent,
    SeedMessage,
    SeedOrg,
    SeedPerson,
    SeedTask,
)

OWNER = SeedPerson("alex.morgan@example.com", "Alex Morgan")
INTERNAL_DOMAIN = "example.com"

FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Marco",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiko",
    "Bruno",
    "Chloe",
    "Diego",
    "Emma",
    "Felix",
    "Greta",
    "Hamid",
    "Ivy",
    "Jakub",
    "Kira",
    "Luca",
    "Maya",
    "Nils",
    "Olga",
    "Pablo",
    "Rhea",
    "Samir",
    "Tess",
    "Ugo",
    "Vera",
    "Will",
    "Yara",
]
LAST = [
    "Adams",
    "Becker",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Vargas",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Alvarez",
    "Brandt",
    "Castillo",
    "Dahl",
    "Engel",
    "Fontaine",
    "Gruber",
    "Haas",
    "Ivanova",
    "Janssen",
    "Keller",
    "Lindqvist",
    "Meyer",
    "Nielsen",
]
COMPANIES = (
    "Acme Robotics",
    "Blue Harbor Logistics",
    "Cedar & Finch",
    "Delta Dynamics",
    "Evergreen Foods",
    "Falcon Analytics",
    "Granite Works",
    "Helios Energy",
    "Ironbridge Capital",
    "Juniper Health",
    "Kestrel Aerospace",
    "Lumen Retail",
    "Meridian Travel",
    "Northwind Traders",
    "Orchid Pharma",
    "Pioneer Freight",
    "Quartz Media",
    "Riverstone Bank",
    "Summit Outdoor",
    "Tidewater Marine",
)
SUBJECTS = (
    "Quote for {co}",
    "Follow-up on our call",
    "Renewal terms for {year}",
    "Meeting notes: {co}",
    "Re: pricing question",
    "Proposal v{n}",
    "Contract draft for review",
    "Intro: {co} and us",
    "Re: delivery schedule",
    "Invoice {n} query",
    "Demo next week?",
    "Re: onboarding plan",
    "Budget approval update",
    "Re: Re: pilot results",
    "Question about the SLA",
)
BODY_LINES = (
    "Thanks for the quick reply.",
    "Could you send the updated figures by Friday?",
    "I have looped in our procurement team.",
    "Let us find a slot for a call next week.",
    "Attached is the revised proposal.",
    "We are aligned on the scope.",
    "Please confirm the delivery address.",
    "The pilot went well; the team is happy.",
    "Can we revisit the payment terms?",
    "Looking forward to working together.",
)
EVENT_SUBJECTS = ("Discovery call", "Quarterly review", "Product demo", "Negotiation", "Kick-off")


@dataclass(frozen=True)
class Troublesome:
    """A seeded item that must produce a specific outcome (documented in docs/emulators.md)."""

    item_id: str
    kind: str  # message, contact, event
    description: str
    expected: str  # catalogue code or outcome the demo's first sync should show


TROUBLESOME: tuple[Troublesome, ...] = (
    Troublesome(
        "contact-nolastname",
        "contact",
        "address-book contact with no last name",
        "DATA_REQUIRED_FIELD_MISSING (mark: Sync Error: Last Name missing)",
    ),
    Troublesome("msg-malformed", "message", "sender address with two @ signs", "IGN_INVALID_ADDRESS"),
    Troublesome("msg-group-info", "message", "mail from info@ a customer", "IGN_GROUP_ADDRESS"),
    Troublesome("msg-group-noreply", "message", "mail from noreply@ a customer", "IGN_GROUP_ADDRESS"),
    Troublesome(
        "msg-long-subject",
        "message",
        "subject of 300 characters",
        "synced, subject truncated to 255 with a note",
    ),
    Troublesome(
        "contact-duplicate",
        "contact",
        "contact whose address belongs to an existing Lead",
        "Salesforce DUPLICATES_DETECTED (duplicate rule)",
    ),
    Troublesome(
        "msg-validation",
        "message",
        "subject containing [BLOCKED]",
        "Salesforce FIELD_CUSTOM_VALIDATION_EXCEPTION (validation rule)",
    ),
    Troublesome(
        "msg-rowlock",
        "message",
        "mail to a Contact whose record is locked once",
        "UNABLE_TO_LOCK_ROW on the first try, synced on the retry",
    ),
    Troublesome(
        "msg-legacy-charset",
        "message",
        "subject in ISO-8859-1 (encoded-word on the wire)",
        "synced with the subject decoded correctly",
    ),
    Troublesome(
        "msg-deleted-contact",
        "message",
        "mail to a Contact deleted in Salesforce after matching",
        "Salesforce ENTITY_IS_DELETED",
    ),
    Troublesome("msg-bounce", "message", "delivery failure report from MAILER-DAEMON", "IGN_BOUNCED"),
    Troublesome("msg-internal", "message", "mail between two colleagues only", "IGN_INTERNAL_ONLY"),
    Troublesome("msg-empty-sender", "message", "mail with an empty sender address", "IGN_EMPTY_ADDRESS"),
)


def sf_id(prefix: str, n: int) -> str:
    """A well-formed 18-character Salesforce id: key prefix, pod digits, number, case-safe suffix."""
    base = f"{prefix}5g000{n:07d}"
    return base + _suffix(base)


def _suffix(fifteen: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    out = ""
    for chunk in range(3):
        bits = 0
        for i, ch in enumerate(fifteen[chunk * 5 : chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        out += alphabet[bits]
    return out


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _domain(company: str) -> str:
    return _slug(company.split()[0]) + "-" + _slug(company.split()[-1]) + ".example"


def generate(items: int = 500, seed: int = 0, anchor: datetime | None = None) -> SeedData:
    """Build the seeded mailbox and org; ``items`` is the number of emails (>= 50)."""
    if items < 50:
        raise ValueError("the seed needs at least 50 emails to hold its troublesome items")
    rng = random.Random(seed)
    now = (anchor or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
    n_people = max(40, items // 3)

    org = SeedOrg(username="alex.morgan@example.com.demo", user_id=sf_id("005", 1))
    for i, company in enumerate(COMPANIES):
        org.accounts.append(SeedCrmAccount(sf_id("001", i + 1), company))
    people: list[tuple[SeedPerson, str, str, str]] = []  # person, first, last, company
    used: set[str] = set()
    while len(people) < n_people:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = rng.choice(COMPANIES)
        address = f"{first}.{last}@{_domain(company)}".lower()
        if address in used:
            address = f"{first}.{last}{len(people)}@{_domain(company)}".lower()
        used.add(address)
        people.append((SeedPerson(address, f"{first} {last}"), first, last, company))

    # Most correspondents are Contacts, some Leads, the rest unknown to Salesforce.
    account_ids = {a.name: a.id for a in org.accounts}
    for i, (person, first, last, company) in enumerate(people):
        roll = i % 20
        if roll < 15:
            org.people.append(
                SeedCrmPerson(
                    sf_id("003", i + 1),
                    "Contact",
                    first,
                    last,
                    person.address,
                    account_id=account_ids[company],
                )
            )
        elif roll < 18:
            org.people.append(SeedCrmPerson(sf_id("00Q", i + 1), "Lead", first, last, person.address, company=company))

    data = SeedData(owner=OWNER, org=org)
    contacts_in_org = [p for p in org.people if p.object_type == "Contact"]
    # The first four Contacts play parts in the troublesome items (a row lock, a deletion...);
    # ordinary mail, meetings and address-book entries leave them alone.
    ordinary = contacts_in_org[4:] or contacts_in_org
    special = {p.email for p in contacts_in_org[:4]}
    others = [p for p, *_ in people if p.address not in special] or [p for p, *_ in people]
    by_address = {p.address: p for p, *_ in people}
    company_of = {p.address: c for p, _, _, c in people}

    for i in range(items):
        person = by_address[rng.choice(ordinary).email] if rng.random() < 0.85 else rng.choice(others)
        inbound = rng.random() < 0.6
        sent = now - timedelta(days=rng.random() * 30)
        company = company_of[person.address]
        subject = rng.choice(SUBJECTS).format(co=company, year=now.year + 1, n=rng.randint(2, 999))
        body = " ".join(rng.sample(BODY_LINES, 3))
        data.messages.append(
            SeedMessage(
                id=f"msg-{i:06d}",
                folder="inbox" if inbound else "sent",
                subject=subject,
                body=f"Hi {person.name.split()[0] if not inbound else OWNER.name.split()[0]},\n\n{body}\n",
                sender=person if inbound else OWNER,
                to=[OWNER] if inbound else [person],
                sent_at=sent,
                internet_message_id=f"<{hashlib.sha1(f'{seed}-{i}'.encode()).hexdigest()[:20]}@mail.example>",
            )
        )

    n_events, n_contacts, n_tasks = (max(4, items * k // 500) for k in (40, 60, 20))
    for i in range(n_events):
        person = by_address[rng.choice(ordinary).email]
        start = now - timedelta(days=rng.random() * 30) + timedelta(hours=9 + rng.randint(0, 7))
        data.events.append(
            SeedEvent(
                id=f"evt-{i:05d}",
                subject=f"{rng.choice(EVENT_SUBJECTS)} with {person.name}",
                body="Agenda: status, next steps.",
                start=start,
                end=start + timedelta(minutes=30 * rng.randint(1, 4)),
                organizer=OWNER,
                attendees=[person],
                location=rng.choice(("Teams", "Phone", "Their office")),
            )
        )
    # A weekly meeting with a customer: ten weeks back (older than a 30-day window) to ten weeks
    # ahead, one occurrence moved by an hour (an exception).
    regular = by_address[ordinary[-1].email]
    series_start = (now - timedelta(weeks=10)).replace(hour=15, minute=0, second=0, microsecond=0)
    data.series.append(
        SeedEvent(
            id="evt-series-weekly",
            subject=f"Weekly pipeline review with {regular.name}",
            body="Standing agenda: open opportunities, blockers.",
            start=series_start,
            end=series_start + timedelta(minutes=30),
            organizer=OWNER,
            attendees=[regular],
            location="Teams",
            weekly=20,
            moved=11,
            note="a recurring series: each occurrence in the window becomes an Event",
        )
    )
    leads = {p.email for p in org.people if p.object_type == "Lead"}
    book = [p for p in people if p[0].address not in leads] or people  # Lead look-alikes: contact-duplicate only
    for i in range(n_contacts):
        person, first, last, company = book[(i + 4) % len(book)]
        data.contacts.append(
            SeedContact(
                id=f"con-{i:05d}",
                first_name=first,
                last_name=last,
                email=person.address,
                company=company,
                phone=f"+1 555 01{rng.randint(0, 99):02d}",
                title=rng.choice(("Buyer", "CTO", "Head of Ops", "")),
            )
        )
    for i in range(n_tasks):
        data.tasks.append(
            SeedTask(
                id=f"tsk-{i:05d}",
                subject=f"Send follow-up to {people[i % len(people)][0].name}",
                body="Include the pricing sheet.",
                due=now + timedelta(days=rng.randint(-5, 10)),
                status=rng.choice(("notStarted", "inProgress", "completed")),
            )
        )
    _add_troublesome(data, people, now)
    return data


def _add_troublesome(data: SeedData, people: list[tuple[SeedPerson, str, str, str]], now: datetime) -> None:
    org = data.org
    contacts = [p for p in org.people if p.object_type == "Contact"]
    leads = [p for p in org.people if p.object_type == "Lead"]
    recent = now - timedelta(days=1)
    customer = SeedPerson(contacts[0].email, f"{contacts[0].first_name} {contacts[0].last_name}")

    def message(mid: str, note: str, **kw: object) -> None:
        fields: dict[str, object] = dict(
            id=mid,
            folder="inbox",
            subject="Hello",
            body="Hi Alex,\n\nSee below.\n",
            sender=customer,
            to=[OWNER],
            sent_at=recent,
            internet_message_id=f"<{mid}@mail.example>",
            note=note,
        )
        fields.update(kw)
        data.messages.append(SeedMessage(**fields))  # type: ignore[arg-type]

    domain = contacts[1].email.split("@")[1]
    message("msg-malformed", "IGN_INVALID_ADDRESS", sender=SeedPerson(f"jordan.lee@@{domain}", "Jordan Lee"))
    message("msg-group-info", "IGN_GROUP_ADDRESS", sender=SeedPerson(f"info@{domain}", "Info"))
    message("msg-group-noreply", "IGN_GROUP_ADDRESS", sender=SeedPerson(f"noreply@{domain}", "Notifications"))
    message(
        "msg-long-subject",
        "truncated subject",
        subject="Detailed requirements for the regional roll-out " + "and its phases " * 18,
    )
    message(
        "msg-validation",
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        subject=f"{org.validation_subject_marker} internal pricing sheet",
    )
    locked = contacts[2]
    locked.lock_once = True
    message(
        "msg-rowlock",
        "UNABLE_TO_LOCK_ROW once",
        folder="sent",
        sender=OWNER,
        to=[SeedPerson(locked.email, f"{locked.first_name} {locked.last_name}")],
    )
    message(
        "msg-legacy-charset",
        "legacy charset",
        subject="Angebot für Müller – Größe 3",
        charset="iso-8859-1",
        body="Grüße aus Köln.\n",
    )
    doomed = contacts[3]
    doomed.delete_on_first_match = True
    message(
        "msg-deleted-contact",
        "ENTITY_IS_DELETED",
        sender=SeedPerson(doomed.email, f"{doomed.first_name} {doomed.last_name}"),
    )
    message(
        "msg-bounce",
        "IGN_BOUNCED",
        sender=SeedPerson("MAILER-DAEMON@mx.example.net", "Mail Delivery System"),
        subject="Undelivered Mail Returned to Sender",
        headers={"X-Failed-Recipients": "old.address@gone.example", "Auto-Submitted": "auto-replied"},
    )
    message(
        "msg-internal",
        "IGN_INTERNAL_ONLY",
        sender=SeedPerson(f"sam.rivera@{INTERNAL_DOMAIN}", "Sam Rivera"),
        subject="Lunch on Thursday?",
    )
    message("msg-empty-sender", "IGN_EMPTY_ADDRESS", sender=SeedPerson("", "Unknown sender"))
    # A Lead converted into a Contact who has since moved on: the Lead keeps its old address, the Contact
    # has a new one.  Mail from the old address matches no open record.
    convert_into = contacts[4] if len(contacts) > 4 else contacts[0]
    old = SeedCrmPerson(
        sf_id("00Q", 900_001),
        "Lead",
        convert_into.first_name,
        convert_into.last_name,
        f"{convert_into.first_name}.{convert_into.last_name}@former-employer.example".lower(),
        company="Former Employer",
        converted_to=convert_into.id,
    )
    org.people.append(old)
    message(
        "msg-converted-lead",
        "IGN_NO_MATCH",
        sender=SeedPerson(old.email, f"{old.first_name} {old.last_name}"),
        subject="Catching up",
    )
    data.contacts.append(
        SeedContact(
            "contact-nolastname",
            "Cher",
            "",
            "cher@studio-music.example",
            company="Studio Music",
            note="Last Name missing",
        )
    )
    lead = leads[0]
    data.contacts.append(
        SeedContact(
            "contact-duplicate",
            lead.first_name,
            lead.last_name,
            lead.email,
            company=lead.company,
            note="DUPLICATES_DETECTED",
        )
    )
