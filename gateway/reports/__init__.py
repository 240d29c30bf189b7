"""The VIIS report (RULES §12): a school's results of one level in the sessions a selection date
holds — its data and how it is read (:mod:`~gateway.reports.institution`), and the Excel
workbook it is written as (:mod:`~gateway.reports.workbook`).

A room of its own: the services decide who gets a report (:mod:`gateway.services.report`,
:mod:`gateway.services.school`) and import it from here; the workbook imports only the report,
never a service, so neither :mod:`gateway.services` nor :mod:`gateway.documents` (the
certificates) depends on the other through it (``tests/test_import_boundaries.py``).
"""
