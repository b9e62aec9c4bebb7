"""Join codes: short, easy to read aloud and to type on a phone."""

import secrets

# No 0/O, 1/I/L: the characters people mix up when reading from a wall or typing.
JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 6


def new_join_code():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(raw):
    """What a person typed → the code as stored, or "" when it cannot be one.

    Forgiving about case, spaces and dashes ("abc 234", "ABC-234"), and about the
    look-alikes we never issue (o→0 is not in the alphabet, so it can't match anyway).
    """
    cleaned = "".join(ch for ch in (raw or "").upper() if ch not in " -")
    if len(cleaned) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in cleaned):
        return ""
    return cleaned


def new_participant_token():
    return secrets.token_urlsafe(24)
