"""The micro-credential model: one place to import it from.

The model is split by noun: `course` (Course, Award, Skill), `annex` (EU Council
Recommendation 2022/C 243/02 Annex I: the issuer's completeness checks and the verifier's
report), `certificate` (the readable, format-independent view), `sdjwt_claims` (SD-JWT VC
claims), `open_badge` and `open_badge_reader` (Open Badges 3.0 and its VCDM 1.1 twin).
"""

from __future__ import annotations

from .annex import (
    ANNEX_I_MANDATORY,
    ANNEX_I_OPTIONAL,
    AnnexReport,
    FieldProblem,
    annex_i,
    award_problems,
    course_problems,
    require_issuable,
)
from .certificate import Certificate
from .course import LEVEL_NOT_APPLICABLE, PARTICIPATION_FORMS, Award, Course, Skill
from .open_badge import OB3_CONTEXTS, VCDM11_CONTEXTS, to_open_badge, to_vcdm11
from .open_badge_reader import certificate_from_open_badge, certificate_from_vcdm11
from .sdjwt_claims import (
    SDJWT_ALWAYS_VISIBLE,
    SDJWT_SELECTIVE_CLAIMS,
    VCT,
    certificate_from_sdjwt,
    to_sdjwt_claims,
)

__all__ = [
    "ANNEX_I_MANDATORY",
    "ANNEX_I_OPTIONAL",
    "AnnexReport",
    "Award",
    "Certificate",
    "Course",
    "FieldProblem",
    "LEVEL_NOT_APPLICABLE",
    "OB3_CONTEXTS",
    "PARTICIPATION_FORMS",
    "SDJWT_ALWAYS_VISIBLE",
    "SDJWT_SELECTIVE_CLAIMS",
    "Skill",
    "VCDM11_CONTEXTS",
    "VCT",
    "annex_i",
    "award_problems",
    "certificate_from_open_badge",
    "certificate_from_sdjwt",
    "certificate_from_vcdm11",
    "course_problems",
    "require_issuable",
    "to_open_badge",
    "to_sdjwt_claims",
    "to_vcdm11",
]
