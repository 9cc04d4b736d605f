"""The core demo: a did:key institution issues a micro-credential in three formats, verified."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import TextIO

from . import did, issuance
from .keys import PrivateKey
from .model import Award, Course, Skill
from .status_cache import StatusListCache
from .trust import TrustRegistry
from .verify import Policy, Verifier

DEMO_COURSE = Course(
    id="https://demo.microcred.example/courses/data-101",
    title="Data Analysis with Python",
    description="A short, assessed course in practical data analysis.",
    awarding_body="Demo University of Science",
    country="VN",
    learning_outcomes=("Clean and join tabular data", "Explain a linear regression model"),
    assessment_type="Supervised online exam and a graded project",
    participation_form="online",
    quality_assurance="Internal quality assurance, externally accredited",
    ects=5.0,
    workload_hours=125.0,
    eqf_level=6,
    language="en",
    grade_scheme="0-10",
    prerequisites="Secondary-school mathematics",
    supervision="Supervised online, identity checked",
    stackability="Counts towards the Data Science certificate",
    skills=(Skill("http://data.europa.eu/esco/skill/S5.6.1", "analyse data"),),
)
DEMO_AWARD = Award(
    given_name="Thị Ánh",
    family_name="Nguyễn",
    learner_id="student-2026-0042",
    date_of_issuance="2026-06-01",
    grade="8.5",
)


def run_core_demo(folder: Path, out: TextIO) -> int:
    """Write the demo credentials and a registry to `folder` and print each verdict."""
    folder.mkdir(parents=True, exist_ok=True)
    key = PrivateKey.from_file(folder / "institution-key.json")  # a restart keeps the DID
    issuer = did.did_key(key.public_key)
    identity = issuance.IssuerIdentity(issuer, f"{issuer}#{issuer.split(':')[-1]}", key, "Demo Uni")
    learner = did.did_key(PrivateKey.generate().public_key)
    now = dt.datetime.now(dt.UTC)
    made = {
        "sd-jwt-vc.txt": issuance.issue_sd_jwt_vc(
            identity, DEMO_COURSE, DEMO_AWARD, holder_jwk=None, issued_at=now
        ),
        "open-badge.json": issuance.issue_open_badge(
            identity,
            DEMO_COURSE,
            DEMO_AWARD,
            credential_id="urn:uuid:demo-ob3",
            subject_id=learner,
            issued_at=now,
        ),
        "vc-jwt.txt": issuance.issue_vc_jwt(
            identity,
            DEMO_COURSE,
            DEMO_AWARD,
            credential_id="urn:uuid:demo-jwt",
            subject_id=learner,
            issued_at=now,
        ),
    }
    tampered = copy.deepcopy(made["open-badge.json"])
    assert isinstance(tampered, dict)
    tampered["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    made["open-badge-tampered.json"] = tampered
    registry = {
        "name": "Demo registry",
        "issuers": [
            {
                "did": issuer,
                "name": "Demo University of Science",
                "country": "VN",
                "accreditingBody": "Demo Ministry of Education",
            }
        ],
    }
    (folder / "registry.json").write_text(json.dumps(registry, indent=2))
    resolver = did.DIDResolver(None)
    verifier = Verifier(
        resolver=resolver,
        status_lists=StatusListCache(None, resolver),
        registry=TrustRegistry.from_json(registry, source="registry.json"),
    )
    out.write(f"demo institution: {issuer}\n")
    for name, payload in made.items():
        path = folder / name
        text = payload if isinstance(payload, str) else json.dumps(payload, indent=2)
        path.write_text(text + "\n", encoding="utf-8")
        report = verifier.verify(text, Policy())
        reason = f" ({report.reason})" if report.reason else ""
        out.write(f"  {report.verdict:10} {path}{reason}\n")
    out.write(
        f"try: microcred verify {folder / 'open-badge.json'} --registry {folder}/registry.json\n"
    )
    return 0
