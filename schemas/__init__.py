"""Package marker: the schemas travel in the wheel as ``gateway.contracts.schemas`` (setup.py)."""
