"""Stand-ins for the services the gateway calls, for development, the demo and the tests.

None of this is the runtime's: the gateway's processes (``gateway serve``, the SOAP
application, the portal, the services, the store, the register clients) never import this
package or :mod:`gateway.demo` (``tests/test_import_boundaries.py`` holds that); only the
simulators' commands of :mod:`gateway.cli` do, when they are run.

* :mod:`~gateway.simulators.register` — the population register (PMLP) and the Prison
  Administration's register (IeVP) over HTTP (``gateway registry-sim [--register ievp]``),
  served by :mod:`~gateway.simulators.register_server`; the register's side of the wire
  (:mod:`~gateway.simulators.register_envelope`) and their RULES §10 fixtures
  (:mod:`~gateway.simulators.register_fixture`, :mod:`~gateway.simulators.prison_fixture`);
* :mod:`~gateway.simulators.ejournal` — the school e-journals E-klase and Mykoob as OpenID
  Connect providers (``gateway ejournal-sim``);
* :mod:`~gateway.simulators.pki` — the demo PKI: TSA, OCSP responder, CRL (``gateway pki-sim``).
"""
