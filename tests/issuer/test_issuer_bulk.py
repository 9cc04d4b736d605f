"""Issuing from a CSV: background job with progress, downloads, 10,000 rows, all-or-nothing."""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from typing import Any

import pytest
from flask import Flask
from issuer_app import Staff
from issuer_world import FlaskHTTP, upload

from issuer_stub import bulk
from microcred import qr
from microcred.keys import PrivateKey
from microcred.oid4vci import OB3_CONFIG
from microcred.oid4vci_client import WalletClient

HEADER = "given_name,family_name,learner_id,email,grade,date\n"
ROWS = "Thị Ánh,Nguyễn,SV1,anh@example.vn,9,2025-06-01\nQuốc Bảo,Trần,SV2,,7.5,\n"


def run_job(staff: Staff, data: bytes, **fields: str) -> str:
    """Upload, follow the redirect and poll the progress fragment until the job is done."""
    response = upload(staff, "/bulk", {"course": "1", **fields}, "learners.csv", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    job_id = response.headers["Location"].rsplit("/", 1)[-1]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        fragment = staff.client.get(f"/bulk/{job_id}/progress").get_data(as_text=True)
        if "Issuing" not in fragment:
            break
        assert 'hx-trigger="every 500ms"' in fragment and "<progress" in fragment
        time.sleep(0.05)
    return job_id


def csv_rows(staff: Staff, job_id: str, name: str = "offers") -> list[dict[str, str]]:
    text = staff.client.get(f"/bulk/{job_id}/{name}.csv").get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def count(app: Flask, sql: str) -> Any:
    conn = sqlite3.connect(app.config["DATABASE"])
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_a_checked_file_becomes_offers_with_downloads(app: Flask, staff: Staff) -> None:
    job_id = run_job(staff, ("\ufeff" + HEADER + ROWS).encode("utf-8"), tx_code="on")
    page = staff.client.get(f"/bulk/{job_id}").get_data(as_text=True)
    assert "2 offers ready" in page
    rows = csv_rows(staff, job_id)
    assert [(r["given_name"], r["family_name"]) for r in rows] == [
        ("Thị Ánh", "Nguyễn"),
        ("Quốc Bảo", "Trần"),
    ]
    assert all(r["offer_link"].startswith("openid-credential-offer://") for r in rows)
    # The codes are a download of their own: never in the same file as the links (G03).
    assert "tx_code" not in rows[0] and {r["needs_code"] for r in rows} == {"yes"}
    codes = csv_rows(staff, job_id, "codes")
    assert [r["learner_id"] for r in codes] == ["SV1", "SV2"]
    assert all(len(r["tx_code"]) == 6 and r["tx_code"].isdigit() for r in codes)
    assert not any("offer_link" in r or "openid-credential-offer" in str(r) for r in codes)
    assert codes[0]["tx_code"] not in staff.client.get(f"/bulk/{job_id}/offers.csv").get_data(
        as_text=True
    )
    assert "Download the transaction codes" in page
    sheet = staff.client.get(f"/bulk/{job_id}/sheet").get_data(as_text=True)
    assert sheet.count('class="qr-card"') == 2 and codes[0]["tx_code"] not in sheet
    assert "data-print" in sheet and "code that you receive separately" in sheet
    audit = staff.client.get("/settings/audit").get_data(as_text=True)
    assert "bulk issued" in audit and "2 awards from learners.csv" in audit


def test_a_printed_card_can_be_collected_and_counts_as_collected(app: Flask, staff: Staff) -> None:
    job_id = run_job(staff, (HEADER + ROWS).encode())
    first = csv_rows(staff, job_id)[0]
    sheet = staff.client.get(f"/bulk/{job_id}/sheet").get_data(as_text=True)
    image = sheet.split('<img src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert qr.decode(staff.client.get(image).get_data()) == [first["offer_link"]]
    wallet = WalletClient(FlaskHTTP(app.test_client()), PrivateKey.generate(), allow_http=True)
    wallet.receive(first["offer_link"], configuration_ids=[OB3_CONFIG])
    page = staff.client.get(f"/bulk/{job_id}").get_data(as_text=True)
    assert "1 collected so far" in page


def test_the_form_asks_for_transaction_codes_by_default_and_says_why(staff: Staff) -> None:
    page = staff.client.get("/bulk").get_data(as_text=True)
    assert '<input type="checkbox" name="tx_code" checked>' in page
    assert "valid for 7 days" in page and "lost or photographed card is useless" in page


def test_a_job_without_codes_has_no_codes_download(staff: Staff) -> None:
    job_id = run_job(staff, (HEADER + ROWS).encode())
    assert {r["needs_code"] for r in csv_rows(staff, job_id)} == {"no"}
    assert staff.client.get(f"/bulk/{job_id}/codes.csv").status_code == 404
    page = staff.client.get(f"/bulk/{job_id}").get_data(as_text=True)
    assert "codes.csv" not in page and "hand them out in person" in page


def test_ten_thousand_learners(app: Flask, staff: Staff) -> None:
    lines = "".join(f"Thị {i},Nguyễn,SV{i:06d},,8,\n" for i in range(10_000))
    job_id = run_job(staff, (HEADER + lines).encode())
    assert count(app, "SELECT COUNT(*) FROM awards") == 10_000
    assert count(app, "SELECT COUNT(DISTINCT status_index) FROM awards") == 10_000
    assert count(app, "SELECT COUNT(*) FROM offers WHERE state = 'live'") == 10_000
    assert len(csv_rows(staff, job_id)) == 10_000
    sheet = staff.client.get(f"/bulk/{job_id}/sheet?page=84").get_data(as_text=True)
    assert "Page 84 of 84" in sheet and sheet.count('class="qr-card"') == 10_000 - 83 * 120


def test_indices_are_not_in_file_order(app: Flask, staff: Staff) -> None:
    lines = "".join(f"A,B,SV{i},,,\n" for i in range(50))
    run_job(staff, (HEADER + lines).encode())
    conn = sqlite3.connect(app.config["DATABASE"])
    indices = [r[0] for r in conn.execute("SELECT status_index FROM awards ORDER BY rowid")]
    conn.close()
    assert indices != sorted(indices)


def test_a_failure_half_way_leaves_nothing(
    app: Flask, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("issuer_stub.store.bulk.CHUNK", 10)
    original = bulk.JobBoard.update
    calls = {"n": 0}

    def failing(self: bulk.JobBoard, job_id: str, **changes: Any) -> None:
        if "done" in changes and changes.get("state") is None:
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("disk full")  # after 20 rows were inserted
        original(self, job_id, **changes)

    monkeypatch.setattr(bulk.JobBoard, "update", failing)
    lines = "".join(f"A,B,SV{i},,,\n" for i in range(50))
    job_id = run_job(staff, (HEADER + lines).encode())
    fragment = staff.client.get(f"/bulk/{job_id}/progress").get_data(as_text=True)
    assert "nothing was created" in fragment
    assert count(app, "SELECT COUNT(*) FROM awards") == 0
    assert count(app, "SELECT COUNT(*) FROM bulk_jobs") == 0


def test_unknown_jobs_and_unfinished_downloads(staff: Staff) -> None:
    assert staff.client.get(f"/bulk/{'f' * 32}").status_code == 404
    assert staff.client.get("/bulk/short").status_code == 404


def test_the_template_file_reads_back(staff: Staff) -> None:
    text = staff.client.get("/bulk/template.csv").get_data(as_text=True)
    assert text.startswith("\ufeffgiven_name,family_name,learner_id")
    assert "Nguyễn" in text
