"""The product's settings plus one bare view, for the load benchmark only (`make bench`).

The bare view is Django's own ceiling on this machine: the same server, middleware and
client, no database. It exists here and never in the product's URLs.
"""

from workshop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
