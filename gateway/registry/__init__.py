"""The registers the gateway consumes: their contracts, clients and the mandate service.

* :mod:`~gateway.registry.mandate_service` — ``check_mandate`` and ``check_age``: what the SOAP
  services call (RULES §2, §3);
* :mod:`~gateway.registry.client` — ``RegistryClient``: the contract of
  ``wsdl/pmlp-representation.wsdl`` called through the lean
  :mod:`~gateway.registry.caller` (a prepared request template, one bounded POST, the answer
  checked against the schemas and read with lxml), with a TTL cache
  (:mod:`~gateway.registry.cache`); the prison register's client is built from the same parts.

The registers' stand-ins (``gateway registry-sim``) are not here: they are simulators,
:mod:`gateway.simulators.register`, which the runtime never imports.

See ``docs/registry.md``.
"""
