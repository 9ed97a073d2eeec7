from geomap.gazetteer.names import core_name, normalize


def test_normalize_folds_case_accents_and_dots():
    assert normalize("Kyïv") == normalize("KYIV") == "kyiv"
    assert normalize("U.S.") == "us"
    assert normalize("Indo-Pacific") == "indo pacific"


def test_core_name_strips_designators():
    assert core_name("Kursk Oblast") == "kursk"
    assert core_name("Kursk") == ""
