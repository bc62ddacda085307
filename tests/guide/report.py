"""The block account the suite prints at the end: `executed N of M code blocks; K marked not runnable`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BlockAccount:
    total: int = 0
    executed: set[str] = field(default_factory=set)
    marked: set[str] = field(default_factory=set)
    versions: set[str] = field(default_factory=set)

    def summary(self) -> str:
        executed, marked = len(self.executed), len(self.marked)
        return f"executed {executed} of {self.total} code blocks; {marked} marked not runnable"

    def lines(self) -> list[str]:
        """What the session prints at the end, for the parts of the suite that ran."""
        lines = [self.summary()] if self.total else []
        if self.versions:
            lines.append(f"troubleshooting messages checked with: {', '.join(sorted(self.versions))}")
        return lines


# One account per pytest session: the page tests fill it, the summary hook prints it.
ACCOUNT = BlockAccount()
