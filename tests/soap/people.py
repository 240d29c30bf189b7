"""Demo people (docs/demo-people.md) the end-to-end tests use, as they are on the demo's today.

The ages below hold on :data:`gateway.demo.DEMO_TODAY`, the day the test stand's gateway starts
its clock on (``tests/stand.py``); :data:`ADULT_ON_DEMO_TODAY` says who is an adult then, and
``tests/soap/test_people.py`` checks it against the register fixture. Nothing here depends on the
wall clock.
"""

JANIS = "220806-21170"  # adult (20); a failed FIZ exam; certificates from 2022
PETERIS = "020578-17513"  # parent with custody of Anna (minor) and of Jānis (adult)
ANNA = "140310-24716"  # minor (16), two parents with custody
LIGA = "050909-22343"  # minor (17)
INESE = "270181-10874"  # Līga's mother, custody
ANDRIS = "150779-19018"  # Līga's father, custody removed
MARTINS = "200110-28649"  # minor (16) with a guardian, no parents
MARA = "031058-19084"  # Mārtiņš's guardian (aizbildne)
ERIKS = "110604-20482"  # adult (22) with a guardian of an adult
DACE = "080276-18238"  # Ēriks's aizgādne, valid
ELIZA = "031299-15476"  # adult (26) whose aizgādne was released on 2024-06-30
RUTA = "220471-14450"  # Elīza's former aizgādne
KATRINA = "020609-24150"  # minor (17) declared of age
GATIS = "091282-16179"  # Katrīna's father
NIKITA = "329174-50831"  # minor (15), new-format code; results only in the future session
JELENA = "300985-17224"  # Ņikita's mother
SOFIJA = "325512-80347"  # adult (20), new-format code
OSKARS = "170596-10016"  # valid code, unknown to the register
ALEKSEJS = "300870-15376"  # a stranger to everyone

ADULT_ON_DEMO_TODAY = {
    JANIS: True, PETERIS: True, ANNA: False, LIGA: False, INESE: True, ANDRIS: True,
    MARTINS: False, MARA: True, ERIKS: True, DACE: True, ELIZA: True, RUTA: True,
    KATRINA: True,  # a minor by birth, declared of age
    GATIS: True, NIKITA: False, JELENA: True, SOFIJA: True, OSKARS: True, ALEKSEJS: True,
}
"""Who may ask as an adult (EP226) on the demo's today."""
