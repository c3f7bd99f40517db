"""The part of the confusables table that name keys use is kept in the repository
(comments/confusables_table.py), so web processes do not load the whole table (about 15
MiB each). It must be the one the installed confusable-homoglyphs package gives."""

import os
import subprocess
import sys
from pathlib import Path

from confusable_homoglyphs.confusables import confusables_data

from comments import confusables_table
from comments.confusables import ascii_prototypes, prototypes
from comments.identity import name_key

ROOT = Path(__file__).resolve().parents[2]


def test_the_kept_table_is_the_packages():
    ascii_map = ascii_prototypes(confusables_data)
    assert ascii_map == confusables_table.ASCII_PROTOTYPES
    assert prototypes(confusables_data, ascii_map) == confusables_table.PROTOTYPES, (
        "run `python -m tools.confusables_table` and commit comments/confusables_table.py"
    )


def test_look_alikes_from_the_table_make_the_same_key():
    assert name_key("Аmаrа") == name_key("Amara")  # Cyrillic а
    assert name_key("𝐋𝐢𝐧") == name_key("Lin")  # mathematical bold
    assert name_key("M0derat0r") == name_key("moderator")  # digits for letters


def test_comparing_names_does_not_load_the_whole_table():
    code = (
        "import django, sys; django.setup(); "
        "from comments.identity import name_key; name_key('Аmаrа Osᴇi'); "
        "print('confusable_homoglyphs.confusables' in sys.modules)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )  # fmt: skip
    assert found.stdout.strip() == "False"
