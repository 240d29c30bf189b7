"""What every service function's result says about itself, for the audit record (RULES §7)."""

from __future__ import annotations


class Decided:
    """Mixed into each result: ``reason`` (a field of the result) says why it was allowed;
    ``documents`` the documents returned; ``subjects`` further persons whose data it carries;
    ``subject_code`` whose data it is, when the request did not say (a school's download)."""

    __slots__ = ()

    @property
    def documents(self) -> tuple[str, ...]:
        return ()

    @property
    def subjects(self) -> tuple[str, ...]:
        return ()

    @property
    def subject_code(self) -> str | None:
        return None
