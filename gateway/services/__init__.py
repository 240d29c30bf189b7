"""What the e-services do, as plain functions of typed arguments: no SOAP in here."""
