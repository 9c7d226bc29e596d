"""The log file on disk never holds a secret: patterns (bearer, refresh tokens in every form, Salesforce
session ids) and every value the token store handed out are cut out before a record is written."""

from __future__ import annotations

import logging
import logging.handlers
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose import logs, report, wiring

OPAQUE = "q7Rw2ZpLm4Xv9TbN0sKe"  # a token with no recognisable shape: only the token store can tell


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "logs" / "syncbar.log"
    handler = logs.setup(path, level=logging.DEBUG)
    try:
        yield path
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def written(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("GET /me Authorization: Bearer EwBwA8l6BAAURSN/FHlDW5xN74t6GzbtsBBeBUYAAZ", "EwBwA8l6BAAURSN"),
        ("sending headers {'Authorization': 'Bearer 1a2b3c4d5e6f7a8b9c0d'}", "1a2b3c4d5e6f7a8b9c0d"),
        ("token answer refresh_token=M.C105_BAY.0.U.-CrsQq9ZgWz&expires_in=3600", "M.C105_BAY.0.U.-CrsQq9ZgWz"),
        ('token answer {"access_token": "Qz81xLm0PpaW3Rk", "token_type": "Bearer"}', "Qz81xLm0PpaW3Rk"),
        ('token answer {"refresh_token":"5Aep861rT3kLmnoPQRstu"}', "5Aep861rT3kLmnoPQRstu"),
        ("redirect https://localhost/cb?id_token=abcDEF123456789xyz&state=s", "abcDEF123456789xyz"),
        ("POST /token?grant_type=refresh_token&refresh_token=R3fr3shV4lue99z", "R3fr3shV4lue99z"),
        ("Google refresh 1//0gAbCdEfGhIjKlMnOpQrStUvWx", "1//0gAbCdEfGhIjKlMnOpQrStUvWx"),
        ("session 00D5g000004XyZa!AQ0AQH0dMHZfz972Szmpkb58urFRkgeBGsxL_QJWwYMfAbUeeG7c", "!AQ0AQH0dMHZfz97"),
    ],
)
def test_secrets_by_pattern_never_reach_the_log_file(log_file: Path, message: str, secret: str) -> None:
    logging.getLogger("app.test").warning("%s", message)
    text = written(log_file)
    assert secret not in text
    assert report.REDACTED in text


def test_a_secret_the_token_store_handed_out_is_cut_from_the_log_and_its_traceback(log_file: Path) -> None:
    keyring = ProcessKeyring()
    tokens = wiring.redact_handed_out(TokenStore(keyring))
    keyring.set_password("syncbar", "rep@example.com", f'{{"access_token": "{OPAQUE}", "account": "rep"}}')
    secret = tokens.load("rep@example.com")
    assert secret is not None
    log = logging.getLogger("app.providers")
    log.info("calling with %s", secret["access_token"])
    try:
        raise RuntimeError(f"server refused {OPAQUE}")
    except RuntimeError:
        log.exception("the call failed")
    text = written(log_file)
    assert OPAQUE not in text
    assert "calling with [removed]" in text and "RuntimeError: server refused [removed]" in text


def test_a_refreshed_token_is_cut_from_the_log_once_saved(log_file: Path) -> None:
    tokens = wiring.redact_handed_out(TokenStore(ProcessKeyring()))
    tokens.save("rep@example.com", {"access_token": "Fr3shT0kenAfterRefresh", "expires_at": 1.0})
    logging.getLogger("app.auth").info("new token Fr3shT0kenAfterRefresh")
    assert "Fr3shT0kenAfterRefresh" not in written(log_file)


def test_the_sync_service_wires_the_token_store_to_the_log_redaction(tmp_path: Path) -> None:
    from app.compose.paths import Paths

    tokens = TokenStore(ProcessKeyring())
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data")
    svc, _ = wiring.open_service(paths, tokens=tokens)
    svc.store.close()
    assert tokens.handed_out is not None


# --- the rules of the redaction itself (mutation-checked) ---


def test_addresses_are_removed_from_reports_unless_kept_and_kept_in_the_log(log_file: Path) -> None:
    assert report.redact("from bob@customer.example about x") == "from [address] about x"
    assert report.redact("from bob@customer.example", keep_personal=True) == "from bob@customer.example"
    log = logging.getLogger("app.test")
    log.warning("item from %s failed", "bob@customer.example")
    try:
        raise ValueError("no contact for carol@customer.example")
    except ValueError:
        log.exception("matching failed")
    text = written(log_file)
    # The log is this computer's own (support asks for it through the report, which removes addresses).
    assert "item from bob@customer.example failed" in text and "no contact for carol@customer.example" in text


def test_a_longer_secret_is_cut_whole_even_when_a_shorter_one_is_inside_it() -> None:
    assert report.redact("x=abcdefgh;", ["abcd", "abcdefgh"]) == "x=[removed];"
    assert report.redact("x=abcdefgh;", ["abcdefgh", "abcd"]) == "x=[removed];"
    assert report.redact("x=0abcdZ;", ["abcd", "0abcdZ"]) == "x=[removed];"  # longest first, whatever its letters


def test_values_shorter_than_four_characters_are_not_treated_as_secrets(log_file: Path) -> None:
    assert report.redact("rep ok abcd", ["", "rep", "abcd"]) == "rep ok [removed]"
    logs.remember_secret("Zq9")
    logs.remember_secret("")
    logs.remember_secret("Wk4t")
    logging.getLogger("app.test").warning("values Zq9 and Wk4t")
    assert "values Zq9 and [removed]" in written(log_file)


def test_the_log_file_rotates_at_two_megabytes_keeps_three_and_reads_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "logs" / "syncbar.log"  # folders made as needed
    noisy = ("urllib3", "msal", "exchangelib", "googleapiclient", "simple_salesforce")
    for name in noisy:  # as in a fresh process
        logging.getLogger(name).setLevel(logging.NOTSET)
    handler = logs.setup(path)
    try:
        assert logs.setup(path) is handler  # set up twice: one handler, no doubled lines
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        assert (handler.maxBytes, handler.backupCount, handler.encoding) == (2_000_000, 3, "utf-8")
        other = logs.setup(path.with_name("other.log"))  # a second log in the same folder
        assert other is not handler
        logging.getLogger().removeHandler(other)
        other.close()
        logging.getLogger("app.core.engine").warning("ünïcode ✓")
        line = written(path).splitlines()[-1]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING app\.core\.engine: ünïcode ✓", line), line
        # Client libraries log request details (headers included) at DEBUG and INFO: they stay out.
        for name in noisy:
            assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_the_file_redacts_its_own_copy_and_leaves_the_record_to_other_handlers(log_file: Path) -> None:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    keep = Keep()
    root = logging.getLogger()
    root.addHandler(keep)  # added after the file's handler: it receives the record the file has formatted
    try:
        try:
            raise RuntimeError("refresh_token=1//0gSeCrEtVaLuE")
        except RuntimeError:
            logging.getLogger("app.test").exception("refresh failed with access_token=%s", "eyJhbGciOi.payload")
    finally:
        root.removeHandler(keep)
    text = written(log_file)
    assert "1//0gSeCrEtVaLuE" not in text and "eyJhbGciOi.payload" not in text and "RuntimeError" in text
    (record,) = [r for r in seen if r.name == "app.test"]
    assert record.exc_info is not None and record.args == ("eyJhbGciOi.payload",)  # not consumed by the file
