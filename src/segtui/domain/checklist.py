"""The seven-question potential checklist (DESIGN §2)."""

from __future__ import annotations

from dataclasses import dataclass

from segtui.i18n import N_, _

ANSWERS = ("yes", "no", "unknown")


@dataclass(frozen=True)
class Question:
    key: str
    text: str


QUESTIONS: tuple[Question, ...] = (
    Question("services", N_("Does the customer need several of our services?")),
    Question("replace", N_("Do they have other suppliers we could replace?")),
    Question("volume", N_("How much do they buy per year, and how much of it do we deliver?")),
    Question("growing", N_("Is their industry or company growing?")),
    Question("changes", N_("Are there strategic changes or expansions we could contribute to?")),
    Question("purchasing", N_("What is their purchasing process like — can we influence it?")),
    Question("supplier_list", N_("Where are we on their supplier list, and can we climb?")),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)


@dataclass(frozen=True)
class ChecklistSummary:
    answered: int
    pointing_up: int
    total: int = len(QUESTIONS)

    @property
    def text(self) -> str:
        """In the language in use (the questions' texts are marked for the catalog; _() where shown)."""
        return _("{answered}/{total} answered · {up} point to more potential").format(
            answered=self.answered, total=self.total, up=self.pointing_up)


def summarise(answers: dict[str, str]) -> ChecklistSummary:
    """How many questions are answered (yes/no) and how many point to more potential (yes)."""
    known = [answers.get(k) for k in QUESTION_KEYS]
    return ChecklistSummary(
        answered=sum(a in ("yes", "no") for a in known),
        pointing_up=sum(a == "yes" for a in known),
    )
