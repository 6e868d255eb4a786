"""The steps printed on a site's protocol card, in every supported language.

These are the card's body, kept here rather than in the gettext catalogue so
that a card prints in Somali or Hmong even before the interface strings are
translated (the headings come from the catalogue and fall back to English).
Spanish, Somali and Hmong texts are drafts awaiting community review, like
the Somali and Hmong catalogues (docs/translations.md). No step names a
person, a child or a time.
"""

LANGUAGES = ("en", "es", "so", "hmn")

PATROL = {
    "en": [
        "Arrive ten minutes early, wear your vest and check in on Porch.",
        "Stand where families can see you. Stay calm and friendly.",
        "If agents appear, do not block or touch them. Observe from a distance and call "
        "the hotline.",
        "Walk children in groups with enough adults: one adult for every three children "
        "aged 4 to 6, one for every six aged 7 to 9.",
        "Never write down or share children's names or families' details.",
        "Hand children only to the adults the school has arranged. If unsure, stay with the "
        "child and call the school.",
        "Check out on Porch when you leave.",
    ],
    "es": [
        "Llegue diez minutos antes, póngase el chaleco y registre su llegada en Porch.",
        "Colóquese donde las familias puedan verle. Mantenga la calma y sea amable.",
        "Si aparecen agentes, no los bloquee ni los toque. Observe a distancia y llame a la "
        "línea de ayuda.",
        "Acompañe a los niños en grupos con suficientes adultos: un adulto por cada tres "
        "niños de 4 a 6 años, uno por cada seis de 7 a 9 años.",
        "Nunca anote ni comparta los nombres de los niños ni datos de las familias.",
        "Entregue a los niños solo a los adultos que la escuela ha indicado. Si tiene dudas, "
        "quédese con el niño y llame a la escuela.",
        "Registre su salida en Porch al irse.",
    ],
    "so": [
        "Kaalay toban daqiiqo ka hor, xiro jaakadda, oo iska diiwaangeli Porch.",
        "Istaag meel ay qoysasku ku arki karaan. Deggenaan oo saaxiibtinimo muuji.",
        "Haddii ciidamo yimaadaan, ha xannibin hana taabanin. Meel fog ka daawo oo wac "
        "khadka caawimaadda.",
        "Carruurta kooxo ku wad oo dad waaweyn oo ku filan la socdaan: qof weyn saddexdii "
        "ilmood ee da'doodu tahay 4 ilaa 6, qof weyn lixdii ilmood ee da'doodu tahay 7 ilaa 9.",
        "Weligaa ha qorin hana wadaagin magacyada carruurta ama faahfaahinta qoysaska.",
        "Carruurta u dhiib oo keliya dadka waaweyn ee dugsigu diyaariyay. Haddii aadan "
        "hubin, la joog ilmaha oo wac dugsiga.",
        "Marka aad tagayso, ka bax Porch.",
    ],
    "hmn": [
        "Tuaj txog ntxov kaum feeb, hnav koj lub tsho, thiab sau npe tuaj txog hauv Porch.",
        "Sawv qhov chaw uas tsev neeg pom tau koj. Nyob twj ywm thiab ua siab zoo.",
        "Yog muaj tub ceev xwm tuaj, tsis txhob thaiv lossis kov lawv. Saib ntawm qhov deb "
        "thiab hu rau tus xov tooj pab.",
        "Coj menyuam mus ua pab pawg nrog cov neeg laus txaus: ib tus neeg laus rau txhua "
        "peb tus menyuam hnub nyoog 4 txog 6, ib tus rau txhua rau tus hnub nyoog 7 txog 9.",
        "Tsis txhob sau lossis qhia cov menyuam lub npe lossis tsev neeg cov ntaub ntawv.",
        "Muab menyuam rau cov neeg laus uas lub tsev kawm ntawv tau teem tseg xwb. Yog tsis "
        "paub meej, nrog tus menyuam nyob thiab hu rau lub tsev kawm ntawv.",
        "Sau npe tawm hauv Porch thaum koj tawm mus.",
    ],
}

GENERAL = {
    "en": [
        "Arrive on time and check in on Porch.",
        "Keep what you see and hear to yourself; share it only with your coordinator.",
        "If agents appear, stay calm, do not interfere, and call the hotline.",
        "Check out on Porch when you leave.",
    ],
    "es": [
        "Llegue a tiempo y registre su llegada en Porch.",
        "Guarde para usted lo que vea y oiga; compártalo solo con su coordinador.",
        "Si aparecen agentes, mantenga la calma, no intervenga y llame a la línea de ayuda.",
        "Registre su salida en Porch al irse.",
    ],
    "so": [
        "Waqtiga ku imow oo iska diiwaangeli Porch.",
        "Waxa aad aragto iyo waxa aad maqasho adiga u hayso; la wadaag oo keliya isku-duwahaaga.",
        "Haddii ciidamo yimaadaan, deggenaan, ha faragelin, oo wac khadka caawimaadda.",
        "Marka aad tagayso, ka bax Porch.",
    ],
    "hmn": [
        "Tuaj raws sijhawm thiab sau npe tuaj txog hauv Porch.",
        "Yam koj pom thiab hnov, khaws cia rau koj xwb; qhia rau koj tus thawj coj xwb.",
        "Yog muaj tub ceev xwm tuaj, nyob twj ywm, tsis txhob cuam tshuam, thiab hu rau tus "
        "xov tooj pab.",
        "Sau npe tawm hauv Porch thaum koj tawm mus.",
    ],
}

PATROL_KINDS = {"school", "bus_stop"}


def steps(kind: str, language: str) -> list[str]:
    texts = PATROL if kind in PATROL_KINDS else GENERAL
    return texts.get(language) or texts["en"]
