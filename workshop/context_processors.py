from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=1)
def _kind_stylesheets():
    # Each exercise kind keeps its styles beside its template, in static/css/kinds/.
    folder = settings.BASE_DIR / "static" / "css" / "kinds"
    return tuple(f"css/kinds/{path.name}" for path in sorted(folder.glob("*.css")))


def stylesheets(request):
    return {"kind_stylesheets": _kind_stylesheets()}
