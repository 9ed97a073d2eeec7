"""``geomap gazetteer build | add | info | lookup``: the gazetteer on the command line.

Wired into ``geomap/cli.py`` with ``add_parser(sub)``; every command honours the global
``--gazetteer PATH`` (``args.gazetteer``) and falls back to the default store.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["add_parser"]


def _path(args: argparse.Namespace) -> Path:
    from geomap.gazetteer.build import default_path

    gz = getattr(args, "gazetteer", None)
    return Path(gz) if gz else default_path()


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    out = [v.strip() for item in values for v in item.split(",") if v.strip()]
    return out or None


def _cmd_build(args: argparse.Namespace) -> int:
    from geomap.gazetteer.check import check_store_path

    path = _path(args)
    check_store_path(path, create=True)  # a file that is not a store is never replaced, even with --force
    progress = sys.stderr.isatty() and not getattr(args, "quiet", False)
    t = time.perf_counter()
    if not args.sources:
        from geomap.gazetteer.build import build_default

        stats = build_default(path, force=args.force, progress=progress)
        print(json.dumps({"path": str(path), "seconds": round(time.perf_counter() - t, 1), **stats}, default=str))
        return 0
    from geomap.gazetteer.dumps import import_dumps

    report = import_dumps(args.sources, path, countries=_split(args.countries), min_population=args.min_population,
                          feature_classes=_split(args.feature_classes), languages=_split(args.languages),
                          force=args.force, progress=progress)
    if not report.files:
        print(f"geomap: {path} exists; use --force to replace it", file=sys.stderr)
        return 1
    for file, line, reason in report.skipped:
        print(f"geomap: {file}:{line}: skipped: {reason}", file=sys.stderr)
    if report.skipped_count > len(report.skipped):
        print(f"geomap: ... {report.skipped_count - len(report.skipped)} more skipped line(s)", file=sys.stderr)
    print(json.dumps(report.to_dict(), default=str))
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from geomap.gazetteer.dumps import add_custom

    report = add_custom(args.csv, _path(args))
    for file, line, reason in report.skipped:
        print(f"geomap: {file}:{line}: skipped: {reason}", file=sys.stderr)
    print(json.dumps(report.to_dict(), default=str))
    return 0 if report.places or not report.skipped_count else 1


def _cmd_info(args: argparse.Namespace) -> int:
    from geomap.gazetteer.store import GazetteerStore

    store = GazetteerStore(_path(args))
    info: dict[str, Any] = {"path": str(store.path), "bytes": store.path.stat().st_size, **store.info()}
    info["licence"] = sorted({s.get("licence", "") for s in info.get("sources") or [] if isinstance(s, dict)})
    info["stored"] = store.counts()
    if not args.all:
        info["stored"]["by_country"] = dict(list(info["stored"]["by_country"].items())[:args.limit])
        info.get("counts", {}).pop("feature_codes", None) if isinstance(info.get("counts"), dict) else None
    print(json.dumps(info, indent=2, ensure_ascii=False, default=str))
    return 0


def _cmd_lookup(args: argparse.Namespace) -> int:
    if args.geocoder:
        from geomap.gazetteer.online import online_geocoder

        options = dict(_option(o) for o in args.geocoder_option or [])
        geocoder: Any = online_geocoder(args.geocoder, min_delay_seconds=args.min_delay, **options)
    else:
        from geomap.gazetteer.geocoder import Gazetteer

        geocoder = Gazetteer(_path(args), demonyms=args.demonyms)
    ranked = geocoder.candidates(args.name, country_codes=_split(args.country),
                                 feature_class=_split(args.feature_class), limit=args.limit)
    if not ranked:
        hint = ""
        if not args.geocoder:
            from geomap.gazetteer.store import get_store

            close = get_store(_path(args)).similar_names(args.name)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
        print(f"geomap: no place called {args.name!r}{hint}", file=sys.stderr)
        return 1
    if args.json:
        for r in ranked:
            print(json.dumps({**r.place.to_dict(), "score": round(r.score, 4), "matched": r.matched,
                              "features": r.features, "address": r.raw.get("address"),
                              "source": r.raw.get("source") or r.raw.get("service")}, ensure_ascii=False))
        return 0
    for r in ranked:
        p = r.place
        features = " ".join(f"{k}={v:+.2f}" for k, v in r.features.items())
        print(f"{p.geonameid}\t{p.name}\t{p.feature_code}\t{p.country_code or ''}\t{p.admin1 or ''}\t"
              f"{p.population}\t{p.lat:.4f},{p.lon:.4f}\t{r.matched}\t{r.score:.3f}\t{features}")
    return 0


def _option(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"--geocoder-option wants KEY=VALUE, got {text!r}")
    try:
        return key.strip(), json.loads(value)
    except ValueError:
        return key.strip(), value


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``gazetteer`` and its sub-commands to the ``geomap`` command's subparsers."""
    from geomap.cli_support import add_command

    gz = add_command(subparsers, "gazetteer", help="build, extend, inspect or query the gazetteer",
                     description="The offline GeoNames gazetteer (global --gazetteer PATH picks the store).",
                     examples=["geomap gazetteer lookup Kursk --limit 5", "geomap gazetteer info",
                               "geomap --gazetteer my.sqlite gazetteer build --from cities500.zip"])
    sub = gz.add_subparsers(dest="action", required=True, metavar="ACTION")

    b = add_command(sub, "build", help="build the store from the bundled data, or import GeoNames dumps (--from)",
                    description="Build the gazetteer store: from the GeoNames data bundled with geomap, or from "
                                "GeoNames dump files given with --from. Custom places are kept.",
                    examples=["geomap gazetteer build --force",
                              "geomap --gazetteer ua.sqlite gazetteer build --from UA.zip alternateNamesV2.zip "
                              "--languages en,uk"])
    b.add_argument("--from", dest="sources", action="extend", nargs="+", metavar="FILE",
                   help="GeoNames dumps (allCountries.zip, cities500.zip, UA.zip, alternateNamesV2.zip, "
                        "admin1CodesASCII.txt, countryInfo.txt, hierarchy.zip): several after one --from, "
                        "or --from repeated; every feature class is kept unless --feature-classes says otherwise "
                        "(default: the bundled data)")
    b.add_argument("--countries", action="append", metavar="CC,..", help="keep only these ISO2 countries (default: all)")
    b.add_argument("--min-population", type=int, default=0, metavar="N",
                   help="drop populated places smaller than N (divisions and countries are kept; default 0)")
    b.add_argument("--feature-classes", action="append", metavar="P,A,..",
                   help="keep only these feature classes (default: all)")
    b.add_argument("--languages", action="append", metavar="en,ru,..",
                   help="alternate-name languages to keep from alternateNamesV2 (default: all)")
    b.add_argument("--force", action="store_true", help="replace an existing store (custom places are kept)")
    b.set_defaults(func=_cmd_build)

    a = add_command(sub, "add", help="layer your own places (CSV: name,lat,lon[,country,type,alternate_names,...])",
                    description="Add your own places to the store from a CSV with the columns name, lat, lon and "
                                "optionally country, type, alternate_names.",
                    examples=["geomap gazetteer add my-places.csv"])
    a.add_argument("csv", metavar="CSV", help="the CSV of places (header: name,lat,lon,...)")
    a.set_defaults(func=_cmd_add)

    i = add_command(sub, "info", help="source, licence, build date, counts by feature class and country",
                    description="Print, as JSON, where the store's data comes from, its licence, build date and "
                                "counts by feature class and country.",
                    examples=["geomap gazetteer info", "geomap gazetteer info --all"])
    i.add_argument("--all", action="store_true", help="list every country")
    i.add_argument("--limit", type=int, default=20, metavar="N", help="countries to list (default 20)")
    i.set_defaults(func=_cmd_info)

    lk = add_command(sub, "lookup", help="ranked candidates for a name, with the features that ranked them",
                     description="The places a name may refer to, best first, with the features that ranked them "
                                 "(tab-separated, or JSON lines with --json). A name not in the store gets "
                                 "the closest names it has.",
                     examples=["geomap gazetteer lookup Kursk", "geomap gazetteer lookup Paris --country US --json",
                               "geomap gazetteer lookup 'Eiffel Tower' --geocoder nominatim"])
    lk.add_argument("name", help="the place name to look up")
    lk.add_argument("--limit", type=int, default=20, metavar="N", help="candidates to list (default 20)")
    lk.add_argument("--country", action="append", metavar="CC,..", help="only these ISO2 countries (default: all)")
    lk.add_argument("--feature-class", action="append", metavar="P,A,..",
                    help="only these feature classes (default: all)")
    lk.add_argument("--demonyms", action="store_true", help="also match demonyms (Kuwaiti -> Kuwait)")
    lk.add_argument("--json", action="store_true", help="one JSON object per candidate")
    lk.add_argument("--geocoder", metavar="NAME",
                    help="ask an online geopy geocoder (nominatim, photon...) instead (default: the offline store)")
    lk.add_argument("--geocoder-option", action="append", metavar="KEY=VALUE",
                    help="an option of the online geocoder (domain=..., scheme=http, api_key=...; default: none)")
    lk.add_argument("--min-delay", type=float, default=1.0, metavar="SECONDS",
                    help="seconds between online requests (default 1)")
    lk.set_defaults(func=_cmd_lookup)
    return gz
