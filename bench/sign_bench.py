"""Signing benchmark: ms per enveloped signature, our signer against signxml's XMLSigner.

Usage: ``python -m bench.sign_bench [--rounds N]``. Signs the payload of the sample answer
(tests/signing/data) with fresh demo keys of each algorithm. The target: ~1,000 signed answers
per second on 2 cores, i.e. well under 2 ms per signature per core. Not a test; prints only.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path

from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner

from gateway.ns import VPIS
from gateway.signing.config import SignatureAlgorithm, SigningSettings
from gateway.signing.keys import SigningKey, load_signer_key
from gateway.signing.xmldsig import sign_enveloped

SAMPLE = Path(__file__).resolve().parent.parent / "tests/signing/data/getExamResultsResponse.xml"
PAYLOAD = f"{{{VPIS}}}getExamResultsResponse"
SIGNXML_METHODS = {
    SignatureAlgorithm.RSA_SHA256: SignatureMethod.RSA_SHA256,
    SignatureAlgorithm.ECDSA_SHA256: SignatureMethod.ECDSA_SHA256,
}


def _payloads(rounds: int) -> list[etree._Element]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(SAMPLE), parser)
    payloads = []
    for _ in range(rounds):
        copy = deepcopy(tree.getroot())
        payload = copy.find(f".//{PAYLOAD}")
        assert payload is not None
        payloads.append(payload)
    return payloads


def _ms_per_call(sign: Callable[[etree._Element, int], object], rounds: int) -> float:
    payloads = _payloads(rounds)
    started = time.perf_counter()
    for number, payload in enumerate(payloads):
        sign(payload, number)
    return (time.perf_counter() - started) * 1000 / rounds


def bench(key: SigningKey, rounds: int) -> tuple[float, float]:
    def ours(payload: etree._Element, number: int) -> None:
        sign_enveloped(payload, key, id_value=f"r{number}")

    signer = XMLSigner(
        signature_algorithm=SIGNXML_METHODS[key.algorithm],
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )

    def theirs(payload: etree._Element, number: int) -> None:
        payload.set("Id", f"r{number}")
        signer.sign(
            payload, key=key.private_key, cert=[key.certificate], reference_uri=f"#r{number}"
        )

    return _ms_per_call(ours, rounds), _ms_per_call(theirs, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        for algorithm in SignatureAlgorithm:
            key = load_signer_key(SigningSettings(algorithm=algorithm), Path(data_dir))
            ours, theirs = bench(key, args.rounds)
            print(
                f"{algorithm.value:>13}: ours {ours:.3f} ms/sign, signxml {theirs:.3f} ms/sign "
                f"({theirs / ours:.1f}x)"
            )


if __name__ == "__main__":
    main()
