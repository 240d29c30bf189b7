"""The eksameni.gov.lv student portal (RULES §11), under ``/portal/`` of ``gateway serve``."""
