"""The sections of a review form, generated from its template version.

Each section knows its form, how to save it (recording every change), and what stops the review
being submitted. Views and services look sections up by kind through the registry; nothing here is
per council. The built-in kinds are imported below so that they register themselves."""

from . import (  # noqa: F401  (register the kinds)
    best_practice,
    escalation,
    qa_plan,
    questions,
    ratings,
    session,
    text,
    worker_involvement,
)
from .base import Change, Problem, Section
from .registry import SECTIONS, register_section, review_relations, section_of, sections_of, worker_sections

__all__ = [
    "SECTIONS",
    "Change",
    "Problem",
    "Section",
    "register_section",
    "review_relations",
    "section_of",
    "sections_of",
    "worker_sections",
]
