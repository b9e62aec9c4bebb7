"""Stepping through a kind's items on the wall (cards, groups), one at a time."""

# What `neighbour` returns when there is nowhere to go (past the last, before the overview).
STAY = object()


def neighbour(keys, shown, direction):
    """The item to show after moving one step (+1 next, -1 previous) from `shown` in `keys`.

    None means the overview (before the first item); STAY means the move is not possible.
    """
    position = keys.index(shown) if shown in keys else None
    if direction > 0:
        if position is None:
            return keys[0] if keys else STAY
        return keys[position + 1] if position + 1 < len(keys) else STAY
    if position is None:
        return STAY
    return keys[position - 1] if position > 0 else None
