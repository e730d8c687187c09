#!/bin/sh
# The catalogs of segtui's languages, managed with Babel (docs/i18n.md).
#
#   scripts/i18n.sh            extract the texts, update every catalog, compile them
#   scripts/i18n.sh init da    start a catalog for a new language (Danish here), then run it again
#
# Texts are marked _("…"), ngettext("…", "…", n), N_("…") or Phrase("…", …) (translated where shown); a binding's
# description (third argument of Binding) is extracted too.
set -eu
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-$(dirname "$(command -v python)")/pybabel}"
[ -x "$PYBABEL" ] || PYBABEL=.venv/bin/pybabel
LOCALE=src/segtui/locale
POT=$LOCALE/segtui.pot

"$PYBABEL" extract -F babel.cfg -o "$POT" --no-location --sort-output --omit-header \
    -k Binding:3 -k _ -k N_ -k ngettext:1,2 -k pgettext:1c,2 -k Phrase -k plural_phrase:1,2 \
    --project segtui src/segtui
if [ "${1:-}" = init ]; then
    "$PYBABEL" init -D segtui -i "$POT" -d "$LOCALE" -l "$2"
    exit 0
fi
"$PYBABEL" update -D segtui -i "$POT" -d "$LOCALE" --no-fuzzy-matching --ignore-obsolete
"$PYBABEL" compile -D segtui -d "$LOCALE" --statistics
# Click's own words (Usage:, Options:, its errors), from the click installed beside segtui: a catalog of
# their own (domain "click"), which the command line gives gettext (segtui.i18n.words_of_click).
PY="$(dirname "$PYBABEL")/python"
CLICK="$("$PY" -c 'import click, os; print(os.path.dirname(click.__file__))')"
"$PYBABEL" extract -o "$LOCALE/click.pot" --no-location --sort-output --omit-header -k _ -k ngettext:1,2 \
    --project click "$CLICK"
for catalog in "$LOCALE"/*/LC_MESSAGES/segtui.po; do
    language="$(basename "$(dirname "$(dirname "$catalog")")")"
    [ -f "$LOCALE/$language/LC_MESSAGES/click.po" ] || \
        "$PYBABEL" init -D click -i "$LOCALE/click.pot" -d "$LOCALE" -l "$language"
done
"$PYBABEL" update -D click -i "$LOCALE/click.pot" -d "$LOCALE" --no-fuzzy-matching --ignore-obsolete
"$PYBABEL" compile -D click -d "$LOCALE" --statistics
# The few symbols of each language's locale that the board's figures are made from at start
# (locale/<lang>/formats.json, from Babel's locale data: segtui.i18n.write_formats).
PYTHONPATH=src "$(dirname "$PYBABEL")/python" -c 'from segtui.i18n import write_formats; write_formats()'
