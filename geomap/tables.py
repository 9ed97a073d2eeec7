"""Mentions as a table: one row per mention, for pandas, CSV and Parquet.

>>> import geomap
>>> df = geomap.to_dataframe(geomap.parse_many(["Floods hit Kursk.", "Rain in Lima."]))  # doctest: +SKIP
>>> df[["id", "text", "name", "lat", "lon"]]                                              # doctest: +SKIP
"""

from __future__ import annotations

import csv
import json
import os
from typing import Any, Iterable, Iterator

from .model import Document

__all__ = ["COLUMNS", "TABLE_FORMATS", "mention_rows", "to_dataframe", "to_geodataframe", "write_table"]

#: The columns of every row, in order; the documents' meta fields follow as ``meta.<key>``.
COLUMNS = ("id", "text", "start", "end", "sentence", "kind", "name", "lat", "lon", "country_code",
           "feature_code", "geonameid", "score", "precision")


def _cell(value: Any) -> Any:
    """A meta value as a table cell: scalars as they are, anything nested as JSON text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def mention_rows(docs: Iterable[Document]) -> Iterator[dict[str, Any]]:
    """One dict per mention with :data:`COLUMNS` (place fields empty for an unplaced mention)
    and the document's meta as ``meta.<key>``. A document without mentions gives no row."""
    for doc in docs:
        meta = {f"meta.{k}": _cell(v) for k, v in (doc.meta or {}).items()}
        for m in doc.mentions:
            p = m.place
            yield {
                "id": doc.id, "text": m.text, "start": m.start, "end": m.end, "sentence": m.sentence,
                "kind": m.kind, "name": p.name if p else None, "lat": p.lat if p else None,
                "lon": p.lon if p else None, "country_code": p.country_code if p else None,
                "feature_code": p.feature_code if p else None, "geonameid": p.geonameid if p else None,
                "score": m.score, "precision": m.precision, **meta,
            }


def to_dataframe(docs: Iterable[Document]) -> Any:
    """A pandas ``DataFrame`` with one row per mention (see :func:`mention_rows`); needs pandas
    (``pip install pandas``)."""
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas comes with the test extras
        raise ImportError("geomap.to_dataframe needs pandas: pip install pandas") from exc
    rows = list(mention_rows(docs))
    extra = sorted({k for r in rows for k in r} - set(COLUMNS))
    frame = pd.DataFrame(rows, columns=[*COLUMNS, *extra])
    for col in ("start", "end", "sentence", "geonameid"):
        frame[col] = frame[col].astype("Int64")
    return frame


def to_geodataframe(docs: Iterable[Document]) -> Any:
    """The table of :func:`to_dataframe` as a geopandas ``GeoDataFrame`` (EPSG:4326 points;
    unplaced mentions have an empty geometry); needs geopandas."""
    try:
        import geopandas as gpd
    except ImportError as exc:
        raise ImportError("geomap.to_geodataframe needs geopandas: pip install geopandas") from exc
    frame = to_dataframe(docs)
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


#: Table formats :func:`write_table` writes.
TABLE_FORMATS = ("csv", "parquet")


def write_table(docs: Iterable[Document], path: "str | os.PathLike[str] | None", format: str) -> int:
    """Write one row per mention (:func:`mention_rows`) as CSV or Parquet to ``path`` (atomically
    for a regular file; ``None`` or ``-`` is stdout); returns the number of rows. Parquet needs
    pyarrow. Every row has the same columns: :data:`COLUMNS`, then the meta fields seen."""
    from .ingest import open_output

    if format not in TABLE_FORMATS:
        raise ValueError(f"unknown table format {format!r} (choose from {', '.join(TABLE_FORMATS)})")
    rows = list(mention_rows(docs))
    columns = [*COLUMNS, *sorted({k for r in rows for k in r} - set(COLUMNS))]
    if format == "csv":
        with open_output(path, "w") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        return len(rows)
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ValueError("Parquet output needs pyarrow: pip install pyarrow") from exc
    table = pa.Table.from_pylist(rows, schema=None) if rows else pa.table({c: pa.array([], pa.string()) for c in columns})
    table = table.select([c for c in columns if c in table.column_names])
    with open_output(path, "wb") as f:
        pq.write_table(table, f)
    return len(rows)
