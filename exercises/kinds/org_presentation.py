"""Step 8, "Een (nieuw) beeld van elkaar": each organisation makes a card about itself.

The members of an organisation fill in one shared card together on their phones: four
questions, each its own autosaving field (so two members writing different questions never
clash, and two writing the same one are told), and optionally a photo or logo. Then
"Presentaties!": the facilitator puts the cards on the wall one at a time; before that, and
between cards, the wall shows which organisations have filled in their card.
"""

import io
import warnings

from django import forms
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sessions.models import localized
from sessions.uploads import upload_was_too_large

from ..answers import clean_answer_text, parse_version, save_shared_field_response, save_status
from ..deck import STAY, neighbour
from ..models import Contribution
from ..registry import Kind, register

# Four answers must fit one wall together with a photo: shorter than a free text field.
CARD_FIELD_MAX_LENGTH = 500
# Photos: refused above this size before anything is decoded...
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
# ...and above this many pixels (a small file can claim a huge picture). JPEGs are decoded
# at a reduced scale (draft mode), so a 50-megapixel phone photo stays cheap; other formats
# are decoded in full and get a lower limit.
MAX_PIXELS_JPEG = 64_000_000
MAX_PIXELS_OTHER = 25_000_000
# Stored photos are downsized to this longest side: plenty for a projector.
MAX_SIDE = 1600
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}

# Text length (all four answers) from which the wall uses a smaller type size.
DENSITY_STEPS = (400, 800, 1300)
PHOTO_TEXT_EQUIVALENT = 250


def questions(step, language=None):
    """The step's questions as [{"key", "label"}] in the given (or active) language."""
    language = language or translation.get_language()
    return [
        {"key": q["key"], "label": localized(q, language)}
        for q in step.config.get("questions", [])
        if isinstance(q, dict) and q.get("key")
    ]


def cards_by_organisation(step):
    """The step's organisation cards (shared answers), by organisation id."""
    cards = {}
    for card in Contribution.objects.filter(
        step=step, organisation__isnull=False, participant__isnull=True, slot="", client_id=""
    ).order_by("pk"):
        cards.setdefault(card.organisation_id, card)  # the first one, should there be two
    return cards


def card_of(step, organisation):
    """One organisation's card, or None."""
    return (
        Contribution.objects.filter(
            step=step, organisation=organisation, participant__isnull=True, slot="", client_id=""
        )
        .order_by("pk")
        .first()
    )


def has_content(card, keys):
    return bool(card) and (bool(card.image) or any(card.data.get(key) for key in keys))


class PhotoError(Exception):
    pass


def too_large_message():
    return _("This file is too large (at most %(max)d MB). Choose a smaller photo.") % {
        "max": MAX_UPLOAD_BYTES // (1024 * 1024)
    }


def clean_photo(upload):
    """Verify an uploaded photo and return (bytes, extension) of a clean re-encoded copy.

    Applies the EXIF orientation, then drops every bit of metadata (GPS, camera, dates) by
    re-encoding the pixels only; downsizes to MAX_SIDE. Raises PhotoError with a message a
    participant understands.
    """
    from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

    if upload.size > MAX_UPLOAD_BYTES:
        raise PhotoError(too_large_message())
    not_an_image = _("This is not a photo we can use. Choose a JPEG, PNG or WebP picture.")
    too_big = _("This picture has too many pixels. Choose a smaller photo.")
    # Importing WeasyPrint (any PDF made in this process) switches Pillow to accept truncated
    # files, for every later caller: an upload must be whole, whatever was rendered before.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its pixel limit: treat that as a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise PhotoError(not_an_image)
                limit = MAX_PIXELS_JPEG if probe.format == "JPEG" else MAX_PIXELS_OTHER
                if probe.width * probe.height > limit:
                    raise PhotoError(too_big)
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image_format = image.format
                if image_format == "JPEG":
                    image.draft("RGB", (MAX_SIDE, MAX_SIDE))
                image.load()  # a truncated or corrupt file fails here
                icc_profile = image.info.get("icc_profile")
                image = ImageOps.exif_transpose(image)
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(too_big) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise PhotoError(not_an_image) from None

    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    output = io.BytesIO()
    try:
        # A logo with a transparent background stays a PNG; everything else becomes a JPEG.
        image = image.convert("RGBA" if has_alpha else "RGB")
        # Only the pixels and the colour profile go into the new file: no EXIF, no XMP.
        image.info = {}
        if has_alpha:
            image.save(output, "PNG", optimize=True, icc_profile=icc_profile)
            return output.getvalue(), "png"
        image.save(output, "JPEG", quality=85, optimize=True, icc_profile=icc_profile)
        return output.getvalue(), "jpg"
    except (OSError, ValueError):
        raise PhotoError(not_an_image) from None


@register
class OrgPresentation(Kind):
    slug = "org_presentation"
    label = _("Organisation presentation")
    takes_input = True

    # --- reading -----------------------------------------------------------------------

    def _board(self, step, session):
        """Every participating organisation with its card, and the cards the wall can show.

        Participating: someone of it joined, or it has a card. Two queries, whatever the number
        of organisations.
        """
        keys = [q["key"] for q in questions(step)]
        cards = cards_by_organisation(step)
        organisations = session.organisations.annotate(members=Count("participants")).order_by(
            "side", "name"
        )
        rows = []
        for organisation in organisations:
            card = cards.get(organisation.pk)
            if not organisation.members and card is None:
                continue
            answered = sum(1 for key in keys if card and card.data.get(key))
            shown = has_content(card, keys) and not card.hidden
            rows.append(
                {
                    "organisation": organisation,
                    "card": card,
                    "answered": answered,
                    "filled": answered == len(keys) and bool(keys),
                    "started": has_content(card, keys),
                    "shown": shown,
                }
            )
        deck = [row for row in rows if row["shown"]]
        for index, row in enumerate(deck):
            row["index"] = index
        return rows, deck

    def _current(self, step, deck):
        current_id = step.state.get("card")
        return next((row for row in deck if row["organisation"].pk == current_id), None)

    def _card_view(self, row, step, language=None):
        """A card's answers with their questions, and how dense the text is on the wall."""
        card = row["card"]
        answers = [
            {
                "key": q["key"],
                "label": q["label"],
                "text": card.data.get(q["key"], ""),
                "language": card.language,
            }
            for q in questions(step, language)
        ]
        # A photo takes about as much of the wall as a few lines of text.
        length = sum(len(a["text"]) for a in answers) + (PHOTO_TEXT_EQUIVALENT if card.image else 0)
        density = sum(1 for threshold in DENSITY_STEPS if length > threshold)
        return {**row, "answers": answers, "density": density, "language": card.language}

    def phone_context(self, step, session, participant):
        organisation = participant.organisation
        if organisation is None:
            return {"organisation": None}
        card = card_of(step, organisation)
        return {
            "organisation": organisation,
            "card": card,
            "fields": [
                {
                    **q,
                    "text": card.data.get(q["key"], "") if card else "",
                    "version": int(card.versions.get(q["key"], 0)) if card else 0,
                }
                for q in questions(step)
            ],
            "field_max": CARD_FIELD_MAX_LENGTH,
            "max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        }

    def projector_context(self, step, session):
        rows, deck = self._board(step, session)
        current = self._current(step, deck)
        # The wall speaks the session's language.
        language = session.language
        return {
            "organisations": rows,
            "filled_count": sum(1 for row in rows if row["filled"]),
            "questions": questions(step, language),
            "deck_size": len(deck),
            "current": self._card_view(current, step, language) if current else None,
        }

    def controls_context(self, step, session):
        rows, deck = self._board(step, session)
        current = self._current(step, deck)
        position = current["index"] if current else None
        return {
            "organisations": [self._card_view(row, step) if row["card"] else row for row in rows],
            "filled_count": sum(1 for row in rows if row["filled"]),
            "deck_size": len(deck),
            "current": current,
            "has_previous": current is not None,
            "has_next": bool(deck) and (position is None or position + 1 < len(deck)),
        }

    def report_context(self, step, session):
        _rows, deck = self._board(step, session)
        # The report speaks the session's language.
        return {"cards": [self._card_view(row, step, session.language) for row in deck]}

    # --- writes from phones ----------------------------------------------------------

    def save_answer(self, request, step, participant):
        # The card is always the participant's own organisation's: an organisation id in the
        # POST is never read.
        organisation = participant.organisation
        action = request.POST.get("action", "")
        if organisation is None:
            message = _("You are not part of an organisation, so there is no card to fill in.")
            if action in ("upload", "remove_photo"):
                return self._photo(request, step, None, errors=[message], status=422)
            return save_status(request, errors=[message], status=422)
        if action == "upload":
            return self._upload(request, step, organisation)
        if action == "remove_photo":
            return self._remove_photo(request, step, organisation)
        return self._save_field(request, step, organisation)

    def _save_field(self, request, step, organisation):
        keys = [q["key"] for q in questions(step)]
        field_name = request.POST.get("field", "")
        base_version = parse_version(request.POST.get("base_version"))
        if field_name not in keys:
            return save_status(
                request,
                errors=[_("This question is not part of the card.")],
                extra={"base_version": base_version},
                status=422,
            )
        try:
            text = clean_answer_text(
                request.POST.get("text"), CARD_FIELD_MAX_LENGTH, required=False
            )
        except forms.ValidationError as error:
            return save_status(
                request, errors=error.messages, extra={"base_version": base_version}, status=422
            )
        return save_shared_field_response(
            request,
            step,
            owner={"organisation": organisation},
            field_name=field_name,
            text=text,
            base_version=base_version,
        )

    def _upload(self, request, step, organisation):
        if upload_was_too_large(request):
            errors = [too_large_message()]
            return self._photo(request, step, organisation, errors=errors, status=422)
        upload = request.FILES.get("image")
        if upload is None:
            return self._photo(
                request, step, organisation, errors=[_("Choose a photo first.")], status=422
            )
        try:
            data, extension = clean_photo(upload)  # outside the transaction: it takes a moment
        except PhotoError as error:
            return self._photo(request, step, organisation, errors=[str(error)], status=422)
        with transaction.atomic():
            card = self._lock_card(step, organisation)
            old_name = card.image.name
            card.image.save(f"photo.{extension}", ContentFile(data), save=False)
            card.save(update_fields=["image", "updated_at"])
            if old_name:
                storage = card.image.storage
                transaction.on_commit(lambda: storage.delete(old_name))
        return self._photo(request, step, organisation, saved=True)

    def _remove_photo(self, request, step, organisation):
        with transaction.atomic():
            card = self._lock_card(step, organisation)
            old_name = card.image.name
            if old_name:
                storage = card.image.storage
                card.image = ""
                card.save(update_fields=["image", "updated_at"])
                transaction.on_commit(lambda: storage.delete(old_name))
        return self._photo(request, step, organisation, removed=True)

    def _lock_card(self, step, organisation):
        """The organisation's card, created if need be, locked for this transaction."""
        card, _created = Contribution.objects.get_or_create(
            step=step,
            slot="",
            client_id="",
            participant=None,
            organisation=organisation,
            defaults={"session": step.session},
        )
        return Contribution.objects.select_for_update().get(pk=card.pk)

    def _photo(
        self, request, step, organisation, errors=(), saved=False, removed=False, status=200
    ):
        context = {
            "session": step.session,
            "step": step,
            "organisation": organisation,
            "card": card_of(step, organisation) if organisation else None,
            "max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
            "errors": errors,
            "saved": saved,
            "removed": removed,
        }
        return render(request, self.partial("photo"), context, status=status)

    # --- the facilitator steps through the cards ---------------------------------------

    def facilitator_action(self, request, step, action):
        if action not in ("next_card", "previous_card", "show_card", "overview"):
            return False
        _rows, deck = self._board(step, step.session)
        ids = [row["organisation"].pk for row in deck]
        if action in ("next_card", "previous_card"):
            direction = 1 if action == "next_card" else -1
            target = neighbour(ids, step.state.get("card"), direction)
            if target is STAY:
                return False
        elif action == "show_card":
            target = self._chosen_card(request, step, ids)
            if target is None:
                return False
        else:
            target = None
        step.state = {**step.state, "card": target}
        step.save(update_fields=["state"])
        return True

    def _chosen_card(self, request, step, ids):
        """The organisation id asked for by `organisation` (an id) or `card` (a position)."""
        if request.POST.get("organisation"):
            try:
                organisation_id = int(request.POST["organisation"])
            except ValueError:
                raise Http404("No such organisation") from None
            if not step.session.organisations.filter(pk=organisation_id).exists():
                raise Http404("No such organisation in this session")
            return organisation_id if organisation_id in ids else None
        try:
            index = int(request.POST.get("card", ""))
        except ValueError:
            return None
        return ids[index] if 0 <= index < len(ids) else None
