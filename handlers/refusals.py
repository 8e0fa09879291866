"""What the user hears when a request is refused: one Indonesian sentence per reason."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import workflow
from bot.domain.sop import Sop
from bot.domain.sop_catalog import SopCatalog, as_catalog
from bot.domain.workflow import CLOSED_STATUSES, ItemStatus
from bot.service import errors
from handlers.actions import ACTION_VIEWS
from handlers.cards import person, sop_named

# Callback answers (toasts and alerts) are limited to 200 characters by Telegram.
ANSWER_LIMIT = 200


def refusal_text(exc: Exception, sops: Sop | SopCatalog, zone: ZoneInfo) -> str:
    """The catalog text for a refused request; `exc` is a workflow or service error, which
    names the SOP of the item it is about (its steps name the refusal)."""
    catalog = as_catalog(sops)
    sop = catalog.find(getattr(exc, "sop_key", None))
    match exc:
        case errors.AlreadyDecided():
            return already_decided_text(exc, sop, texts.fmt_moment_short(exc.at, zone))
        case errors.NotAMember():
            return texts.UNKNOWN_USER_ALERT.format(user_id=exc.user_id)
        case errors.DraftOfAnother():
            roles = sop.role_titles(exc.roles)
            return texts.DRAFT_OF_ANOTHER.format(code=exc.code, creator=exc.creator, roles=roles)
        case errors.PagesOfAnother():
            names = ", ".join(exc.uploaders)
            return texts.PAGES_OF_ANOTHER.format(code=exc.code, version=exc.version, names=names)
        case errors.CardNotForChat():
            return texts.CARD_NOT_FOR_CHAT.format(code=exc.code)
        case workflow.NotOpener() if exc.sop_key and len(catalog.publishing) > 1:
            # which SOP was chosen at /baru, and who opens items under it
            roles = sop.role_titles(exc.required_roles)
            return texts.NOT_OPENER_SOP.format(roles=roles, sop=sop_named(sop))
        case workflow.NotOpener():
            return texts.NOT_OPENER.format(roles=catalog.role_titles(exc.required_roles))
        case workflow.NotCorrector():
            return texts.NOT_CORRECTOR.format(roles=catalog.role_titles(exc.required_roles))
        case errors.NotPublished():
            return _not_published(exc)
        case errors.CorrectionRunning():
            at = texts.fmt_moment_short(exc.at, zone)
            step = exc.step_title or "-"
            return texts.CORRECTION_RUNNING.format(
                code=exc.code, name=exc.name, at=at, ref=exc.step_ref or "-", step=step
            )
        case errors.SopNotOffered():
            return texts.SOP_NOT_OFFERED
        case workflow.NotCanceller():
            return texts.NOT_CANCELLER.format(roles=sop.role_titles(exc.required_roles))
        case workflow.NotYourStep():
            return texts.NOT_YOUR_STEP.format(roles=sop.role_titles(exc.required_roles))
        case workflow.OwnDesign():
            return texts.OWN_DESIGN
        case workflow.NotesRequired():
            return texts.NOTES_REQUIRED.format(what=_notes_word(exc.action))
        case workflow.SourcesNotConfirmed():
            return texts.SOURCES_NOT_CONFIRMED
        case workflow.LinksRequired():
            return texts.LINKS_REQUIRED
        case workflow.LinkNotPending():
            return texts.TAKEDOWN_LINK_GONE
        case errors.NoMaterial():
            return texts.NO_MATERIAL
        case errors.NoDesignFiles():
            return texts.NO_DESIGN_FILES
        case errors.NotDesignStep():
            return texts.NOT_DESIGN_STEP.format(code=exc.code, step=exc.step_title)
        case errors.NotOperator():
            designers = {s.design_step.role for s in catalog.publishing}
            return texts.NOT_OPERATOR.format(role=catalog.role_titles(designers))
        case errors.NoItemForUpload():
            return texts.NO_ITEM_FOR_UPLOAD
        case errors.UploadGone():
            return texts.UPLOAD_PICK_GONE
        case errors.ItemNotFound():
            return texts.ITEM_GONE
        case errors.InvalidInput():
            return str(exc)
        case workflow.ItemClosed():
            return texts.ITEM_CLOSED_NOW.format(status=texts.STATUS_LABELS[exc.status.value])
        case workflow.StaleDecision():
            return texts.STEP_MOVED_ON
        case workflow.InvalidTransition():
            return texts.ACTION_NOT_NOW.format(where=_where(exc.where, sop))
        case _:
            return texts.BAD_BUTTON


def already_decided_text(exc: errors.AlreadyDecided, sop: Sop, when: str) -> str:
    if exc.status in CLOSED_STATUSES and exc.name is None:
        return texts.ITEM_CLOSED.format(code=exc.code, status=texts.STATUS_LABELS[exc.status])
    if exc.name is None:
        key = exc.current_step
        step = sop.step(key).title if key and sop.has_step(key) else exc.status
        return texts.STALE_BUTTON.format(step=step, version=exc.current_version)
    return texts.ALREADY_DECIDED.format(
        action=texts.ACTION_LABELS.get(exc.action or "", exc.action),
        who=person(exc.name, exc.role, sop),
        at=when,
    )


def _not_published(exc: errors.NotPublished) -> str:
    """Why there is nothing to correct: a draft, an item still running (return it where it
    is instead), or a cancelled one."""
    if exc.status == ItemStatus.DRAFT:
        return texts.NOT_PUBLISHED_DRAFT.format(code=exc.code)
    if exc.status == ItemStatus.CANCELLED:
        return texts.NOT_PUBLISHED_CANCELLED.format(code=exc.code)
    if exc.status == ItemStatus.TAKEN_DOWN:
        return texts.NOT_PUBLISHED_TAKEN_DOWN.format(code=exc.code)
    step = exc.step_title or "-"
    return texts.NOT_PUBLISHED_ACTIVE.format(code=exc.code, ref=exc.step_ref or "-", step=step)


def _where(where: str, sop: Sop) -> str:
    """The step by its number and title, or the item's status for a draft."""
    if sop.has_step(where):
        step = sop.step(where)
        return texts.STEP_WHERE.format(ref=step.ref, title=step.title)
    return texts.STATUS_LABELS.get(where, where)


def _notes_word(action: workflow.Action) -> str:
    return ACTION_VIEWS[action].notes_what or texts.NOTES_WHAT["default"]
