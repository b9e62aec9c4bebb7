"""Step 12, "Zelf een voorbeeld bedenken": each mixed group writes one proposal, then a vote.

The facilitator forms small groups mixed by side (exercises/grouping.py). Each group writes
ONE proposal together on their phones: title, what it is, the roles of the formal and of
the informal partners, important conditions; each part autosaves on its own with a version
check, so two members typing in the same part are told instead of overwriting each other.
The wall shows the proposals group by group (or an overview of the titles). Then the
facilitator may open a vote: each participant has `votes_each` votes, at most one per
proposal (their own group's is allowed), and the wall shows the results as bars.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from sessions.models import Participant

from ..grouping import GroupWork, group_of, parse_int
from ..models import Contribution, Vote
from ..registry import register

TITLE_MAX_LENGTH = 120
DEFAULT_VOTES = 3
MIN_VOTES = 1
MAX_VOTES = 5


def bar_class(count, scale):
    """A bar's width as a CSS class, in whole percents (the CSP forbids inline styles)."""
    if not count or not scale:
        return "gp-w-0"
    return f"gp-w-{max(1, round(100 * count / scale))}"


@register
class GroupProposal(GroupWork):
    slug = "group_proposal"
    label = _("Group proposal and vote")
    counts_answers = True
    field_limits = {"title": TITLE_MAX_LENGTH}
    single_line = frozenset({"title"})
    field_prefix = "gp"

    # --- the proposals and the votes -----------------------------------------------------

    def proposals(self, step):
        """The proposals one can vote for: visible group answers with some text, by group.

        One query, with each proposal's number of votes.
        """
        keys = self.keys(step)
        candidates = (
            Contribution.objects.filter(
                step=step,
                hidden=False,
                group__isnull=False,
                participant__isnull=True,
                slot="",
                client_id="",
            )
            .select_related("group")
            .annotate(vote_count=Count("votes"))
            .order_by("group__number", "pk")
        )
        return [proposal for proposal in candidates if self.has_content(proposal, keys)]

    def votable(self, step, proposal_id):
        """A proposal of this step that can get votes, or Http404."""
        pk = parse_int(proposal_id)
        proposal = next((p for p in self.proposals(step) if p.pk == pk), None) if pk else None
        if proposal is None:
            raise Http404("No such proposal in this step")
        return proposal

    def votes_each(self, step):
        votes = parse_int(step.state.get("votes_each"))
        return votes if votes and MIN_VOTES <= votes <= MAX_VOTES else DEFAULT_VOTES

    def vote_held(self, step):
        """Has a vote been opened in this step (open now, or closed with its results)?"""
        return bool(step.state.get("voting") or step.state.get("vote_closed"))

    def results(self, step):
        """The proposals sorted by votes (most first), with bar widths: two queries."""
        proposals = self.proposals(step)
        scale = max((p.vote_count for p in proposals), default=0)
        rows = [
            {
                "proposal": proposal,
                "number": proposal.group.number,
                "title": proposal.data.get("title", ""),
                "votes": proposal.vote_count,
                "bar": bar_class(proposal.vote_count, scale),
                "percent": round(100 * proposal.vote_count / scale) if scale else 0,
                "most": scale > 0 and proposal.vote_count == scale,
            }
            for proposal in proposals
        ]
        # While the vote runs the wall lists the proposals by group, without counts, so
        # the order doesn't give the standing away.
        candidates = list(rows)
        rows.sort(key=lambda row: (-row["votes"], row["number"]))
        return {
            "candidates": candidates,
            "results": rows,
            "votes_cast": sum(row["votes"] for row in rows),
            "voters": self.answered_count(step) or 0,
        }

    def answered_count(self, step):
        """During and after the vote: how many participants voted. Before: nothing to count."""
        if not self.vote_held(step):
            return None
        return (
            Vote.objects.filter(step=step, proposal__hidden=False)
            .values("participant")
            .distinct()
            .count()
        )

    # --- context -----------------------------------------------------------------------

    def phone_context(self, step, session, participant):
        context = super().phone_context(step, session, participant)
        context.update(
            voting=bool(step.state.get("voting")),
            vote_closed=bool(step.state.get("vote_closed")) and not step.state.get("voting"),
        )
        if context["voting"]:
            context.update(self.ballot(step, participant))
        return context

    def ballot(self, step, participant):
        """The phone's ballot: the proposals, which ones this participant voted for."""
        proposals = self.proposals(step)
        mine = set(
            Vote.objects.filter(
                step=step, participant=participant, proposal__hidden=False
            ).values_list("proposal_id", flat=True)
        )
        own_group = group_of(participant)
        votes_each = self.votes_each(step)
        used = sum(1 for proposal in proposals if proposal.pk in mine)
        return {
            "ballot": [
                {
                    "proposal": proposal,
                    "number": proposal.group.number,
                    "title": proposal.data.get("title", ""),
                    "what": proposal.data.get("what", ""),
                    "voted": proposal.pk in mine,
                    "own": own_group is not None and proposal.group_id == own_group.pk,
                }
                for proposal in proposals
            ],
            "votes_each": votes_each,
            "votes_used": used,
            "votes_left": max(0, votes_each - used),
        }

    def projector_context(self, step, session):
        context = self.wall_context(step, session)
        context.update(
            voting=bool(step.state.get("voting")),
            vote_closed=bool(step.state.get("vote_closed")),
            votes_each=self.votes_each(step),
            show_results=bool(step.state.get("results")) and context["current"] is None,
        )
        if context["show_results"]:
            context.update(self.results(step))
        return context

    def controls_context(self, step, session):
        context = super().controls_context(step, session)
        context.update(
            voting=bool(step.state.get("voting")),
            vote_closed=bool(step.state.get("vote_closed")),
            votes_each=self.votes_each(step),
            min_votes=MIN_VOTES,
            max_votes=MAX_VOTES,
            show_results=bool(step.state.get("results")) and context["current"] is None,
        )
        if self.vote_held(step):
            context.update(self.results(step))
        return context

    def report_context(self, step, session):
        context = super().report_context(step, session)
        if self.vote_held(step):
            context.update(self.results(step))
        return context

    # --- writes from phones -----------------------------------------------------------

    def save_answer(self, request, step, participant):
        action = request.POST.get("action", "")
        if action in ("vote", "unvote"):
            return self.cast(request, step, participant, action)
        return self.save_field(request, step, participant)

    def cast(self, request, step, participant, action):
        if not step.state.get("voting"):
            return self.render_ballot(
                request, step, participant, errors=[_t("The vote is not open.")], status=409
            )
        proposal = self.votable(step, request.POST.get("proposal"))
        votes_each = self.votes_each(step)
        with transaction.atomic():
            # One vote at a time per participant, so two quick taps can't pass the limit.
            Participant.objects.select_for_update().filter(pk=participant.pk).exists()
            mine = Vote.objects.filter(step=step, participant=participant, proposal__hidden=False)
            if action == "unvote":
                mine.filter(proposal=proposal).delete()
            elif not mine.filter(proposal=proposal).exists():
                if mine.count() >= votes_each:
                    message = _t(
                        "You have used all your %(votes)d votes. Take one back first to vote "
                        "for this proposal."
                    ) % {"votes": votes_each}
                    return self.render_ballot(
                        request, step, participant, errors=[message], status=422
                    )
                try:
                    with transaction.atomic():
                        Vote.objects.create(step=step, participant=participant, proposal=proposal)
                except IntegrityError:  # the same tap arrived twice
                    pass
        if not request.htmx:  # a phone without JavaScript: back to the page
            return redirect("phone", step.session.code)
        return self.render_ballot(request, step, participant, saved=True)

    def render_ballot(self, request, step, participant, errors=(), saved=False, status=200):
        context = {
            "session": step.session,
            "step": step,
            "participant": participant,
            "voting": bool(step.state.get("voting")),
            **self.ballot(step, participant),
            "errors": errors,
            "saved": saved,
        }
        return render(request, self.partial("ballot"), context, status=status)

    # --- the facilitator ----------------------------------------------------------------

    def facilitator_action(self, request, step, action):
        if action == "open_vote":
            votes = parse_int(request.POST.get("votes_each", DEFAULT_VOTES))
            if votes is None or not MIN_VOTES <= votes <= MAX_VOTES:
                return False
            if not self.proposals(step):
                return False  # nothing to vote for yet
            step.state = {
                **step.state,
                "voting": True,
                "vote_closed": False,
                "votes_each": votes,
                "results": True,
                "group": None,
            }
        elif action == "close_vote":
            if not step.state.get("voting"):
                return False
            step.state = {**step.state, "voting": False, "vote_closed": True, "results": True}
        elif action == "show_results":
            if not self.vote_held(step):
                return False
            step.state = {**step.state, "results": True, "group": None}
        elif action == "overview":
            step.state = {**step.state, "results": False, "group": None}
        else:
            return super().facilitator_action(request, step, action)
        step.save(update_fields=["state"])
        return True
