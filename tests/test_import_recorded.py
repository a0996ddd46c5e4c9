"""The one way in against recorded results (issue 19): each representative import of
tests/import_cases.py gives the ledger contents, the summaries and every message recorded under
tests/data/recorded/ (recorded before the importer was rebuilt, when plain rows took a quick path
of their own)."""

from __future__ import annotations

import pytest
from import_cases import CASES, recorded, run


@pytest.mark.parametrize("name", list(CASES))
def test_the_import_gives_what_was_recorded(name, tmp_path):
    expected, got = recorded(name), run(name, tmp_path)
    for i, (want, have) in enumerate(zip(expected["results"], got["results"], strict=True)):
        assert have["summaries"] == want["summaries"], (i, "summaries")
        assert have["problems"] == want["problems"], (i, "messages")
        assert have == want, i
    assert got["tables"].keys() == expected["tables"].keys()
    for table, rows in expected["tables"].items():
        assert got["tables"][table] == rows, table
