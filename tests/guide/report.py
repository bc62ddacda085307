"""The block account the suite prints at the end: `executed N of M code blocks; K marked not runnable`.

Every block runs against each test server (servers.py); N counts the blocks that ran successfully
against every server that this session started, so a block that fails against one of them does not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BlockAccount:
    total: int = 0
    executed: set[str] = field(default_factory=set)
    marked: set[str] = field(default_factory=set)

    def summary(self) -> str:
        executed, marked = len(self.executed), len(self.marked)
        return f"executed {executed} of {self.total} code blocks; {marked} marked not runnable"


@dataclass
class Coverage:
    total: int = 0
    by_server: dict[str, BlockAccount] = field(default_factory=dict)
    servers: dict[str, str] = field(default_factory=dict)   # kind -> what it is, e.g. "HAProxy 2.6.12"
    versions: set[str] = field(default_factory=set)

    def account(self, kind: str) -> BlockAccount:
        return self.by_server.setdefault(kind, BlockAccount(total=self.total))

    def combined(self) -> BlockAccount:
        accounts = list(self.by_server.values())
        if not accounts:
            return BlockAccount(total=self.total)
        executed = set.intersection(*(account.executed for account in accounts))
        marked = set.union(*(account.marked for account in accounts))
        return BlockAccount(total=self.total, executed=executed, marked=marked)

    def lines(self) -> list[str]:
        """What the session prints at the end, for the parts of the suite that ran."""
        if not self.total or not self.by_server:
            return []
        lines = [self.combined().summary()]
        lines += [
            f"  against {kind} ({self.servers.get(kind, '?')}): {len(account.executed)} executed"
            for kind, account in sorted(self.by_server.items())
        ]
        if self.versions:
            lines.append(f"troubleshooting messages checked with: {', '.join(sorted(self.versions))}")
        return lines


# One account per pytest session: the page tests fill it, the summary hook prints it.
COVERAGE = Coverage()
