"""Moodle's GIFT importer ported to Python, for the tests: it now lives in
:mod:`qbank.importing.giftread` (``qbank import`` reads GIFT with it)."""

from qbank.importing.giftread import (  # noqa: F401
    GiftError,
    escapedchar_post,
    escapedchar_pre,
    read_gift,
    read_question,
    split_questions,
)
