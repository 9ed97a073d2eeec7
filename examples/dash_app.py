"""A Dash app showing a geomap map: ``python examples/dash_app.py``, then open http://127.0.0.1:8050.

Needs the ``dashboards`` extra, installed from this checkout: ``pip install -e '.[dashboards]'``.
"""

from pathlib import Path

from dash import Dash, html

import geomap
import geomap.embed

ARTICLE = Path(__file__).with_name("sample-article.txt")

doc = geomap.parse(ARTICLE.read_text(encoding="utf-8"), id="sample", meta={"title": "Sample article"})
app = Dash(__name__, title="geomap")
app.layout = html.Div([
    html.H1("Places in the news"),
    html.P(f"{len(doc.places())} places found"),
    geomap.embed.dash(geomap.Map([doc], heat=True), height=560, id="map"),
])

if __name__ == "__main__":
    app.run(debug=False)
