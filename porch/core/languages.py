"""Languages Porch speaks. Tier 1 ships first (DOMAIN.md, "Languages").

Django knows English and Spanish; Somali and Hmong are added to LANG_INFO so
the language picker, `Accept-Language` and `{% get_language_info %}` work.
Somali and Hmong catalogues are drafts awaiting community review
(docs/translations.md).
"""

LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("so", "Soomaali"),
    ("hmn", "Hmoob"),
]

EXTRA_LANG_INFO = {
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
    "hmn": {"bidi": False, "code": "hmn", "name": "Hmong", "name_local": "Hmoob"},
}
