"""A Streamlit app showing a geomap map: ``streamlit run examples/streamlit_app.py``.

Needs the ``dashboards`` extra, installed from this checkout: ``pip install -e '.[dashboards]'``.
"""

from pathlib import Path

import streamlit as st

import geomap
import geomap.embed

ARTICLE = Path(__file__).with_name("sample-article.txt")


@st.cache_resource
def parsed(text: str) -> geomap.Document:
    return geomap.parse(text, id="sample", meta={"title": "Sample article"})


st.title("Places in the news")
text = st.text_area("Article", ARTICLE.read_text(encoding="utf-8"), height=160)
color_by = st.radio("Colour markers by", ["article", "country"], horizontal=True)
doc = parsed(text)
st.caption(f"{len(doc.places())} places, {sum(1 for _ in doc.unresolved())} names not placed")
geomap.embed.streamlit(geomap.Map([doc], color_by=color_by, choropleth=True), height=520)
