"""Deleting a session with everything personal in it: participants, answers, photos."""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction


def delete_session(session):
    """Delete the session, its participants and contributions, and its uploaded files."""
    folder = Path(settings.MEDIA_ROOT) / session.code
    with transaction.atomic():
        session.delete()  # cascades; each contribution's photo goes with it (post_delete)
    # Anything left in the session's folder (a file from an interrupted upload) goes too.
    if folder.is_dir() and folder.resolve().parent == Path(settings.MEDIA_ROOT).resolve():
        shutil.rmtree(folder, ignore_errors=True)
