"""Mentions as a table (``geomap.to_dataframe``)."""

from __future__ import annotations

import geomap
from geomap.tables import COLUMNS


def _docs(geoparser):
    a = geoparser.parse("Floods hit Kursk on Monday. Rescuers came from Brussels.", id="a",
                        meta={"source": "wire", "tags": ["flood"]})
    b = geoparser.parse("It rained in Lima all week.", id="b")
    return [a, b]


def test_one_row_per_mention_with_the_documented_columns(geoparser):
    docs = _docs(geoparser)
    df = geomap.to_dataframe(docs)
    assert list(df.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert len(df) == sum(len(d.mentions) for d in docs) == 3
    first = df.iloc[0]
    m = docs[0].mentions[0]
    assert (first["id"], first["text"], first["start"], first["end"]) == ("a", m.text, m.start, m.end)
    assert first["name"] == m.place.name and first["lat"] == m.place.lat and first["geonameid"] == m.place.geonameid
    assert first["meta.source"] == "wire" and first["meta.tags"] == '["flood"]'  # nested meta as JSON text
    assert df[df["id"] == "b"]["meta.source"].isna().all()
    assert list(df["text"]) == ["Kursk", "Brussels", "Lima"]


def test_geodataframe_points(geoparser):
    gdf = geomap.to_geodataframe(_docs(geoparser))
    assert gdf.crs.to_epsg() == 4326
    row = gdf[gdf["text"] == "Lima"].iloc[0]
    assert (row.geometry.x, row.geometry.y) == (row["lon"], row["lat"])
