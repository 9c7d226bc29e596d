"""The mails Syncbar writes for the user, in the user's language (``app.core.language``): the escalation
email when syncing has been stopped for a while, and the note that carries a support report.

The catalogue's title, reason and fix come already translated (``catalog.load_default``); only the frame
is here.  Times are UTC and written the ISO way, which every reader of either language parses alike.
"""

from __future__ import annotations

from datetime import datetime

from app.core.language import language

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "escalation_subject": "Syncbar has stopped syncing",
        "escalation_body": (
            "Syncbar has not been able to sync{where} for about {hours} (since {since} UTC).\n\n"
            "{title}\n{reason}\n\nWhat to do: {fix}\n\n"
            "Account: {account}\nError code: {code}\n\n"
            "You get this email once per problem and at most once a day; Settings turns it off.\n"
        ),
        "because_salesforce": " because of Salesforce",
        "because_mailbox": " because of your mailbox",
        "hour": "{n} hour",
        "hours": "{n} hours",
        "support_subject": "Syncbar support request",
        "support_body": (
            "Hello Syncbar support,\n\nWhat happened, in my words:\n\n{words}\n\n"
            "The support report is attached ({names}); tokens and passwords are removed from it.\n"
        ),
        "nothing_written": "(nothing written)",
    },
    "sv": {
        "escalation_subject": "Syncbar har slutat synka",
        "escalation_body": (
            "Syncbar har inte kunnat synka{where} på ungefär {hours} (sedan {since} UTC).\n\n"
            "{title}\n{reason}\n\nGör så här: {fix}\n\n"
            "Konto: {account}\nFelkod: {code}\n\n"
            "Du får det här mejlet en gång per problem och högst en gång om dagen; du stänger av det under "
            "Inställningar.\n"
        ),
        "because_salesforce": " på grund av Salesforce",
        "because_mailbox": " på grund av din brevlåda",
        "hour": "{n} timme",
        "hours": "{n} timmar",
        "support_subject": "Supportärende för Syncbar",
        "support_body": (
            "Hej Syncbar-supporten,\n\nVad som hände, med mina ord:\n\n{words}\n\n"
            "Supportrapporten är bifogad ({names}); token och lösenord är borttagna ur den.\n"
        ),
        "nothing_written": "(inget skrivet)",
    },
}


def _t(key: str) -> str:
    return TEXTS.get(language(), TEXTS["en"])[key]


def escalation(
    *, side: str, hours: int, since: datetime, title: str, reason: str, fix: str, account: str, code: str
) -> tuple[str, str]:
    """Subject and body of the escalation email; ``side`` is "salesforce", "mailbox" or ""."""
    where = _t(f"because_{side}") if side in ("salesforce", "mailbox") else ""
    body = _t("escalation_body").format(
        where=where,
        hours=_t("hour" if hours == 1 else "hours").format(n=hours),
        since=f"{since:%Y-%m-%d %H:%M}",
        title=title,
        reason=reason,
        fix=fix,
        account=account,
        code=code,
    )
    return _t("escalation_subject"), body


def support_request(what_happened: str, names: str, context: str = "") -> tuple[str, str]:
    """Subject and body of the mail that carries a support report."""
    subject = _t("support_subject") + (f": {context}" if context else "")
    words = what_happened.strip() or _t("nothing_written")
    return subject, _t("support_body").format(words=words, names=names)
