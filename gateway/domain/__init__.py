"""Pure rules of the gateway (RULES §1, §2, §3, §5, §8): no I/O, imports nothing of the other packages."""
