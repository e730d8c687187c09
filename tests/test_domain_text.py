"""The one text rule for every way into the book (domain/text.py)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from segtui.domain.text import ID_MAX, NAME_MAX, NOTE_MAX, TextError, clean, mend

INVISIBLE = ["\ufeff", "\u200b", "\u200c", "\u2060", "\u00ad", "\u200e", "\u200f", "\u202e", "\u2066"]
CONTROLS = [chr(c) for c in (*range(0, 9), *range(14, 32), *range(0x7f, 0x85), *range(0x86, 0xa0))]

visible = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=60)


def test_invisible_characters_inside_an_id_are_dropped() -> None:
    assert clean("K\u200b1") == clean("\ufeffK1") == clean("K1\u2060") == "K1"
    assert clean("Malmo\u0308") == "Malmö"  # composed
    assert clean(" Acme\tAB\r\n") == "Acme AB"
    assert clean("first\r\nsecond\rthird", NOTE_MAX, lines=True) == "first\nsecond\nthird"


def test_emoji_joined_by_a_zero_width_joiner_stay_one_picture() -> None:
    assert clean("Kod 👩\u200d💻 AB") == "Kod 👩\u200d💻 AB"
    assert clean("K\u200d1") == "K1" and clean("😀\u200d") == "😀" and clean("a\u200d😀") == "a😀"


@pytest.mark.parametrize("control", CONTROLS[:3] + ["\x1b", "\x7f", "\x9b"])
def test_a_control_character_is_refused_with_its_code(control: str) -> None:
    with pytest.raises(TextError, match=rf"the name holds a control character \(U\+{ord(control):04X}\), which is not text"):
        clean(f"Acme{control}]0;title", field="name")


def test_the_limits_are_the_forms() -> None:
    assert (ID_MAX, NAME_MAX, NOTE_MAX) == (60, 200, 2000)
    assert clean("x" * 200) == "x" * 200
    with pytest.raises(TextError, match="the name is 100,000 characters; at most 200 fit"):
        clean("x" * 100_000, field="name")


@given(text=visible, where=st.lists(st.tuples(st.integers(0, 60), st.sampled_from(INVISIBLE)), max_size=5))
@example(text="K1", where=[(1, "\u200b")])
def test_invisible_characters_anywhere_change_nothing(text: str, where) -> None:
    spoiled = text
    for at, char in where:
        spoiled = spoiled[:at] + char + spoiled[at:]
    assert clean(spoiled, NOTE_MAX) == clean(text, NOTE_MAX)


@given(text=st.text(max_size=80), lines=st.booleans())
def test_what_is_kept_is_clean_and_cleaning_again_changes_nothing(text: str, lines: bool) -> None:
    try:
        value = clean(text, NOTE_MAX, lines=lines)
    except TextError:
        # refused only for a control character that is no line break or tab
        assert any(c in CONTROLS for c in text)
        return
    assert clean(value, NOTE_MAX, lines=lines) == value
    assert value == value.strip()
    assert unicodedata.is_normalized("NFC", value)
    allowed = "\n\t\u200d" if lines else "\u200d"  # a joiner only between two emoji
    assert not any(unicodedata.category(c) in ("Cc", "Cf") and c not in allowed for c in value)
    assert all(unicodedata.category(value[i + 1]) == "So" for i, c in enumerate(value) if c == "\u200d")


@given(text=visible, limit=st.integers(1, 80))
def test_nothing_longer_than_the_limit_is_kept(text: str, limit: int) -> None:
    try:
        assert len(clean(text, limit)) <= limit
    except TextError as error:
        assert "at most" in str(error) and len(clean(text, 10**9)) > limit


@given(st.text(max_size=400), st.booleans(), st.integers(1, 300))
@example("Acme\x1b]0;pwned\x07", False, 200)
def test_mended_text_is_what_clean_takes_and_clean_leaves_it_as_it_is(text: str, lines: bool, limit: int) -> None:
    """A synced value is never refused: mended, it passes the rule unchanged."""
    mended = mend(text, limit, lines)
    assert len(mended) <= limit
    assert clean(mended, limit, lines=lines) == mended


def test_a_control_character_is_mended_into_a_visible_mark_and_the_rest_kept() -> None:
    assert mend("Acme\x1b[2J AB\u200b") == "Acme\ufffd[2J AB"
    assert mend("Ring\r\nsedan\x07", NOTE_MAX, lines=True) == "Ring\nsedan\ufffd"
    assert mend("K1 " * 100, ID_MAX) == ("K1 " * 20).strip()
