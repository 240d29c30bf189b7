"""XML namespaces used by the gateway, in one place."""

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# X-Road message protocol v4.0
XROAD = "http://x-road.eu/xsd/xroad.xsd"
XROAD_ID = "http://x-road.eu/xsd/identifiers"
XROAD_REPR = "http://x-road.eu/xsd/representation.xsd"

# XML signatures
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"

# Our own contracts
VPIS = "http://vpis.visc.gov.lv/xroad/vpis/v1"
"""The published VPIS services (EP181, EP226)."""
PMLP = "http://vpis.visc.gov.lv/xroad/pmlp-representation/v1"
"""The population register service as the gateway consumes it."""
IEVP = "http://vpis.visc.gov.lv/xroad/ievp-resocialisation/v1"
"""The Prison Administration's resocialisation service as the gateway consumes it."""
