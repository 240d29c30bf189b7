"""The VPIS gateway.

X-Road services EP181 and EP226 of Latvia's State Examination Information System.
"""

__version__ = "0.1.0"
