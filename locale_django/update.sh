#!/usr/bin/env bash
# Refresh Django's own messages for the languages Django does not ship
# (docs/translations.md, "Django's own messages"). Run after upgrading Django:
#
#     locale_django/update.sh            # all languages under locale_django/
#     locale_django/update.sh so         # one language
#
# It extracts the messages a person can see on a Porch form or page from the
# installed Django, merges them into each django.po (new entries arrive empty
# or fuzzy: translate them and remove the fuzzy flag), and checks the result.
set -euo pipefail
cd "$(dirname "$0")"
django_dir=$(../.venv/bin/python -c 'import django, os; print(os.path.dirname(os.path.dirname(django.__file__)))')

# The Django sources whose messages reach a Porch user. Not admin, gis,
# postgres, flatpages, redirects, sites, humanize: Porch does not use them.
sources=(
  django/forms/fields.py django/forms/forms.py django/forms/formsets.py
  django/forms/models.py django/forms/widgets.py django/forms/utils.py
  django/forms/boundfield.py
  django/core/validators.py django/utils/ipv6.py django/core/paginator.py
  django/contrib/auth/password_validation.py django/contrib/auth/forms.py
  django/contrib/auth/base_user.py
  django/db/models/fields/__init__.py django/db/models/fields/related.py
  django/db/models/fields/json.py django/db/models/fields/files.py
  django/db/models/base.py django/db/models/constraints.py
  django/views/csrf.py django/views/i18n.py
  django/utils/timesince.py django/utils/dates.py django/utils/dateformat.py
  django/utils/text.py django/template/defaultfilters.py
)

pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
(cd "$django_dir" && xgettext --language=Python --from-code=UTF-8 --add-comments=Translators \
  --keyword=gettext_noop --keyword=gettext_lazy --keyword=ngettext_lazy:1,2 \
  --keyword=pgettext:1c,2 --keyword=npgettext:1c,2,3 --keyword=pgettext_lazy:1c,2 \
  --keyword=npgettext_lazy:1c,2,3 --keyword=ngettext:1,2 \
  --no-wrap --sort-by-file -o "$pot" "${sources[@]}")

langs=("$@")
if [ ${#langs[@]} -eq 0 ]; then
  langs=(); for d in */LC_MESSAGES/django.po; do langs+=("${d%%/*}"); done
fi
for lang in "${langs[@]}"; do
  po="$lang/LC_MESSAGES/django.po"
  if [ -f "$po" ]; then
    msgmerge --quiet --update --backup=none --no-wrap --sort-by-file "$po" "$pot"
  else
    mkdir -p "$lang/LC_MESSAGES"
    msginit --no-translator --no-wrap --locale="$lang" --input="$pot" --output-file="$po"
  fi
  msgattrib --no-obsolete --no-wrap --sort-by-file -o "$po" "$po"
  msgfmt --check-format --statistics -o /dev/null "$po"
done
