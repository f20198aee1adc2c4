"""The common review model (reviews.py) and the audit programme that schedules reviews (programme.py)."""

from .programme import (
    AuditProgramme,
    CaseSample,
    ExpectedReview,
    ProgrammeRule,
    ProgrammeRun,
    SampleCase,
    TimetableEntry,
)
from .reviews import (
    BestPracticeNotice,
    Case,
    CriterionAnswer,
    Escalation,
    GuidanceRead,
    QAPlanAction,
    Review,
    ReviewChange,
    ReviewEvent,
    SectionDraft,
    SectionState,
    SectionText,
    StandardRating,
)

__all__ = [
    "AuditProgramme",
    "BestPracticeNotice",
    "Case",
    "CaseSample",
    "CriterionAnswer",
    "Escalation",
    "GuidanceRead",
    "ExpectedReview",
    "ProgrammeRule",
    "ProgrammeRun",
    "QAPlanAction",
    "Review",
    "ReviewChange",
    "ReviewEvent",
    "SampleCase",
    "SectionDraft",
    "SectionState",
    "SectionText",
    "StandardRating",
    "TimetableEntry",
]
