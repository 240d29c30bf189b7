"""Rendering of certificates and language-proficiency documents.

``model`` says what is printed (frozen values, no database, no SOAP); ``render`` turns it into
an A4 PDF with :func:`~gateway.documents.render.render_certificate` and
:func:`~gateway.documents.render.render_language_document`; ``fonts`` finds and registers the
embedded DejaVu fonts; ``layout`` and ``wording`` hold the shared page and its texts.
"""
