"""A lean enveloped XML signature (XMLDSig 1.1) over one element referenced by its ``Id``.

The profile of RULES §6, and nothing else: exclusive C14N 1.0 without comments and without
inclusive prefixes, SHA-256 digests, RSA-SHA256 or ECDSA-SHA256 (RFC 6931 §2.3.2, §2.3.6), one
``ds:Reference`` to ``#<Id>`` with the enveloped-signature and exc-C14N transforms, and
``ds:KeyInfo/ds:X509Data/ds:X509Certificate`` (the signing certificate first, then any
intermediates that came with the key). The ``ds:Signature`` is the last child of the
signed element. Never SHA-1, never ``URI=""``.

:func:`sign_enveloped` is on the hot path (every answer), so it builds the signature directly
instead of going through a general library; signxml and xmlsec1 verify its output in the tests.
:func:`verify_enveloped` holds a signature to exactly this profile (structure, algorithms, the
reference to the signed element, the pinned certificate) and has signxml check its digest and
value (:mod:`gateway.signing.pinned`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import uuid
from collections.abc import Collection

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
)
from lxml import etree

from gateway.errors import InternalError, SignatureInvalid
from gateway.ns import DS
from gateway.signing.config import SignatureAlgorithm
from gateway.signing.keys import SigningKey
from gateway.signing.pinned import verify_enveloped_value

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SIGNATURE_METHODS: dict[SignatureAlgorithm, str] = {
    SignatureAlgorithm.RSA_SHA256: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    SignatureAlgorithm.ECDSA_SHA256: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
}
ID_ATTRIBUTE = "Id"

_NSMAP = {"ds": DS}
_ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9._-]{0,127}\Z")  # an ASCII xsd:ID (NCName)
# Attributes some verifier may treat as an ID (signxml: Id, ID, id, xml:id; WS-Security wsu:Id).
_ID_NAMES = frozenset({"Id", "ID", "id"})
_COUNT_ID = etree.XPath(
    "count(//@*[local-name()='Id' or local-name()='ID' or local-name()='id'][. = $v])"
)


def _ds(local: str) -> str:
    return f"{{{DS}}}{local}"


def sign_enveloped(
    element: etree._Element, key: SigningKey, *, id_value: str | None = None
) -> None:
    """Sign ``element`` in place with an enveloped signature (XMLDSig 1.1 §3.1, §6.6.4).

    The element gets the ``Id`` ``id_value`` (or keeps its own, or gets a fresh random one);
    the reference digest is the exclusive C14N (Exc-C14N 1.0 §3) of the element as it sits in
    its document, taken before the ``ds:Signature`` is appended, which is what the
    enveloped-signature transform yields (§6.6.4). ``ds:SignedInfo`` is canonicalised in the
    tree, so that its namespace context is the final one (§3.1.2, §4.4.1).
    """
    ref_id = _claim_id(element, id_value)
    digest = hashlib.sha256(exc_c14n(element)).digest()

    signature = etree.SubElement(element, _ds("Signature"), nsmap=_NSMAP)
    signed_info = etree.SubElement(signature, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod"), Algorithm=EXC_C14N)
    etree.SubElement(
        signed_info, _ds("SignatureMethod"), Algorithm=SIGNATURE_METHODS[key.algorithm]
    )
    reference = etree.SubElement(signed_info, _ds("Reference"), URI=f"#{ref_id}")
    transforms = etree.SubElement(reference, _ds("Transforms"))
    etree.SubElement(transforms, _ds("Transform"), Algorithm=ENVELOPED_SIGNATURE)
    etree.SubElement(transforms, _ds("Transform"), Algorithm=EXC_C14N)
    etree.SubElement(reference, _ds("DigestMethod"), Algorithm=SHA256)
    etree.SubElement(reference, _ds("DigestValue")).text = _b64(digest)
    value = etree.SubElement(signature, _ds("SignatureValue"))
    key_info = etree.SubElement(signature, _ds("KeyInfo"))
    x509_data = etree.SubElement(key_info, _ds("X509Data"))
    etree.SubElement(x509_data, _ds("X509Certificate")).text = key.certificate_b64
    for issuer in key.chain:  # intermediates, so that a verifier pinning the root finds its path
        etree.SubElement(x509_data, _ds("X509Certificate")).text = _b64(
            issuer.public_bytes(serialization.Encoding.DER)
        )

    signed_info_c14n = exc_c14n(signed_info)
    value.text = _b64(signature_value(key, signed_info_c14n))


def exc_c14n(node: etree._Element) -> bytes:
    """Exclusive C14N 1.0 *without comments* of ``node`` in its document (Exc-C14N §3).

    lxml keeps comments unless told otherwise; a same-document ``#Id`` reference drops them
    (XMLDSig 1.1 §4.4.3.3), and so do exc-C14N transforms and SignedInfo's canonicalisation.
    """
    return etree.tostring(node, method="c14n", exclusive=True, with_comments=False)


def signature_value(key: SigningKey, data: bytes) -> bytes:
    """Sign ``data``; ECDSA values in the XMLDSig form r || s (XMLDSig 1.1 §6.4.3)."""
    private_key = key.private_key
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    r, s = decode_dss_signature(private_key.sign(data, ec.ECDSA(hashes.SHA256())))
    size = (private_key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def verify_enveloped(
    element: etree._Element,
    *,
    expected_certificate: x509.Certificate,
    algorithms: Collection[SignatureAlgorithm] = frozenset(SignatureAlgorithm),
) -> etree._Element:
    """Verify the enveloped signature of ``element`` against a pinned certificate.

    Accepts exactly the profile :func:`sign_enveloped` produces and returns ``element``.
    Against signature wrapping (XMLDSig 1.1 §8.1.3) it resolves the reference itself: the
    document must have no DTD and no repeated ID-like attribute, the one ``ds:Reference``
    must be ``#`` + ``element``'s ``Id``, and the ``ds:Signature`` must be ``element``'s last
    child. Then it checks the algorithms, that the embedded certificate is the pinned one, the
    reference digest (§3.2.1) and the signature value (§3.2.2). Raises :class:`SignatureInvalid`.
    """
    tree = element.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        raise SignatureInvalid("documents with a DTD are refused", reason="dtd")
    ref_id = element.get(ID_ATTRIBUTE)
    if not ref_id:
        raise SignatureInvalid("the signed element has no Id", reason="no-id")
    children = [c for c in element if isinstance(c.tag, str)]
    signatures = [c for c in children if c.tag == _ds("Signature")]
    if len(signatures) != 1 or children[-1] is not signatures[0]:
        raise SignatureInvalid(
            "expected exactly one ds:Signature, as the last child", reason="signature-placement"
        )
    signature = signatures[0]
    signed_info, value, key_info = _expect(signature, "SignedInfo", "SignatureValue", "KeyInfo")
    c14n, method, reference = _expect(
        signed_info, "CanonicalizationMethod", "SignatureMethod", "Reference"
    )
    transforms, digest_method, digest_value = _expect(
        reference, "Transforms", "DigestMethod", "DigestValue"
    )
    enveloped, exc_transform = _expect(transforms, "Transform", "Transform")
    (x509_data,) = _expect(key_info, "X509Data")
    certificates = [c for c in x509_data if isinstance(c.tag, str)]
    if not certificates or any(c.tag != _ds("X509Certificate") for c in certificates):
        raise SignatureInvalid("unexpected content in ds:X509Data", reason="structure")
    certificate = certificates[0]  # the signing certificate; intermediates may follow
    for node in (c14n, method, enveloped, exc_transform, digest_method):
        _expect(node)

    if reference.get("URI") != f"#{ref_id}":
        raise SignatureInvalid("the reference does not point at the signed element", reason="uri")
    if _resolve_id(tree, ref_id) is not element:
        raise SignatureInvalid("the reference resolves to another element", reason="wrapping")
    algorithm = _check_algorithms(c14n, method, enveloped, exc_transform, digest_method, algorithms)

    embedded = b64decode_strict(certificate.text, "certificate")
    expected = expected_certificate.public_bytes(serialization.Encoding.DER)
    if not hmac.compare_digest(embedded, expected):
        raise SignatureInvalid("the certificate is not the expected one", reason="certificate")
    b64decode_strict(digest_value.text, "digest")
    b64decode_strict(value.text, "signature-value")
    # The profile and the reference are ours; the digest and the signature value, signxml's.
    verify_enveloped_value(element, expected_certificate, [algorithm])
    return element


def _claim_id(element: etree._Element, id_value: str | None) -> str:
    if element.find(_ds("Signature")) is not None:
        raise InternalError("the element already carries a ds:Signature")
    if id_value is None:
        id_value = element.get(ID_ATTRIBUTE) or f"id-{uuid.uuid4().hex}"
    if not _ID_PATTERN.match(id_value):
        raise InternalError("the Id to sign under is not an NCName", id_value=id_value)
    element.set(ID_ATTRIBUTE, id_value)
    if _COUNT_ID(element.getroottree(), v=id_value) != 1:
        raise InternalError("the Id to sign under is not unique in the document")
    return id_value


def _resolve_id(tree: etree._ElementTree, ref_id: str) -> etree._Element | None:
    """The element whose ID is ``ref_id`` (XMLDSig 1.1 §4.4.3.3), refusing repeated IDs."""
    owners: dict[str, etree._Element] = {}
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue  # comments and processing instructions
        for name, value in node.attrib.items():
            name, value = str(name), str(value)  # lxml-stubs: str | bytes
            if name.rpartition("}")[2] in _ID_NAMES:
                if value in owners:
                    raise SignatureInvalid("the document repeats an Id", reason="duplicate-id")
                owners[value] = node
    return owners.get(ref_id)


def _expect(parent: etree._Element, *local_names: str) -> list[etree._Element]:
    """The element children of ``parent``, which must be exactly ``ds:<local_names>``."""
    children = [c for c in parent if isinstance(c.tag, str)]
    if [c.tag for c in children] != [_ds(n) for n in local_names]:
        local = etree.QName(parent).localname
        raise SignatureInvalid(f"unexpected content in ds:{local}", reason="structure")
    return children


def _check_algorithms(
    c14n: etree._Element,
    method: etree._Element,
    enveloped: etree._Element,
    exc_transform: etree._Element,
    digest_method: etree._Element,
    allowed: Collection[SignatureAlgorithm],
) -> SignatureAlgorithm:
    expected = (EXC_C14N, ENVELOPED_SIGNATURE, EXC_C14N, SHA256)
    actual = tuple(e.get("Algorithm") for e in (c14n, enveloped, exc_transform, digest_method))
    if actual != expected:
        raise SignatureInvalid("a transform or digest algorithm is not allowed", reason="algorithm")
    for algorithm in allowed:
        if method.get("Algorithm") == SIGNATURE_METHODS[algorithm]:
            return algorithm
    raise SignatureInvalid("the signature algorithm is not allowed", reason="algorithm")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode_strict(text: str | None, what: str) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except binascii.Error:
        raise SignatureInvalid(f"malformed base64 in the {what}", reason="base64") from None
