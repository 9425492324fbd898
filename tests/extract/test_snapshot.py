"""The extractor still finds exactly what it found when findings_snapshot.json was written."""

from __future__ import annotations

import json

from extract.corpus import CURRENCY, RATES
from extract.snapshot import SNAPSHOT, findings
from handoff.extract import make_extractor


def test_findings_match_the_snapshot():
    extractor = make_extractor(currency=CURRENCY, rates=RATES)
    rows = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert len(rows) >= 4000
    changed = [
        (row["text"], row["asked"], row["found"], got)
        for row in rows
        if (got := findings(extractor, row["text"], row["at"], row["asked"])) != row["found"]
    ]
    assert not changed, f"{len(changed)} messages changed, first: {changed[0]}"
