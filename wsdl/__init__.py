"""Package marker: the WSDLs travel in the wheel as ``gateway.contracts.wsdl`` (setup.py)."""
