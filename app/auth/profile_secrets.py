"""Loads a profile with its keyring entries under their scoped names, moving older entries there once.

Before profiles had an id, their entries were named ``mailbox:primary`` / ``salesforce:primary`` (real
sign-ins) or ``mailbox:<address>`` / ``salesforce:<user>`` (emulators): two profiles on one desktop shared
them, overwrote each other's secrets and signed each other out.  On the first load of such a profile the
entries move to ``<profile id>/<mailbox|crm>/<service kind>`` (``Profile.secret_name``), but only an entry
whose shape is that of the profile's own kind of service: an entry another profile wrote for another
service stays where it is, and this profile asks to sign in again instead of sending it to the wrong service.

The id given to such a profile is derived from its config folder, so two processes loading it at once
(the app and ``syncbar sync``) choose the same one.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from app.auth.tokens import NoKeyring, TokenStore
from app.core import profile as profile_mod
from app.core.profile import Profile

log = logging.getLogger(__name__)


def fits(kind: str, secret: dict[str, Any]) -> bool:
    """Whether a secret has the shape Syncbar's sign-in for ``kind`` writes."""
    if kind == "salesforce":
        return "instance_url" in secret
    if kind == "graph":
        return "msal_cache" in secret
    if kind == "gmail":
        return "refresh_token" in secret and not {"msal_cache", "instance_url", "password"} & set(secret)
    if kind == "ews":
        oauth_static = "access_token" in secret and not {"refresh_token", "msal_cache", "instance_url"} & set(secret)
        return "password" in secret or oauth_static
    return False


def load(config: Path, tokens: TokenStore) -> Profile | None:
    """The profile in ``config`` (None if there is none), its secrets under their scoped names.

    Without a keyring the profile is returned as it is: nothing can be moved, and the cycle or
    command that needs a secret reports the missing keyring.
    """
    prof = profile_mod.load(config)
    if prof is None or (
        prof.profile_id
        and prof.mailbox.secret_key == prof.secret_name("mailbox")
        and prof.crm.secret_key == prof.secret_name("crm")
    ):
        return prof
    old = {"mailbox": prof.mailbox.secret_key, "crm": prof.crm.secret_key}
    prof.profile_id = prof.profile_id or uuid.uuid5(uuid.NAMESPACE_URL, str(config.resolve())).hex[:16]
    try:
        moved = [(which, name) for which, name in old.items() if _copy(tokens, prof, which, name)]
        prof.scoped()
        profile_mod.save(config, prof)
        for which, name in moved:
            tokens.delete(name)
            log.info("moved the %s sign-in to this profile's own keyring entry", which)
    except NoKeyring:
        return profile_mod.load(config)  # as it was: moved at a later load, when the keyring is there
    return prof


def _copy(tokens: TokenStore, prof: Profile, which: str, name: str) -> bool:
    wanted = prof.secret_name(which)
    if not name or name == wanted:
        return False
    secret = tokens.load(name)
    kind = "salesforce" if which == "crm" else prof.mailbox.kind
    if secret is None or not fits(kind, secret):
        return False
    tokens.save(wanted, secret)
    return True
