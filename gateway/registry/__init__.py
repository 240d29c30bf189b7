"""The population register (PMLP): its client, its simulator and the mandate service.

* :mod:`~gateway.registry.mandate_service` — ``check_mandate`` and ``check_age``: what the SOAP
  services call (RULES §2, §3);
* :mod:`~gateway.registry.client` — ``RegistryClient``: zeep over ``wsdl/pmlp-representation.wsdl``
  with X-Road headers, timeouts and a TTL cache (:mod:`~gateway.registry.cache`);
* :mod:`~gateway.registry.simulator` — the register's stand-in (``gateway registry-sim``).

See ``docs/registry.md``.
"""
