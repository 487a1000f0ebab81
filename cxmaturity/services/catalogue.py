"""The maturity models a use case works with, resolved from an id or taken as given."""

from __future__ import annotations

from cxmaturity.errors import InvalidInput
from cxmaturity.i18n import _
from cxmaturity.models import MaturityModel, load_models, model_file_errors

ModelRef = str | MaturityModel


def models() -> dict[str, MaturityModel]:
    """Every valid model, re-read only when a YAML file changes (models.load_models keeps the
    cache). An invalid file is left out, so one broken file never takes the app down;
    ``model_problems`` says which, for administrators."""
    return load_models(skip_invalid=True)


def model_problems() -> list[str]:
    """One line per model file that could not be loaded, naming the file and the key."""
    return [str(e) for e in model_file_errors()]


def model(ref: ModelRef) -> MaturityModel:
    if isinstance(ref, MaturityModel):
        return ref
    available = models()
    try:
        return available[ref]
    except KeyError:
        known = ", ".join(available) or "none"
        raise InvalidInput(
            _("unknown model '{ref}' (known: {known})").format(ref=ref, known=known)
        ) from None


def model_id(ref: ModelRef | None) -> str | None:
    return ref.id if isinstance(ref, MaturityModel) else ref


def org_name(org: object) -> str:
    if not isinstance(org, str):
        raise InvalidInput(
            _("organisation must be given by its name, not {kind}").format(kind=type(org).__name__)
        )
    return org
