"""The seven-question potential checklist (DESIGN §2)."""

from __future__ import annotations

from dataclasses import dataclass

ANSWERS = ("yes", "no", "unknown")


@dataclass(frozen=True)
class Question:
    key: str
    text: str


QUESTIONS: tuple[Question, ...] = (
    Question("services", "Does the customer need several of our services?"),
    Question("replace", "Do they have other suppliers we could replace?"),
    Question("volume", "How much do they buy per year, and how much of it do we deliver?"),
    Question("growing", "Is their industry or company growing?"),
    Question("changes", "Are there strategic changes or expansions we could contribute to?"),
    Question("purchasing", "What is their purchasing process like — can we influence it?"),
    Question("supplier_list", "Where are we on their supplier list, and can we climb?"),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)


@dataclass(frozen=True)
class ChecklistSummary:
    answered: int
    pointing_up: int
    total: int = len(QUESTIONS)

    @property
    def text(self) -> str:
        return f"{self.answered}/{self.total} answered · {self.pointing_up} point to more potential"


def summarise(answers: dict[str, str]) -> ChecklistSummary:
    """How many questions are answered (yes/no) and how many point to more potential (yes)."""
    known = [answers.get(k) for k in QUESTION_KEYS]
    return ChecklistSummary(
        answered=sum(a in ("yes", "no") for a in known),
        pointing_up=sum(a == "yes" for a in known),
    )
