"""geomap.extracted: `geomap extract` records read back as written, edits included."""

from __future__ import annotations

import json

import pytest

from geomap.extracted import is_extracted, stored_document
from geomap.ingest import Record, read_inputs
from geomap.model import Document

try:
    from tests.test_render import KYIV, kursk_doc
except ImportError:
    from test_render import KYIV, kursk_doc


def read_back(tmp_path, *records: dict) -> list[Document]:
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return [r.doc for r in read_inputs([str(path)]) if isinstance(r, Record)]


def test_a_record_reads_back_as_the_document_it_was(tmp_path):
    doc = kursk_doc(title="Kursk report")
    doc.mentions[0].precision = "containing"
    (read,) = read_back(tmp_path, doc.to_dict())
    assert is_extracted(read)
    again = stored_document(read)
    assert again.to_dict() == doc.to_dict()
    assert again.meta == {"title": "Kursk report"}


def test_an_edited_place_is_kept(tmp_path):
    record = kursk_doc().to_dict()
    record["mentions"][4]["place"] = KYIV.to_dict()  # Sudzha -> Kyiv, by hand
    (read,) = read_back(tmp_path, record)
    assert stored_document(read).mentions[4].place == KYIV


def test_plain_records_are_not_extracted(tmp_path):
    (read,) = read_back(tmp_path, {"id": "a", "text": "Rain in Lima.", "mentions": "none"})
    assert not is_extracted(read)


@pytest.mark.parametrize("breakage, message", [
    (lambda r: r["mentions"][0].update(start=1), "mention 0 ('Kursk') does not match the text"),
    (lambda r: r["mentions"][0].update(end=10_000), "does not match the text"),
    (lambda r: r["mentions"][1].update(place={"name": "no id"}), "malformed geomap extract record"),
    (lambda r: r["mentions"][1].pop("start"), "malformed geomap extract record"),
])
def test_a_record_that_does_not_hold_together_is_refused(tmp_path, breakage, message):
    record = kursk_doc().to_dict()
    breakage(record)
    (read,) = read_back(tmp_path, record)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        stored_document(read)


def test_stored_and_parsed_records_keep_their_input_order():
    from geomap.batch import Outcome
    from geomap.cli import _keep_extracted
    from geomap.ingest import InputError

    stored = [Record(Document(d["text"], id=d["id"], meta={k: v for k, v in d.items() if k not in ("text", "id")}),
                     "x.jsonl", i) for i, d in enumerate([kursk_doc(id="s1").to_dict(), kursk_doc(id="s2").to_dict()])]
    plain = [Record(Document("Rain in Lima.", id=f"p{i}"), "y.txt", None) for i in range(2)]
    bad = InputError("z.jsonl", "invalid JSON", 3)
    items = [plain[0], stored[0], bad, stored[1], plain[1]]

    def parse(todo):
        for item in todo:
            yield Outcome(item, None, item) if isinstance(item, InputError) else Outcome(item, item.doc)

    got = list(_keep_extracted(iter(items), parse))
    assert [o.item for o in got] == items
    assert [len(o.doc.mentions) if o.doc else None for o in got] == [0, 6, None, 6, 0]
    again = list(_keep_extracted(iter(items), parse, reparse=True))
    assert [o.doc.mentions if o.doc else None for o in again] == [[], [], None, [], []]
    assert again[1].doc.meta == {}  # the nested meta, not the stored parse
