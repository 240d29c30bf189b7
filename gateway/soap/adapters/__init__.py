"""The SOAP adapters, one module per e-service: each reads its requests, names the service
function that decides, and builds its answers, and declares its rows of the operation table
(:mod:`gateway.soap.operations`). None of them filters, decides or audits."""
