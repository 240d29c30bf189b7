"""Pure rules of the gateway (RULES §1, §2, §3, §5, §8).

No I/O; imports nothing of the other packages.
"""
