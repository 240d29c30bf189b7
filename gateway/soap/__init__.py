"""The X-Road SOAP services (spyne), headers and faults."""
