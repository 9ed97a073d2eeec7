"""A Panel app showing a geomap map: ``panel serve examples/panel_app.py``.

Needs the ``dashboards`` extra, installed from this checkout: ``pip install -e '.[dashboards]'``.
"""

from pathlib import Path

import panel as pn

import geomap
import geomap.embed

ARTICLE = Path(__file__).with_name("sample-article.txt")

doc = geomap.parse(ARTICLE.read_text(encoding="utf-8"), id="sample", meta={"title": "Sample article"})
app = pn.Column(
    pn.pane.Markdown(f"# Places in the news\n{len(doc.places())} places found"),
    geomap.embed.panel(geomap.Map([doc], color_by="country"), height=560),
    sizing_mode="stretch_width",
)
app.servable(title="geomap")
