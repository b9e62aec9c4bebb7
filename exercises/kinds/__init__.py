# Importing a kind's module registers it.
from . import cover, slide  # noqa: F401
