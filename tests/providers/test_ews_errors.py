"""Exchange errors as codes: what is neither Exchange's answer nor the network is a bug, logged with its traceback."""

from __future__ import annotations

import logging

import pytest
from exchangelib.errors import ErrorAccessDenied

from app.core.catalog import UNKNOWN, load_default
from app.providers.ews.connect import ews_error

CATALOG = load_default()


def test_an_unexpected_exception_becomes_the_unknown_code_and_leaves_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    try:
        {}["ItemId"]  # a bug in our code, or in exchangelib, while reading an answer
    except KeyError as exc:
        with caplog.at_level(logging.WARNING, logger="syncbar.ews"):
            error = ews_error(exc, CATALOG)
    assert error.code == UNKNOWN
    [record] = [r for r in caplog.records if r.name == "syncbar.ews"]
    # app/compose/logs.py's filter, when an earlier test set up the log, formats the traceback into exc_text
    if record.exc_info is not None:
        assert isinstance(record.exc_info[1], KeyError)
    else:
        assert "Traceback" in (record.exc_text or "") and "KeyError: 'ItemId'" in (record.exc_text or "")


def test_exchanges_own_answer_is_not_logged_as_a_bug(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="syncbar.ews"):
        error = ews_error(ErrorAccessDenied("Access is denied. Check credentials and try again."), CATALOG)
    assert error.code != UNKNOWN
    assert [r for r in caplog.records if r.name == "syncbar.ews"] == []
