"""What every service function's result says about itself, for the audit record (RULES §7)."""

from __future__ import annotations

from gateway.domain.mandate import Accessor


class Decided:
    """Mixed into each result: ``reason`` (a field of the result) says why it was allowed;
    ``documents`` the documents returned; ``subjects`` further persons whose data it carries;
    ``subject_code`` whose data it is, when the request did not say (a school's download);
    ``accessor`` who the requester is in a register's eyes, when one named them (RULES §13)."""

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

    @property
    def accessor(self) -> Accessor | None:
        return None
