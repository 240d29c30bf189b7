"""Which rule a refused request broke: the :class:`~gateway.errors.Problem` of an
``InvalidRequest`` fault, in Latvian and English.

The texts name only parts of our own contract — an X-Road header of PR-MESS §2.4 by its name,
an element declared in ``schemas/vpis.xsd``, an HTTP header — or the kind of input refused
("not well-formed XML", "a DTD is not allowed"). None of them carries what the caller sent.
"""

from __future__ import annotations

import re
from functools import cache

from lxml import etree

from gateway import xroad as protocol
from gateway.errors import Problem
from gateway.ns import XSD
from gateway.soap import contract

# --- HTTP ---------------------------------------------------------------------------------------
CONTENT_TYPE = Problem("HTTP galvenei Content-Type jābūt text/xml.",
                       "The HTTP header Content-Type must be text/xml.")
CHARSET = Problem("Galvenē Content-Type norādītā rakstzīmju kopa (charset) neatbilst saturam.",
                  "The charset named in Content-Type does not match the body.")
CONTENT_LENGTH = Problem("HTTP galvene Content-Length nav derīga.",
                         "The HTTP header Content-Length is not valid.")
SHORT_BODY = Problem("Saturs ir īsāks, nekā norādīts galvenē Content-Length.",
                     "The body is shorter than its Content-Length.")
SLOW_BODY = Problem("Saturs netika saņemts laikā.", "The body did not arrive in time.")
CHUNKED = Problem("Pa daļām (chunked) sūtītais saturs nav pareizi veidots.",
                  "The chunked body is malformed.")

# --- XML (gateway.xmlsafe) ----------------------------------------------------------------------
NOT_XML = Problem("Saturs nav pareizi veidots XML.", "The body is not well-formed XML.")
DTD = Problem("DTD (DOCTYPE) nav atļauts.", "A DTD (DOCTYPE) is not allowed.")
UNSAFE_XML: dict[str, Problem] = {
    "encoding not allowed": Problem(
        "Šis rakstzīmju kodējums nav atļauts: atļauts tikai UTF-8 vai UTF-16.",
        "This character encoding is not allowed: only UTF-8 or UTF-16."),
    "not UTF-8 or UTF-16 XML": Problem("Saturs nav XML kodējumā UTF-8 vai UTF-16.",
                                       "The body is not XML in UTF-8 or UTF-16."),
    "bad XML declaration": Problem("XML deklarācija nav derīga (tajā jābūt version 1.0).",
                                   "The XML declaration is not valid (it must say version 1.0)."),
    "declared encoding does not match the bytes": Problem(
        "XML deklarācijā norādītais kodējums neatbilst saturam.",
        "The encoding in the XML declaration does not match the bytes."),
    "message too large": Problem("Ziņojums pārsniedz atļauto izmēru.",
                                 "The message is larger than allowed."),
    "DOCTYPE is not allowed": DTD,
    "not well-formed XML": NOT_XML,
    "processing instructions are not allowed": Problem("Apstrādes instrukcijas nav atļautas.",
                                                       "Processing instructions are not allowed."),
    "processing instructions and entities are not allowed": Problem(
        "Apstrādes instrukcijas un entītijas nav atļautas.",
        "Processing instructions and entities are not allowed."),
    "XInclude is not allowed": Problem("XInclude nav atļauts.", "XInclude is not allowed."),
    "too deep": Problem("Elementi ir ligzdoti pārāk dziļi.", "The elements are nested too deeply."),
    "too many elements or attributes": Problem("Pārāk daudz elementu vai atribūtu.",
                                               "There are too many elements or attributes."),
    "too many namespace declarations": Problem("Pārāk daudz nosaukumvietu deklarāciju.",
                                               "There are too many namespace declarations."),
    "name too long": Problem("Elementa vai atribūta nosaukums ir pārāk garš.",
                             "An element or attribute name is too long."),
    "attribute too long": Problem("Atribūta vērtība ir pārāk gara.",
                                  "An attribute value is too long."),
    "text too long": Problem("Teksts ir pārāk garš.", "A text is too long."),
}
"""Per message of :class:`gateway.xmlsafe.UnsafeXML` (a test holds every one of them here)."""
SOME_XML = Problem("Šāds XML saturs nav atļauts.", "Such XML content is not allowed.")
"""For an :class:`~gateway.xmlsafe.UnsafeXML` message missing above (a test keeps none)."""

# --- SOAP 1.1 envelope ----------------------------------------------------------------------------
NOT_SOAP11 = Problem("Saturs nav SOAP 1.1 aploksne (Envelope).",
                     "The body is not a SOAP 1.1 Envelope.")
TEXT_IN_ENVELOPE = Problem("Aploksnē (Envelope) ir teksts ārpus elementiem.",
                           "The Envelope holds text outside its elements.")
ENVELOPE_PARTS = Problem("Aploksnē jābūt galvenei (Header) un pēc tās saturam (Body), nekam citam.",
                         "The Envelope must hold a Header and then a Body, nothing else.")
ONE_PAYLOAD = Problem("Saturā (Body) jābūt tieši vienam elementam.",
                      "The Body must hold exactly one element.")
XSI = Problem("Pieprasījumā nav atļauti xsi atribūti.",
              "xsi attributes are not allowed in a request.")
TEXT_IN_HEADER = Problem("Galvenē (Header) ir teksts ārpus elementiem.",
                         "The Header holds text outside its elements.")
MUST_UNDERSTAND_VALUE = Problem("Atribūta mustUnderstand vērtībai jābūt 0 vai 1.",
                                "The attribute mustUnderstand must be 0 or 1.")

# --- X-Road headers (PR-MESS §2.4) --------------------------------------------------------------
NO_HEADER = Problem("Trūkst SOAP galvenes (Header) ar X-Road galvenēm.",
                    "The SOAP Header with the X-Road headers is missing.")
UNKNOWN_HEADER = Problem("Pieprasījumā ir X-Road galvene, kuras protokolā nav.",
                         "The request carries an X-Road header that the protocol does not have.")
PROTOCOL_VERSION = Problem("X-Road galvenes protocolVersion vērtībai jābūt 4.0.",
                           "The X-Road header protocolVersion must be 4.0.")
NOT_THIS_SERVICE = Problem(
    "X-Road galvene service nenorāda šo pakalpojumu (šo apakšsistēmu un versiju v1).",
    "The X-Road header service does not name this service (this subsystem and version v1).")
UNKNOWN_SERVICE_CODE = Problem("X-Road galvenē service norādīts nezināms pakalpojuma kods.",
                               "The X-Road header service names an unknown service code.")
CLIENT_KIND = Problem("X-Road galvenei client jābūt MEMBER vai SUBSYSTEM.",
                      "The X-Road header client must be a MEMBER or a SUBSYSTEM.")


def missing_header(name: str) -> Problem:
    """A required X-Road header (one of :data:`gateway.xroad.REQUIRED`) is not there."""
    return Problem(f"Trūkst X-Road galvenes {name}.", f"The X-Road header {name} is missing.")


def header_problem(problem: protocol.HeaderProblem) -> Problem:
    """The problem of a :class:`~gateway.xroad.HeaderProblem`, naming a header we know only."""
    name = problem.name
    if name not in protocol.KNOWN:
        return UNKNOWN_HEADER
    if problem.missing:
        return missing_header(name)
    if name == "client" and str(problem).startswith("client must be"):
        return CLIENT_KIND
    if str(problem).startswith("repeated"):
        return Problem(f"X-Road galvene {name} ir norādīta vairāk nekā vienu reizi.",
                       f"The X-Road header {name} appears more than once.")
    return Problem(f"X-Road galvene {name} neatbilst shēmai.",
                   f"The X-Road header {name} does not match its schema.")


# --- the body -------------------------------------------------------------------------------------
BODY_NOT_SERVICE = Problem(
    "Satura (Body) elements neatbilst pakalpojuma kodam galvenē service.",
    "The Body's element does not match the service code in the service header.")

DATE_WITH_ZONE = Problem("Datumiem from un to jābūt bez laika joslas (Rīgas kalendāra dienas).",
                         "The dates from and to must have no time zone (Riga calendar days).")
EXPIRY_WITH_ZONE = Problem("Datumam expiresOn jābūt bez laika joslas (Rīgas kalendāra diena).",
                           "The date expiresOn must have no time zone (a Riga calendar day).")
PAGE_TOKEN = Problem("Lapas marķieris (page) nav iepriekšējās atbildes nextPage.",
                     "The page token (page) is not the nextPage of an earlier answer.")


@cache
def _schema_names() -> frozenset[str]:
    """The local names of the elements ``schemas/vpis.xsd`` declares."""
    tree = etree.parse(str(contract.VPIS_XSD), parser=etree.XMLParser(no_network=True))
    return frozenset(e.get("name", "") for e in tree.iter(f"{{{XSD}}}element")) - {""}


_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?(?:[^':]*:)?([^':]+)'")


def schema_mismatch(error: str | None) -> Problem:
    """The body breaks the published schema; ``error`` is libxml2's first message about it.

    The element is named when it is one the schema declares (then the name is ours, not the
    caller's); an element the caller made up is not repeated, nor any value.
    """
    found = _ELEMENT.search(error or "")
    if found is not None and found.group(1) in _schema_names():
        name = found.group(1)
        return Problem(f"Saturs neatbilst publicētajai shēmai elementā {name}.",
                       f"The body does not match the published schema at the element {name}.")
    return Problem("Saturs neatbilst publicētajai shēmai.",
                   "The body does not match the published schema.")
