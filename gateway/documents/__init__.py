"""Rendering of certificates and language-proficiency documents."""
