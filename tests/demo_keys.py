"""Demo key material made once per test process and copied into each test's data directory.

``ensure_demo_keys`` makes three RSA keys and their certificates, a few tenths of a second on
a busy machine, for every runtime a test builds. Here they are made once (by the same function)
and copied, modes kept, into ``DATA_DIR/keys``; the gateway finds them there and keeps them, as
it keeps an operator's demo keys from an earlier ``gateway init``. :func:`demo_runtime` also
loads them once.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from dataclasses import fields
from pathlib import Path

from gateway.documents.issue import DocumentIssuer
from gateway.registry.client import RegistryClient
from gateway.registry.prison_client import PrisonClient
from gateway.runtime import Runtime, clock_for
from gateway.settings import Settings, load_settings
from gateway.signing.config import SignatureAlgorithm
from gateway.signing.demo_keys import demo_key_paths, ensure_demo_keys
from gateway.store.db import create_engine_for

_lock = threading.RLock()
_made: dict[SignatureAlgorithm, Path] = {}


def copy_demo_keys(data_dir: Path,
                   algorithm: SignatureAlgorithm = SignatureAlgorithm.RSA_SHA256) -> None:
    """Put the demo keys of ``algorithm`` into ``data_dir/keys`` unless a key directory is
    there already (the gateway then makes what is missing, as always)."""
    target = demo_key_paths(data_dir, algorithm).directory
    if target.exists():
        return
    with _lock:
        source = _made.get(algorithm)
        if source is None:
            home = Path(tempfile.mkdtemp(prefix=f"gateway-test-keys-{algorithm.value}-"))
            atexit.register(shutil.rmtree, home, ignore_errors=True)
            source = ensure_demo_keys(home, algorithm).directory
            _made[algorithm] = source
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*"))


_RUNTIME_PARTS = frozenset({"settings", "engine", "registry", "signer", "issuer", "clock",
                            "prison"})
"""What a :class:`Runtime` holds; :func:`demo_runtime` says for each where it comes from."""
_runtimes: dict[SignatureAlgorithm, Runtime] = {}


def _uses_demo_keys(settings: Settings) -> bool:
    signing = settings.signing
    return (signing.key_file is None and signing.pkcs12_file is None
            and signing.eseal_key_file is None)


def demo_runtime(settings: Settings) -> Runtime:
    """``Runtime.build(settings)`` with the demo keys (copied into the data directory) loaded
    once per process: loading an RSA key checks it, tens of milliseconds each, and a build
    loads eight. Everything else is the test's own, made from ``settings`` as ``build`` makes
    it: the engine, the register clients, the document issuer (its counters), the clock."""
    algorithm = settings.signing.algorithm
    copy_demo_keys(settings.data_dir, algorithm)
    if not _uses_demo_keys(settings):
        return Runtime.build(settings)
    parts = {f.name for f in fields(Runtime)}
    if parts != _RUNTIME_PARTS:
        raise AssertionError(f"Runtime's parts changed ({sorted(parts ^ _RUNTIME_PARTS)}): "
                             "say in tests/demo_keys.demo_runtime where they come from")
    with _lock:
        base = _runtimes.get(algorithm)
        if base is None:
            home = Path(tempfile.mkdtemp(prefix="gateway-test-runtime-"))
            atexit.register(shutil.rmtree, home, ignore_errors=True)
            copy_demo_keys(home, algorithm)
            base = Runtime.build(load_settings(data_dir=home, signing=settings.signing))
            base.close()  # only its keys and its issuer's clock are used
            _runtimes[algorithm] = base
    return Runtime(
        settings=settings,
        engine=create_engine_for(settings),
        registry=RegistryClient(settings),
        signer=base.signer,
        issuer=DocumentIssuer(base.issuer.eseal, base.issuer.clock),
        clock=clock_for(settings),
        prison=PrisonClient(settings),
    )
