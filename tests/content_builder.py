"""Small helpers that write real agenda/FAQ YAML files for tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

AGENDA = """\
conference:
  name: Test Security Conference
  short_name: TSC
  timezone: Asia/Karachi
  venue: {name: Test Hall, address: 1 Test Road, map_url: "https://maps.example/x"}
rooms:
  - {id: hall-a, name: Hall A, floor: Ground floor}
  - {id: lab-1, name: Lab 1}
speakers:
  - {id: chair, name: Dr. Sana Rehman, title: Conference Chair}
  - {id: ecp, name: "Member (IT), Election Commission", title: Election Commission of Pakistan}
sessions:
  - id: opening
    title: Opening keynote on national cyber policy
    start: 2027-02-16 09:00
    end: 2027-02-16 09:45
    room: hall-a
    kind: keynote
    speakers: [chair]
  - id: forensics
    title: "Workshop: digital forensics lab"
    start: 2027-02-16 10:00
    end: 2027-02-16 12:00
    room: lab-1
    kind: workshop
    tags: [forensics]
  - id: elections
    title: Securing election results transmission
    start: 2027-02-17 10:00
    end: 2027-02-17 10:45
    room: hall-a
    speakers: [ecp]
  - id: lunch
    title: Lunch
    start: 2027-02-16 13:00
    end: 2027-02-16 14:00
    kind: break
"""

FAQ = """\
topic: Venue
synonyms:
  - [wifi, wi-fi, internet, wireless]
entries:
  - id: wifi
    question: Is there Wi-Fi at the venue?
    variants:
      - What is the Wi-Fi password?
      - internet kaise chalega
    answer: Join "TSC-Guest"; the password is on your badge.
  - id: parking
    question: Is there parking at the venue?
    variants:
      - Where can I park my car?
      - parking kahan hai
    answer: Parking is free in the east car park.
  - id: registration-deadline
    question: When does registration close?
    variants:
      - registration kab band hogi
      - last date to register
    answer: Registration closes on 10 February.
"""


def write_content(
    root: Path,
    agenda: str = AGENDA,
    faq: dict[str, str] | None = None,
) -> tuple[Path, Path]:
    """Write agenda.yaml and faq/*.yaml under root; return (agenda_path, faq_dir)."""
    agenda_path = root / "agenda.yaml"
    agenda_path.write_text(textwrap.dedent(agenda), encoding="utf-8")
    faq_dir = root / "faq"
    faq_dir.mkdir(exist_ok=True)
    for name, text in (faq if faq is not None else {"venue.yaml": FAQ}).items():
        (faq_dir / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return agenda_path, faq_dir
