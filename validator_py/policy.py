"""The client profile as an explicit, frozen input, so tests are exact and operators can tune it."""

from __future__ import annotations

from collections.abc import Sequence

from .record import record


def one_of(words: Sequence[str]) -> str:
    """``words`` as a message offers alternatives: "a", "a or b", "a, b or c"."""
    *rest, last = words
    return f"{', '.join(rest)} or {last}" if rest else last


# The curves WebCrypto and pyca/cryptography both verify; anything else cannot be checked everywhere.
SUPPORTED_CURVES = frozenset({"P-256", "P-384", "P-521"})
# The same curves as messages name them, "P-256, P-384 or P-521", so no message can fall behind the set.
SUPPORTED_CURVES_TEXT = one_of(sorted(SUPPORTED_CURVES))


@record
class Policy:
    """What Nuvy expects of a client certificate and CSR (guide steps 3 and 5).

    ``min_rsa_bits`` and ``allowed_hashes`` come from the guide's "Algorithms" section (client RSA 2048,
    SHA-256); ``warn_days`` is how long before expiry the validator starts pointing at rotation (step 9).
    """

    min_rsa_bits: int = 2048
    allowed_hashes: frozenset[str] = frozenset({"sha256", "sha384", "sha512"})
    warn_days: int = 30
    expect_key_encipherment_for_rsa: bool = True

    def __post_init__(self) -> None:
        if self.warn_days < 0:
            raise ValueError("warn_days must be zero or positive")
        if self.min_rsa_bits < 1024:
            raise ValueError("min_rsa_bits below 1024 is not a meaningful policy")
