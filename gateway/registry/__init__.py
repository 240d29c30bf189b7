"""The population register (PMLP): its client, its simulator and the mandate service."""
