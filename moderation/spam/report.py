"""The lines the commands and the admin show about a training or an evaluation."""

from .training import TrainingResult


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def evaluation_lines(figures: dict) -> list[str]:
    how = "by post" if figures.get("grouped_by_post") else "stratified"
    lines = [f"Cross-validation: {figures['folds']} folds ({how})."]
    for key, label in (("at_spam", "spam threshold"), ("at_hold", "hold threshold")):
        at = figures[key]
        lines.append(
            f"At the {label} {at['threshold']:.3f}: precision {_percent(at['precision'])}, "
            f"recall {_percent(at['recall'])}, legitimate comments at or above it "
            f"{_percent(at['legitimate_flagged'])}"
        )
    return lines


def training_lines(result: TrainingResult) -> list[str]:
    lines = [f"Decisions used: {result.spam_count:,} spam, {result.legitimate_count:,} legitimate."]
    if result.model is None:
        lines.append(
            f"Not enough decisions: the filter needs at least {result.minimum:,} of each, so "
            "it stays off (the existing rules decide)."
            if not result.enough
            else "No model was saved."
        )
    else:
        lines += evaluation_lines(result.model.evaluation)
        lines.append(f"Saved spam filter #{result.model.pk}; every web process picks it up.")
    lines.append(f"Took {result.seconds:.1f} s.")
    return lines
