"""The one error tree of the gateway.

Every error the gateway raises on purpose derives from :class:`GatewayError`. Each carries a
stable ``code`` (the SOAP fault code later), whether the caller or the server is at fault, and a
message in Latvian and in English fit to show to a citizen. Details are attributes, never
formatted into the message, so that no personal data or internals reach an answer by accident.
Domain errors become SOAP faults at exactly one boundary (``gateway.soap``).

A refusal may name the :class:`Problem` it found (which rule of the request was broken); the
fault then says it after the message, in both languages. ``docs/FAULTS.md`` lists every code
and message (``python -m gateway.soap.fault_table`` writes it; a test keeps it current).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:  # the domain's errors come from here: no import at run time
    from gateway.domain.mandate import Accessor


@dataclass(frozen=True, slots=True)
class Problem:
    """Which rule a request broke, as one sentence in Latvian and one in English.

    The texts are fixed, or name only parts of our own contract (an X-Road header, an element
    of the published schema, an HTTP header); never a value the caller sent.
    """

    lv: str
    en: str


class GatewayError(Exception):
    """Root of all deliberate gateway errors."""

    code: ClassVar[str] = "InternalError"
    side: ClassVar[str] = "Server"  # "Client" or "Server", as in SOAP 1.1 faultcode; "" for none
    http_status: ClassVar[int] = 500  # SOAP 1.1 over HTTP: faults travel with 500
    message_lv: ClassVar[str] = "Radās iekšēja kļūda. Lūdzu, mēģiniet vēlāk."
    message_en: ClassVar[str] = "An internal error occurred. Please try again later."

    accessor: Accessor | None = None
    """Who the requester is in a register's eyes, when one named them (RULES §13): the refusal's
    audit record keeps it, as the decision's would. Never part of the fault."""

    def __init__(
        self, detail: str | None = None, *, problem: Problem | None = None,
        accessor: Accessor | None = None, **attrs: object
    ) -> None:
        super().__init__(detail or self.message_en)
        self.detail = detail
        self.problem = problem
        self.accessor = accessor
        self.attrs = attrs

    @property
    def text_lv(self) -> str:
        """The Latvian message, followed by the problem found when there is one."""
        return self.message_lv if self.problem is None else f"{self.message_lv} {self.problem.lv}"

    @property
    def text_en(self) -> str:
        """The English message, followed by the problem found when there is one."""
        return self.message_en if self.problem is None else f"{self.message_en} {self.problem.en}"

    @property
    def faultcode(self) -> str:
        """The local part of the SOAP 1.1 ``faultcode`` QName, e.g. ``Client.NoMandate``."""
        return f"{self.side}.{self.code}" if self.side else self.code


class ClientError(GatewayError):
    """The request is at fault."""

    side = "Client"
    code = "InvalidRequest"
    message_lv = "Pieprasījums nav derīgs."
    message_en = "The request is not valid."


class InvalidRequest(ClientError):
    code = "InvalidRequest"


class RequestTooLarge(ClientError):
    code = "InvalidRequest"
    http_status = 413
    message_lv = "Pieprasījums ir pārāk liels."
    message_en = "The request is too large."


class InvalidUserId(ClientError):
    code = "InvalidRequest"
    message_lv = "Lietotāja identifikators (userId) nav derīgs: tam jābūt LV un personas kodam."
    message_en = "The user identifier (userId) is not valid: it must be LV and a personal code."


class InvalidPersonalCode(ClientError):
    code = "InvalidPersonalCode"
    message_lv = "Personas kods nav derīgs."
    message_en = "The personal code is not valid."


class InvalidPeriod(ClientError):
    code = "InvalidRequest"
    message_lv = (
        "Periods nav derīgs: sākums nedrīkst būt pēc beigām, un periods ir līdz 400 dienām."
    )
    message_en = (
        "The period is not valid: it must not start after it ends, and spans 400 days at most."
    )


class UnknownClient(ClientError):
    code = "UnknownClient"
    message_lv = "Pieprasītāja sistēmai nav piekļuves šim pakalpojumam."
    message_en = "The calling system may not use this service."


class NoMandate(ClientError):
    code = "NoMandate"
    message_lv = "Jums nav tiesību skatīt šīs personas datus."
    message_en = "You may not view this person's data."


class RequesterUnderage(ClientError):
    code = "RequesterUnderage"
    message_lv = (
        "E-pakalpojums ir pieejams tikai pilngadīgām personām. "
        "Ja jums vēl nav 18 gadu, lūdziet kādu no vecākiem apskatīt datus jūsu vietā."
    )
    message_en = (
        "This e-service is for adults only. If you are under 18, please ask a parent to view "
        "the data for you."
    )


class TooManySubjects(ClientError):
    code = "TooManySubjects"
    message_lv = (
        "Pārāk daudz pieprasījumu par dažādām personām. Lūdzu, mēģiniet vēlāk vai sazinieties "
        "ar VISC (atbalsts@visc.gov.lv, 66051908)."
    )
    message_en = (
        "Too many requests about different persons. Please try again later or contact VISC "
        "(atbalsts@visc.gov.lv, 66051908)."
    )


class TooManyVerifications(ClientError):
    """A verifier client made more verifyCertificate calls than its window allows (§13)."""

    code = "TooManyRequests"
    message_lv = (
        "Pārāk daudz sertifikātu pārbaužu no šīs sistēmas. Lūdzu, mēģiniet vēlāk vai "
        "sazinieties ar VISC (atbalsts@visc.gov.lv, 66051908)."
    )
    message_en = (
        "Too many certificate verifications from this system. Please try again later or "
        "contact VISC (atbalsts@visc.gov.lv, 66051908)."
    )


class DocumentNotFound(ClientError):
    code = "DocumentNotFound"
    message_lv = "Dokuments nav atrasts."
    message_en = "The document was not found."


class InstitutionNotFound(ClientError):
    code = "InstitutionNotFound"
    message_lv = "Izglītības iestāde nav atrasta."
    message_en = "The educational institution was not found."


class DocumentNotAvailable(ClientError):
    """The requester's own certificate, superseded or revoked: no longer downloadable (§13)."""

    code = "DocumentNotAvailable"
    message_lv = (
        "Šis sertifikāts ir aizstāts ar jaunu vai atsaukts, un to vairs nevar lejupielādēt. "
        "Tā statusu un jaunā sertifikāta numuru rāda dokumentu saraksts."
    )
    message_en = (
        "This certificate was superseded by a new one or revoked and can no longer be "
        "downloaded. The document list shows its status and the new certificate's number."
    )


class RateLimited(ClientError):
    """A portal client asked more often than its window allows (sign-ins, downloads)."""

    code = "TooManyRequests"
    message_lv = "Pārāk daudz pieprasījumu. Lūdzu, mēģiniet pēc brīža."
    message_en = "Too many requests. Please try again in a moment."


class FormExpired(ClientError):
    """A portal form came back without this session's anti-forgery token."""

    code = "FormExpired"
    message_lv = "Veidlapas derīgums beidzies. Lūdzu, atveriet lapu no jauna."
    message_en = "The form has expired. Please open the page again."


class SchoolStaffOnly(ClientError):
    """A school route page asked for by a signed-in account that administers no school."""

    code = "SchoolStaffOnly"
    message_lv = "Šī lapa ir skolu administratoriem."
    message_en = "This page is for school administrators."


class SignInRefused(ClientError):
    """The e-journal did not vouch for the person (``detail`` says why; never shown)."""

    code = "SignInRefused"
    message_lv = "Pieslēgšanās neizdevās."
    message_en = "Signing in failed."


class VersionMismatch(GatewayError):
    """Not a SOAP 1.1 envelope (SOAP 1.1 §4.4.1)."""

    code = "VersionMismatch"
    side = ""
    message_lv = "Tiek atbalstīta tikai SOAP versija 1.1."
    message_en = "Only SOAP 1.1 is supported."


class MustUnderstand(GatewayError):
    """A header marked mustUnderstand="1" that the gateway does not process (SOAP 1.1 §4.2.3)."""

    code = "MustUnderstand"
    side = ""
    message_lv = "Pieprasījumā ir obligāti apstrādājama galvene, ko šis pakalpojums neapstrādā."
    message_en = "The request carries a mandatory header that this service does not process."


class SignatureInvalid(ClientError):
    """A signature failed verification; ``reason`` names the check that failed."""

    code = "SignatureInvalid"
    message_lv = "Paraksts nav derīgs."
    message_en = "The signature is not valid."

    def __init__(self, detail: str, *, reason: str) -> None:
        super().__init__(detail, reason=reason)
        self.reason = reason


class ServerError(GatewayError):
    """The gateway or something behind it is at fault."""


class RegistryUnavailable(ServerError):
    code = "RegistryUnavailable"
    message_lv = "Fizisko personu reģistrs pašlaik nav pieejams. Lūdzu, mēģiniet vēlāk."
    message_en = "The population register is not available right now. Please try again later."


class PrisonRegistryUnavailable(ServerError):
    code = "PrisonRegistryUnavailable"
    message_lv = (
        "Ieslodzījuma vietu pārvaldes reģistrs pašlaik nav pieejams. Lūdzu, mēģiniet vēlāk."
    )
    message_en = (
        "The Prison Administration's register is not available right now. "
        "Please try again later."
    )


class SealingUnavailable(ServerError):
    """The time-stamping authority, OCSP responder or CRL did not answer usably: a long-term
    seal (RULES §6) cannot be made now; nothing was stored."""

    code = "SealingUnavailable"
    message_lv = (
        "E-dokumentu pašlaik nevar apzīmogot: laika zīmoga vai sertifikātu statusa pakalpojums "
        "nav pieejams. Lūdzu, mēģiniet vēlāk."
    )
    message_en = (
        "The e-document cannot be sealed right now: the time-stamping or certificate status "
        "service is not available. Please try again later."
    )


class AppealNotAllowed(ClientError):
    """Not the adult student, a minor's legal representative or the resocialisation official
    of an imprisoned student (RULES §8)."""

    code = "AppealNotAllowed"
    message_lv = (
        "Apelāciju var iesniegt tikai pilngadīgs skolēns, nepilngadīga skolēna likumiskais "
        "pārstāvis vai ieslodzīta skolēna resocializācijas amatpersona."
    )
    message_en = (
        "An appeal may be filed only by the adult student, a minor student's legal "
        "representative, or the resocialisation official of a student in prison."
    )


class AppealTooLate(ClientError):
    """The month for an appeal after the certificate's issue has passed (RULES §8)."""

    code = "AppealTooLate"
    message_lv = (
        "Apelācijas termiņš ir beidzies: apelāciju var iesniegt viena kalendārā mēneša laikā "
        "pēc sertifikāta izdošanas."
    )
    message_en = (
        "The time for an appeal has passed: an appeal may be filed within one calendar month "
        "after the certificate was issued."
    )


class InternalError(ServerError):
    code = "InternalError"


class SignInUnavailable(ServerError):
    """The e-journal's sign-in could not be reached."""

    code = "SignInUnavailable"


class ImportRejected(GatewayError):
    """An import file was refused as a whole; ``record`` and ``field`` say where."""

    code = "ImportRejected"
    side = "Client"
    message_lv = "Importa fails ir noraidīts."
    message_en = "The import file was refused."

    def __init__(self, detail: str, *, record: str | None = None, field: str | None = None) -> None:
        super().__init__(detail, record=record, field=field)
        self.record = record
        self.field = field


class ConfigurationError(GatewayError):
    """A setting is missing or unsafe; the gateway refuses to start."""

    code = "ConfigurationError"


class ProductionRefused(ConfigurationError):
    """``environment = "production"`` with parts only a demo may use; the gateway does not start."""

    code = "ProductionRefused"
    message_lv = "Ražošanas vidē vārteja nestartē ar demonstrācijas iestatījumiem."
    message_en = "In production the gateway does not start with demo settings."

    def __init__(self, problems: list[str]) -> None:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"environment=production: {self.message_en} / {self.message_lv}\n{lines}",
            problems=tuple(problems),
        )
        self.problems = tuple(problems)


class CommandRefused(GatewayError):
    """A command of the ``gateway`` CLI cannot run as asked: a file, folder or setting it needs
    is missing, unreadable or wrong. Nothing was written. The CLI prints it as ONE line,
    ``gateway: <what>: <which file or setting>: <what to do>``, and exits with ``exit_code``
    (2: the command line or the configuration is at fault; 1: anything else)."""

    code = "CommandRefused"
    exit_code: int = 2

    def __init__(self, what: str, where: str, todo: str, *, exit_code: int = 2) -> None:
        super().__init__(f"{what}: {where}: {todo}", what=what, where=where, todo=todo)
        self.what, self.where, self.todo = what, where, todo
        self.exit_code = exit_code


class DatabaseUnavailable(CommandRefused):
    """The configured database cannot be reached or used (refused connection, unknown host,
    wrong password, no schema yet); ``where`` is its URL without the password."""

    code = "DatabaseUnavailable"

    def __init__(self, what: str, where: str, todo: str) -> None:
        super().__init__(what, where, todo, exit_code=1)
