"""The people of ``data/family.json``, by role (codes written as in the fixture or not)."""

from gateway.domain.personal_code import PersonalCode, parse_personal_code

MOTHER = parse_personal_code("120475-12344")  # Anna's parent with custody; Ilze's without
FATHER = parse_personal_code("301173-14562")  # Anna's parent, custody removed; not a person
ANNA = parse_personal_code("010510-21114")  # minor, born 2010-05-01
ILZE = parse_personal_code("111111-26161")  # minor; her only parent has no custody
BERTA = parse_personal_code("020200-22223")  # adult child, born 2000-02-02
BERTA_PARENT = parse_personal_code("150670-13335")
CITS = parse_personal_code("200812-24442")  # minor with a guardian (aizbildnis)
CITS_GUARDIAN = parse_personal_code("250165-15553")
DACE = parse_personal_code("101080-16661")  # adult with guardians of an adult (aizgādņi)
DACE_GUARDIAN = parse_personal_code("030355-17776")  # valid 2020-01-01 … 2030-12-31
DACE_GUARDIAN_EXPIRED = parse_personal_code("070758-18889")  # valid … 2024-12-31
DACE_GUARDIAN_FUTURE = parse_personal_code("090960-19997")  # valid from 2026-01-01
EGIJA = parse_personal_code("090908-21217")  # born 2008-09-09, declared of age
EGIJA_PARENT = parse_personal_code("121285-12127")
FRICIS = parse_personal_code("150307-23130")  # adult from 2025-03-15
FRICIS_PARENT = parse_personal_code("010180-14140")
NEW_CHILD = parse_personal_code("325812-34567")  # new format, born 2018-07-10
NEW_PARENT = parse_personal_code("329998-88777")  # new format, born 1990-01-20
NEW_MINOR = parse_personal_code("327111-22233")  # new format, born 2015-06-01
UNKNOWN = parse_personal_code("050590-15155")  # old format (1990), not in the register
UNKNOWN_NEW = parse_personal_code("390000-00001")  # new format, not in the register

__all__ = ["PersonalCode"]
