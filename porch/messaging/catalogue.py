"""The message catalogue: what Porch says by SMS, e-mail or Signal, per language.

Design note (R5). A message is a template plus four placeholders, all of
them non-identifying: `{zone}` (zone names, public), `{time}` (a half-hour
bucket such as 14:30), `{advice}` (one of the canned know-your-rights lines
below) and `{hotline}` (the coalition's public number). Nothing else can be
substituted: `render()` replaces `{name}` tokens with a closed mapping, so
there is no attribute access, indexing or format spec to reach a person's
field, and MessageTemplate validation refuses any other brace.

Segments (DOMAIN.md, "Messaging realities"). Alerts, all-clears and
corrections must fit one SMS segment with the longest sample values: the
Spanish texts leave out á, í, ó and ú (outside GSM-7, they would turn the
whole message into UCS-2 and halve its length). Somali and Hmong texts are
drafts awaiting community review, like the Somali and Hmong UI catalogues
(docs/translations.md).

Operators may override any text per language (MessageTemplate); a missing
translation falls back to English and the templates page flags it.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

LANGUAGES = ("en", "es", "so", "hmn")
FALLBACK = "en"

PLACEHOLDERS = ("zone", "time", "advice", "hotline")
TOKEN = re.compile(r"\{([a-z_]+)\}")
BRACES = re.compile(r"[{}]")

# Keys by purpose. Alert-kind keys carry a one-segment budget.
ALERT = "alert"
ALL_CLEAR = "all_clear"
CORRECTION = "correction"
REMINDER = "reminder"
CONFIRMATION = "confirmation"
WELCOME = "welcome"
HELP = "help"
STOP = "stop"
UNKNOWN = "unknown"
NOTIFICATION = "notification"
ASSIGNMENT = "assignment"
DISPATCH = "dispatch"

KEY_LABELS = {
    ALERT: _("Alert (verified)"),
    ALL_CLEAR: _("All-clear"),
    CORRECTION: _("Correction"),
    REMINDER: _("Routine reminder"),
    CONFIRMATION: _("Confirm a subscription"),
    WELCOME: _("Subscription confirmed"),
    HELP: _("Help reply"),
    STOP: _("Stop reply"),
    UNKNOWN: _("Reply to unknown input"),
    NOTIFICATION: _("Notification: something new"),
    ASSIGNMENT: _("Notification: new assignment"),
    DISPATCH: _("Notification: new dispatch"),
}
KEYS = tuple(KEY_LABELS)
BROADCAST_KEYS = (ALERT, REMINDER)
NOTIFICATION_KEYS = (NOTIFICATION, ASSIGNMENT, DISPATCH)

# Segment budget per key: alerts go out to thousands of phones at a
# provider's pace, so every extra segment doubles the time to reach them.
SEGMENT_BUDGET = {ALERT: 1, ALL_CLEAR: 1, CORRECTION: 1, REMINDER: 2, CONFIRMATION: 1}

ADVICE_LABELS = {
    "stay_inside": _("Stay inside, do not open the door"),
    "know_rights": _("You have the right to stay silent"),
    "avoid_area": _("Avoid the area"),
}
ADVICE_KEYS = tuple(ADVICE_LABELS)

ADVICE = {
    "stay_inside": {
        "en": "Stay inside. Do not open the door.",
        "es": "Quédese adentro. No abra la puerta.",
        "so": "Guriga joog. Albaabka ha furin.",
        "hmn": "Nyob hauv tsev. Tsis txhob qhib qhov rooj.",
    },
    "know_rights": {
        "en": "You have the right to stay silent. Sign nothing.",
        "es": "Tiene derecho a guardar silencio. No firme nada.",
        "so": "Xaq baad u leedahay inaad aamusto. Waxba ha saxiixin.",
        "hmn": "Koj muaj cai tsis hais lus. Tsis txhob kos npe.",
    },
    "avoid_area": {
        "en": "Avoid the area if you can.",
        "es": "Evite la zona si puede.",
        "so": "Ka fogow aagga haddii aad awoodo.",
        "hmn": "Zam thaj chaw no yog koj ua tau.",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    ALERT: {
        "en": "ALERT (verified): enforcement activity in {zone} around {time}. {advice} "
        "Hotline: {hotline}",
        "es": "ALERTA (verificada): actividad de agentes en {zone} cerca de las {time}. "
        "{advice} Tel: {hotline}",
        "so": "DIGNIIN (la xaqiijiyay): ciidamo ayaa jooga {zone} qiyaastii {time}. {advice} "
        "Khadka: {hotline}",
        "hmn": "CEEB TOOM (tau kuaj lawm): muaj tub ceev xwm hauv {zone} thaum {time}. "
        "{advice} Hu: {hotline}",
    },
    ALL_CLEAR: {
        "en": "ALL CLEAR for {zone}: the alert from {time} is over. Call {hotline} if you "
        "see activity.",
        "es": "FIN DE ALERTA en {zone}: se levanta la alerta de las {time}. Llame al "
        "{hotline} si ve actividad.",
        "so": "NABAD {zone}: digniinta {time} way dhammaatay. Wac {hotline} haddii aad aragto wax.",
        "hmn": "TSIS MUAJ TEEB MEEM hauv {zone}: ceeb toom thaum {time} tas lawm. Hu "
        "{hotline} yog koj pom dab tsi.",
    },
    CORRECTION: {
        "en": "CORRECTION for {zone}: the alert from {time} was not accurate. Trust only "
        "verified alerts. Hotline: {hotline}",
        "es": "CORRECCION para {zone}: la alerta de las {time} no era correcta. Siga solo "
        "alertas verificadas. Tel: {hotline}",
        "so": "SAXID {zone}: digniinta {time} sax ma ahayn. Raac digniinaha la xaqiijiyay "
        "oo keliya. Khadka: {hotline}",
        "hmn": "KHO KOM {zone}: ceeb toom thaum {time} tsis yog. Ntseeg tsuas yog ceeb toom "
        "uas tau kuaj lawm. Hu: {hotline}",
    },
    REMINDER: {
        "en": "Porch reminder for {zone}: {advice} Keep the hotline number with you: "
        "{hotline}. Reply STOP to end.",
        "es": "Recordatorio de Porch para {zone}: {advice} Guarde el teléfono de ayuda: "
        "{hotline}. Responda STOP para terminar.",
        "so": "Xasuusin Porch {zone}: {advice} Kaydi lambarka khadka: {hotline}. Ku jawaab "
        "JOOJI si aad u joojiso.",
        "hmn": "Porch nco ntsoov rau {zone}: {advice} Khaws tus xov tooj pab: {hotline}. "
        "Teb TSUM kom tsis txhob tau.",
    },
    CONFIRMATION: {
        "en": "Porch: reply YES to get verified alerts for {zone}. Reply STOP to end, HELP "
        "for help.",
        "es": "Porch: responda SI para recibir alertas verificadas de {zone}. STOP para "
        "terminar, AYUDA para ayuda.",
        "so": "Porch: ku jawaab HAA si aad u hesho digniinaha {zone}. JOOJI si aad u "
        "joojiso, CAAWIN caawimo.",
        "hmn": "Porch: teb YOG kom tau txais ceeb toom rau {zone}. TSUM kom tsis txhob tau, "
        "PAB kom tau kev pab.",
    },
    WELCOME: {
        "en": "Porch: you will get verified alerts for {zone}. Reply STOP to end, HELP for "
        "help. Hotline: {hotline}",
        "es": "Porch: le enviaremos alertas verificadas de {zone}. STOP para terminar, "
        "AYUDA para ayuda. Tel: {hotline}",
        "so": "Porch: waxaad heli doontaa digniinaha {zone}. JOOJI si aad u joojiso, CAAWIN "
        "caawimo. Khadka: {hotline}",
        "hmn": "Porch: koj yuav tau txais ceeb toom rau {zone}. TSUM kom tsis txhob tau, PAB "
        "kom tau kev pab. Hu: {hotline}",
    },
    HELP: {
        "en": "Porch sends verified alerts for your neighbourhood. Text JOIN and your zone "
        "to sign up, STOP to end. Hotline: {hotline}",
        "es": "Porch envia alertas verificadas para su barrio. Escriba UNIRSE y su zona "
        "para inscribirse, STOP para terminar. Tel: {hotline}",
        "so": "Porch wuxuu diraa digniino la xaqiijiyay. Qor KU BIIR iyo aaggaaga si aad "
        "isu diiwaangeliso, JOOJI si aad u joojiso. Khadka: {hotline}",
        "hmn": "Porch xa ceeb toom uas tau kuaj lawm. Sau KOOM thiab koj thaj chaw kom "
        "sau npe, TSUM kom tsis txhob tau. Hu: {hotline}",
    },
    STOP: {
        "en": "Porch: you will get no more messages. Reply START to come back.",
        "es": "Porch: no le enviaremos mas mensajes. Responda START para volver.",
        "so": "Porch: fariimo kale ma heli doontid. Ku jawaab BILOW si aad u soo noqoto.",
        "hmn": "Porch: koj yuav tsis tau lus ntxiv lawm. Teb PIB kom rov qab tau.",
    },
    UNKNOWN: {
        "en": "Porch did not understand that. Reply HELP for help, or call the hotline: {hotline}",
        "es": "Porch no entendio el mensaje. Responda AYUDA para ayuda, o llame al {hotline}",
        "so": "Porch ma fahmin fariintaas. Ku jawaab CAAWIN si aad caawimo u hesho, ama wac "
        "{hotline}",
        "hmn": "Porch tsis to taub. Teb PAB kom tau kev pab, los sis hu {hotline}",
    },
    NOTIFICATION: {
        "en": "You have something new in Porch. Open Porch to see it.",
        "es": "Tiene algo nuevo en Porch. Abra Porch para verlo.",
        "so": "Wax cusub ayaad ku leedahay Porch. Fur Porch si aad u aragto.",
        "hmn": "Koj muaj ib yam tshiab hauv Porch. Qhib Porch saib.",
    },
    ASSIGNMENT: {
        "en": "You have a new assignment. Open Porch to see it.",
        "es": "Tiene una nueva tarea. Abra Porch para verla.",
        "so": "Hawl cusub ayaad leedahay. Fur Porch si aad u aragto.",
        "hmn": "Koj muaj ib txoj hauj lwm tshiab. Qhib Porch saib.",
    },
    DISPATCH: {
        "en": "You have a new dispatch. Open Porch now.",
        "es": "Tiene un nuevo despacho. Abra Porch ahora.",
        "so": "Dir cusub ayaad leedahay. Fur Porch hadda.",
        "hmn": "Koj muaj ib qho kev xa tshiab. Qhib Porch tam sim no.",
    },
}

# ---- Updates to other apps' contacts (a campaign's pledgers) ----------------------
# Their own placeholders, as closed and as public as the four above: {title}
# (the campaign's public title), {date} (a day written YYYY-MM-DD, the same in
# every language) and {hotline}. Chosen by organisers, never written by them:
# free text could name someone (R5). Kept apart from TEXTS, so operators'
# template overrides and the four-placeholder rule above stay as they were.
PLEDGE_REMINDER = "pledge_reminder"
PLEDGE_CHANGED = "pledge_changed"
PLEDGE_THANKS = "pledge_thanks"

UPDATE_LABELS = {
    PLEDGE_REMINDER: _("Reminder: the day is coming"),
    PLEDGE_CHANGED: _("The day has changed"),
    PLEDGE_THANKS: _("Thank you for taking part"),
}
UPDATE_KEYS = tuple(UPDATE_LABELS)
UPDATE_PLACEHOLDERS = ("title", "date", "hotline")
# Updates reach a few hundred people at most, but cost the same per segment.
UPDATE_SEGMENT_BUDGET = dict.fromkeys(UPDATE_KEYS, 2)

UPDATE_TEXTS: dict[str, dict[str, str]] = {
    PLEDGE_REMINDER: {
        "en": "{title}: the day is {date}. Thank you for your pledge. Questions: {hotline}. "
        "Reply STOP to end.",
        "es": "{title}: el dia es el {date}. Gracias por su compromiso. Preguntas: {hotline}. "
        "Responda STOP para terminar.",
        "so": "{title}: maalinta waa {date}. Waad ku mahadsan tahay ballantaada. Su'aalo: "
        "{hotline}. Ku jawaab JOOJI si aad u joojiso.",
        "hmn": "{title}: hnub ntawd yog {date}. Ua tsaug rau koj cog lus. Nug: {hotline}. "
        "Teb TSUM kom tsis txhob tau.",
    },
    PLEDGE_CHANGED: {
        "en": "{title}: the day has changed. It is now {date}. Questions: {hotline}. "
        "Reply STOP to end.",
        "es": "{title}: cambio el dia. Ahora es el {date}. Preguntas: {hotline}. "
        "Responda STOP para terminar.",
        "so": "{title}: maalinta way isbedeshay. Hadda waa {date}. Su'aalo: {hotline}. "
        "Ku jawaab JOOJI si aad u joojiso.",
        "hmn": "{title}: hnub hloov lawm. Tam sim no yog {date}. Nug: {hotline}. "
        "Teb TSUM kom tsis txhob tau.",
    },
    PLEDGE_THANKS: {
        "en": "{title}: thank you for taking part. Together we were seen and heard. "
        "Reply STOP to end.",
        "es": "{title}: gracias por participar. Juntos nos vieron y nos escucharon. "
        "Responda STOP para terminar.",
        "so": "{title}: waad ku mahadsan tahay ka qaybgalka. Wadajir ayaa nala arkay oo nala "
        "maqlay. Ku jawaab JOOJI si aad u joojiso.",
        "hmn": "{title}: ua tsaug koj tuaj koom. Ua ke lawv pom thiab hnov peb. "
        "Teb TSUM kom tsis txhob tau.",
    },
}

# The longest values a placeholder takes in practice, for segment budgets.
SAMPLE_ZONE = "Northeast Como Park"  # 19 characters: longer zone names show in the preview
SAMPLE_TIME = "23:30"
SAMPLE_HOTLINE = "+1 612 555 0100"
SAMPLE_TITLE = "General strike for our neighbours"  # the preview shows the real title
SAMPLE_DATE = "2026-12-18"


@dataclass(frozen=True)
class Context:
    """The only values a template may show. All four are non-identifying."""

    zone: str = ""
    time: str = ""
    advice: str = ""
    hotline: str = ""
    # Updates to contacts only (UPDATE_PLACEHOLDERS): public values too.
    title: str = ""
    date: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "zone": self.zone,
            "time": self.time,
            "advice": self.advice,
            "hotline": self.hotline,
            "title": self.title,
            "date": self.date,
        }


def placeholders_in(text: str) -> set[str]:
    return set(TOKEN.findall(text))


def problems_in(text: str) -> list[str]:
    """Why a template text cannot be used (empty when it can)."""
    problems = []
    unknown = placeholders_in(text) - set(PLACEHOLDERS)
    if unknown:
        problems.append("unknown placeholder: " + ", ".join(sorted(unknown)))
    if BRACES.search(TOKEN.sub("", text)):
        problems.append("stray brace")
    if not text.strip():
        problems.append("empty")
    return problems


def update_problems_in(text: str) -> list[str]:
    """Why an update's text cannot be used: only {title}, {date} and {hotline}."""
    problems = []
    unknown = placeholders_in(text) - set(UPDATE_PLACEHOLDERS)
    if unknown:
        problems.append("unknown placeholder: " + ", ".join(sorted(unknown)))
    if BRACES.search(TOKEN.sub("", text)):
        problems.append("stray brace")
    if not text.strip():
        problems.append("empty")
    return problems


def render(text: str, context: Context) -> str:
    values = context.as_dict()
    return TOKEN.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def default_text(key: str, language: str) -> str | None:
    return (TEXTS.get(key) or UPDATE_TEXTS.get(key) or {}).get(language)


def update_sample_context(language: str, *, title: str = SAMPLE_TITLE) -> Context:
    """Realistic long values for an update's segment count."""
    return Context(title=title, date=SAMPLE_DATE, hotline=SAMPLE_HOTLINE)


def advice_text(advice: str, language: str) -> str:
    lines = ADVICE.get(advice, {})
    return lines.get(language) or lines.get(FALLBACK, "")


def sample_context(language: str, advice: str | None = None) -> Context:
    """The longest realistic values, to check a text against its segment budget."""
    if advice is None:
        lines = [advice_text(key, language) for key in ADVICE_KEYS]
        longest = max(lines, key=len)
    else:
        longest = advice_text(advice, language)
    return Context(zone=SAMPLE_ZONE, time=SAMPLE_TIME, advice=longest, hotline=SAMPLE_HOTLINE)
