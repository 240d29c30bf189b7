"""The fixed catalogue the demo generator draws from: exams, schools and Latvian names."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGE_PARTS = ("Klausīšanās", "Lasīšana", "Rakstīšana", "Runāšana")
CERTIFICATE_TITLE = "Centralizētā eksāmena sertifikāts"
LANGUAGE_TITLES = {
    "language_decision": "Lēmums par valsts valodas prasmes līmeni",
    "language_statement": "Izziņa par valsts valodas prasmes pārbaudes rezultātiem",
}

Json = dict[str, object]


@dataclass(frozen=True, slots=True)
class Exam:
    code: str
    name: str
    parts: tuple[str, ...]
    cefr: bool

    @property
    def basic(self) -> bool:
        return self.code.endswith("09")


EXAMS = {
    exam.code: exam
    for exam in (
        Exam(
            "LVA09",
            "Eksāmens latviešu valodā 9. klasei",
            ("Lasīšana", "Valodas lietojums", "Rakstīšana", "Runāšana"),
            False,
        ),
        Exam("MAT09", "Eksāmens matemātikā 9. klasei", ("1. daļa", "2. daļa"), False),
        Exam("VES09", "Eksāmens Latvijas vēsturē 9. klasei", (), False),
        Exam("ANG09", "Eksāmens angļu valodā 9. klasei", LANGUAGE_PARTS, True),
        Exam("FRA09", "Eksāmens franču valodā 9. klasei", LANGUAGE_PARTS, True),
        Exam("KRV09", "Eksāmens krievu valodā 9. klasei", LANGUAGE_PARTS, True),
        Exam("VAC09", "Eksāmens vācu valodā 9. klasei", LANGUAGE_PARTS, True),
        Exam(
            "LVA",
            "Centralizētais eksāmens latviešu valodā",
            ("Lasīšana", "Valodas lietojums", "Rakstīšana"),
            False,
        ),
        Exam("MAT", "Centralizētais eksāmens matemātikā", ("1. daļa", "2. daļa", "3. daļa"), False),
        Exam("ANG", "Centralizētais eksāmens angļu valodā", LANGUAGE_PARTS, True),
        Exam("FRA", "Centralizētais eksāmens franču valodā", LANGUAGE_PARTS, True),
        Exam("KRV", "Centralizētais eksāmens krievu valodā", LANGUAGE_PARTS, True),
        Exam("VAC", "Centralizētais eksāmens vācu valodā", LANGUAGE_PARTS, True),
        Exam("FIZ", "Centralizētais eksāmens fizikā", (), False),
        Exam("KIM", "Centralizētais eksāmens ķīmijā", (), False),
        Exam("BIO", "Centralizētais eksāmens bioloģijā", (), False),
        Exam("VES", "Centralizētais eksāmens Latvijas un pasaules vēsturē", (), False),
    )
}
FOREIGN = (("ANG", 70), ("KRV", 14), ("VAC", 10), ("FRA", 6))  # (code stem, weight)
ELECTIVES = ("FIZ", "KIM", "BIO", "VES")

# Synthetic registration codes; Cesvaines vidusskola's is the seed's example.
INSTITUTIONS = {
    "4413900133": "Cesvaines vidusskola",
    "3013900034": "Rīgas Valsts 1. ģimnāzija",
    "3013900161": "Rīgas Valsts 2. ģimnāzija",
    "3113900077": "Rīgas 64. vidusskola",
    "4513900112": "Jelgavas Valsts ģimnāzija",
    "2713900215": "Daugavpils Valsts ģimnāzija",
    "4313900140": "Liepājas Valsts 1. ģimnāzija",
    "4213900089": "Valmieras Valsts ģimnāzija",
    "4113900058": "Cēsu Valsts ģimnāzija",
    "4313900198": "Ventspils Valsts 1. ģimnāzija",
    "4813900066": "Rēzeknes Valsts 1. ģimnāzija",
    "4413900190": "Siguldas Valsts ģimnāzija",
}
CESVAINE, RVG1 = "4413900133", "3013900034"

LV_MALE = (
    "Jānis", "Mārtiņš", "Andris", "Kārlis", "Artūrs", "Roberts", "Edgars", "Gatis", "Raivis",
    "Toms", "Rihards", "Dāvis", "Oskars", "Kristaps", "Reinis", "Valdis", "Aivars", "Juris",
    "Uldis", "Māris", "Ivars", "Ēriks", "Emīls", "Gustavs", "Markuss", "Ričards", "Krišjānis",
)  # fmt: skip
LV_FEMALE = (
    "Anna", "Līga", "Elīza", "Marta", "Laura", "Ieva", "Kristīne", "Ilze", "Inese", "Zane",
    "Dace", "Sanita", "Agnese", "Evelīna", "Sofija", "Alise", "Katrīna", "Paula", "Madara",
    "Dārta", "Emīlija", "Baiba", "Gunta", "Santa", "Rūta", "Māra", "Everita", "Ērika",
)  # fmt: skip
RU_MALE = (
    "Ņikita", "Dmitrijs", "Aleksejs", "Sergejs", "Andrejs", "Vladimirs", "Igors", "Maksims",
    "Artjoms", "Deniss", "Kirils", "Jevgēņijs",
)  # fmt: skip
RU_FEMALE = (
    "Jeļena", "Olga", "Tatjana", "Natālija", "Svetlana", "Anastasija", "Jekaterina",
    "Viktorija", "Darja", "Irina", "Jūlija", "Ksenija",
)  # fmt: skip
LV_SURNAMES = (
    ("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozoliņš", "Ozoliņa"),
    ("Liepiņš", "Liepiņa"), ("Krūmiņš", "Krūmiņa"), ("Jansons", "Jansone"), ("Ozols", "Ozola"),
    ("Kalējs", "Kalēja"), ("Zariņš", "Zariņa"), ("Pētersons", "Pētersone"), ("Vītols", "Vītola"),
    ("Kļaviņš", "Kļaviņa"), ("Eglītis", "Eglīte"), ("Balodis", "Balode"), ("Siliņš", "Siliņa"),
    ("Lapiņš", "Lapiņa"), ("Šteins", "Šteina"), ("Zvaigzne", "Zvaigzne"), ("Āboliņš", "Āboliņa"),
    ("Celmiņš", "Celmiņa"), ("Grīnbergs", "Grīnberga"), ("Lūsis", "Lūse"), ("Vilks", "Vilka"),
    ("Žagars", "Žagare"), ("Putniņš", "Putniņa"), ("Strautiņš", "Strautiņa"),
)  # fmt: skip
RU_SURNAMES = (
    ("Ivanovs", "Ivanova"), ("Petrovs", "Petrova"), ("Kuzņecovs", "Kuzņecova"),
    ("Smirnovs", "Smirnova"), ("Popovs", "Popova"), ("Vasiļjevs", "Vasiļjeva"),
    ("Sokolovs", "Sokolova"), ("Morozovs", "Morozova"), ("Volkovs", "Volkova"),
)  # fmt: skip
