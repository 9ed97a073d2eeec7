"""Small GeoNames dumps in the exact export format (the tests write them into tmp_path)."""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

# geonameid, name, asciiname, alternatenames, lat, lon, class, code, cc, cc2, admin1, admin2,
# admin3, admin4, population, elevation, dem, timezone, modification date: 19 columns
PLACES = [
    (2017370, "Russia", "Russia", "Rossija,Rossiya,RU,Russian Federation", 60.0, 100.0, "A", "PCLI", "RU", "", "00", "",
     "", "", 140702000, "", 1, "Europe/Moscow", "2022-08-25"),
    (538555, "Kursk Oblast", "Kursk Oblast", "Kurskaja oblast',Kurskaya Oblast'", 51.5, 36.0, "A", "ADM1", "RU", "",
     "41", "", "", "", 1127081, "", 200, "Europe/Moscow", "2022-03-10"),
    (538560, "Kursk", "Kursk", "KRS,URWK,Kursk,Kurs'k,Курск", 51.73733, 36.18735, "P", "PPLA", "RU", "", "41", "",
     "", "", 440052, "", 218, "Europe/Moscow", "2023-01-12"),
    (524901, "Moscow", "Moscow", "MOW,Moskau,Moskva,Москва", 55.75222, 37.61556, "P", "PPLC", "RU", "", "48", "",
     "", "", 10381222, "", 144, "Europe/Moscow", "2022-12-10"),
    (690791, "Ukraine", "Ukraine", "Oekraine,Ukraina,Ukrajina", 49.0, 32.0, "A", "PCLI", "UA", "", "00", "", "", "",
     44622516, "", 169, "Europe/Kyiv", "2023-01-27"),
    (709716, "Donetsk Oblast", "Donetsk Oblast", "Donetska Oblast,Donets'ka Oblast'", 48.0, 37.5, "A", "ADM1", "UA",
     "", "05", "", "", "", 4100280, "", 200, "Europe/Kyiv", "2022-10-12"),
    (11747890, "Pokrovsk Raion", "Pokrovsk Raion", "", 48.28, 37.18, "A", "ADM2", "UA", "", "05", "11747890", "",
     "", 0, "", 150, "Europe/Kyiv", "2021-01-01"),
    (709717, "Donetsk", "Donetsk", "Donec'k,Donetsk,Донецьк", 48.023, 37.80224, "P", "PPLA", "UA", "", "05", "", "",
     "", 929063, "", 169, "Europe/Kyiv", "2022-10-19"),
    (6697000, "Tsukuryne", "Tsukuryne", "Tsukurino,Цукурине", 48.0814, 37.31256, "P", "PPL", "UA", "", "05",
     "11747890", "", "", 2000, "", 170, "Europe/Kyiv", "2021-05-01"),
    (6252001, "United States", "United States", "America,USA,United States of America", 39.76, -98.5, "A", "PCLI",
     "US", "", "00", "", "", "", 327167434, "", 537, "", "2022-09-01"),
    (4138106, "District of Columbia", "District of Columbia", "D.C.,Washington D.C.", 38.91, -77.0, "A", "ADM1",
     "US", "", "DC", "", "", "", 689545, "", 10, "America/New_York", "2022-01-01"),
    (5815135, "Washington", "Washington", "State of Washington,WA", 47.50012, -120.50147, "A", "ADM1", "US", "", "WA",
     "", "", "", 7705281, "", 488, "America/Los_Angeles", "2022-01-01"),
    (4140963, "Washington", "Washington", "WAS,Washington D.C.,Vashington", 38.89511, -77.03637, "P", "PPLC", "US",
     "", "DC", "001", "", "", 689545, "", 7, "America/New_York", "2022-01-01"),
    (4176318, "Riverside", "Riverside", "", 38.5, -77.5, "P", "PPL", "US", "", "VA", "", "", "", 0, "", 5,
     "America/New_York", "2020-01-01"),
    (3000001, "Smallville", "Smallville", "", 51.8, 36.3, "P", "PPL", "RU", "", "41", "", "", "", 120, "", 5,
     "Europe/Moscow", "2020-01-01"),
    # natural features: a full dump's classes H and T are kept
    (703845, "Dnipro River", "Dnipro River", "Dnieper,Dnepr,Dnieper River", 46.5, 32.3, "H", "STM", "UA", "", "00",
     "", "", "", 0, "", 1, "Europe/Kyiv", "2022-01-01"),
    (1283416, "Mount Everest", "Mount Everest", "Chomolungma,Sagarmatha,Everest", 27.98806, 86.92528, "T", "MT",
     "NP", "", "00", "", "", "", 0, "8848", 8777, "Asia/Kathmandu", "2022-01-01"),
]
ADMIN1 = ["RU.41\tKursk\tKursk\t538555", "RU.48\tMoscow\tMoscow\t524894", "UA.05\tDonetsk\tDonetsk\t709716",
          "US.DC\tWashington, D.C.\tWashington, D.C.\t4138106", "US.WA\tWashington\tWashington\t5815135",
          "US.VA\tVirginia\tVirginia\t6254928"]
COUNTRY_INFO = [
    "#ISO\tISO3\tISO-Numeric\tfips\tCountry\tCapital\tArea(in sq km)\tPopulation\tContinent\ttld\tCurrencyCode\t"
    "CurrencyName\tPhone\tPostal Code Format\tPostal Code Regex\tLanguages\tgeonameid\tneighbours\tEquivalentFipsCode",
    "RU\tRUS\t643\tRS\tRussia\tMoscow\t17100000\t144478050\tEU\t.ru\tRUB\tRuble\t7\t######\t\tru\t2017370\tUA\t",
    "UA\tUKR\t804\tUP\tUkraine\tKyiv\t603700\t44622516\tEU\t.ua\tUAH\tHryvnia\t380\t#####\t\tuk\t690791\tRU\t",
    "US\tUSA\t840\tUS\tUnited States\tWashington\t9629091\t327167434\tNA\t.us\tUSD\tDollar\t1\t#####\t\ten\t6252001\t\t",
]
ALTERNATE_NAMES = [  # alternateNameId, geonameid, lang, name, preferred, short, colloquial, historic, from, to
    "1\t538560\tru\tКурск\t1\t\t\t\t\t",
    "2\t538560\tde\tKursk-Stadt\t\t\t\t\t\t",
    "3\t538560\tlink\thttps://en.wikipedia.org/wiki/Kursk\t\t\t\t\t\t",
    "4\t524901\ten\tMoscow\t1\t\t\t\t\t",
    "5\t524901\tfr\tMoscou\t\t\t\t\t\t",
    "6\t524901\t\tMoskva\t\t\t\t\t\t",
    "7\t709717\ten\tStalino\t\t\t\t1\t\t",
]
HIERARCHY = ["2017370\t538555\tADM", "538555\t538560\tADM", "690791\t709716\tADM", "709716\t11747890\tADM",
             "11747890\t6697000\tADM"]


def place_line(row) -> str:
    return "\t".join("" if v is None else str(v) for v in row)


def write_text(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def write_zip(path: Path, member: str, lines: list[str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, "".join(line + "\n" for line in lines))
        zf.writestr("readme.txt", "GeoNames readme\n")
    return path


def run_cli(*argv: str) -> int:
    """``geomap [--gazetteer PATH] gazetteer ...`` through the sub-command parser alone."""
    from geomap.gazetteer.cli import add_parser

    ap = argparse.ArgumentParser(prog="geomap")
    ap.add_argument("--gazetteer")
    sub = ap.add_subparsers(dest="command", required=True)
    add_parser(sub)
    args = ap.parse_args(list(argv))
    return int(args.func(args))
