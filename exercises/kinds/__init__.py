# Importing a kind's module registers it.
from . import cover, slide, strength  # noqa: F401
