"""A Secret Service keyring with Windows Credential Manager's size limit, for tests.

Windows keeps at most CRED_MAX_CREDENTIAL_BLOB_SIZE = 5 * 512 bytes in one credential (wincred.h;
https://learn.microsoft.com/windows/win32/api/wincred/ns-wincred-credentialw, CredentialBlobSize), and
keyring's Windows backend writes the value UTF-16 encoded: 1,280 characters of ASCII.  Refused like
CredWrite refuses a larger blob, so a test run with this backend fails wherever a Windows user would.

    PYTHON_KEYRING_BACKEND=tests.keyrings.windows_sized.Keyring  (with a Secret Service on D-Bus)
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.backends import SecretService
from keyring.errors import PasswordSetError

CRED_MAX_CREDENTIAL_BLOB_SIZE = 5 * 512


class Keyring(SecretService.Keyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        size = len(password.encode("utf-16-le"))
        if size > CRED_MAX_CREDENTIAL_BLOB_SIZE:
            raise PasswordSetError(
                f"CredWrite: the credential blob is {size} bytes; Windows keeps at most {CRED_MAX_CREDENTIAL_BLOB_SIZE}"
            )
        super().set_password(service, username, password)


# keyring's metaclass registers every backend class for its discovery; this one is only ever named
# through PYTHON_KEYRING_BACKEND, so it leaves the registry at once (tests/auth/test_tokens.py holds it).
KeyringBackend._classes.discard(Keyring)
