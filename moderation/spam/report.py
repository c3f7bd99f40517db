"""The lines the commands and the admin show about a training, an evaluation, a refusal."""

from dataclasses import dataclass, field

from ..models import SpamModel


@dataclass
class TrainingResult:
    spam_count: int
    legitimate_count: int
    minimum: int
    seconds: float
    model: SpamModel | None = None
    refusals: list[dict] = field(default_factory=list)
    previous: SpamModel | None = None  # the model in use before (still in use if refused)

    @property
    def enough(self) -> bool:
        return min(self.spam_count, self.legitimate_count) >= self.minimum

    @property
    def put_to_use(self) -> bool:
        return self.model is not None and self.model.put_to_use


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def evaluation_lines(figures: dict) -> list[str]:
    how = figures.get("split") or ("by post" if figures.get("grouped_by_post") else "stratified")
    lines = [f"Cross-validation: {figures['folds']} folds ({how})."]
    if "calibration_slope" in figures:
        lines.append(f"Calibration slope: {figures['calibration_slope']:.3f}.")
    for key, label in (("at_spam", "spam threshold"), ("at_hold", "hold threshold")):
        at = figures[key]
        lines.append(
            f"At the {label} {at['threshold']:.3f}: precision {_percent(at['precision'])}, "
            f"recall {_percent(at['recall'])}, legitimate comments at or above it "
            f"{_percent(at['legitimate_flagged'])}"
        )
    if curve := figures.get("curve"):
        lines.append(
            "Spam caught with at most 0.5% / 1% / 2% of legitimate comments flagged: "
            + " / ".join(_percent(curve[key]) for key in ("0.005", "0.01", "0.02"))
        )
    if rules := figures.get("rules"):
        lines.append(
            f"The rules alone file {_percent(rules['recall'])} of spam and "
            f"{_percent(rules['legitimate_flagged'])} of legitimate comments; with the model "
            f"{_percent(rules['with_model_recall'])} and "
            f"{_percent(rules['with_model_legitimate_flagged'])}."
        )
    return lines


def refusal_line(refusal: dict) -> str:
    """One reason a model was not put to use, in words."""
    kind, detail = refusal.get("kind"), refusal.get("detail") or {}
    if kind == "slope":
        return (
            f"Its calibration slope is {detail['slope']:.3f}, not positive: higher scores "
            "would mean less spam, so the model is unusable."
        )
    if kind == "legitimate_flagged":
        return (
            f"At its spam threshold it would file {_percent(detail['share'])} of legitimate "
            f"comments as spam (at most {_percent(detail['limit'])} allowed)."
        )
    if kind == "hold_recall":
        return (
            f"At its hold threshold it would catch only {_percent(detail['recall'])} of spam "
            f"(at least {_percent(detail['floor'])} needed)."
        )
    if kind == "rules":
        return (
            f"It does not beat the rules alone: they file {_percent(detail['recall'])} of spam "
            f"at {_percent(detail['legitimate_flagged'])} of legitimate comments; with the "
            f"model {_percent(detail['with_model_recall'])} at "
            f"{_percent(detail['with_model_legitimate_flagged'])}."
        )
    return f"Refused: {kind}."


def refusal_lines(refusals: list[dict]) -> list[str]:
    return [refusal_line(refusal) for refusal in refusals]


def _previous(result: TrainingResult) -> str:
    if result.previous is None:
        return "The filter stays off: the other rules decide."
    return f"Spam filter #{result.previous.pk} stays in use."


def training_lines(result: TrainingResult) -> list[str]:
    lines = [f"Decisions used: {result.spam_count:,} spam, {result.legitimate_count:,} legitimate."]
    if result.model is None:
        lines.append(
            f"Not enough decisions: the filter needs at least {result.minimum:,} of each. "
            + _previous(result)
        )
    else:
        lines += evaluation_lines(result.model.evaluation)
        if result.model.put_to_use:
            lines.append(f"Spam filter #{result.model.pk} is in use now, in every web process.")
        else:
            lines.append(f"Spam filter #{result.model.pk} was saved but NOT put to use:")
            lines += ["- " + line for line in refusal_lines(result.refusals)]
            lines.append(_previous(result))
    lines.append(f"Took {result.seconds:.1f} s.")
    return lines
