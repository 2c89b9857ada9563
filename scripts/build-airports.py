#!/usr/bin/env python3
"""Builds Sources/FlowEngine/Resources/airports.tsv from the MIT-licensed `airportsdata`
package (PyPI). Run: pip install airportsdata && python3 scripts/build-airports.py

Columns: iata, icao, name, city (English), city (Spanish), country (ISO 3166-1), IANA zone,
latitude, longitude (decimal degrees, WGS84, as the source gives them; `weather.forecast` asks
Open-Meteo for the destination's forecast there).
The Spanish city name is the English one unless an exonym below says otherwise; for airports
whose source city is a suburb or an island both names are the metropolitan city, by IATA code.
"""
import csv
import pathlib

import airportsdata

# Spanish exonyms for cities whose Spanish name differs from the English one.
SPANISH = {
    "London": "Londres", "New York": "Nueva York", "Paris": "París", "Rome": "Roma",
    "Munich": "Múnich", "Frankfurt": "Fráncfort", "Frankfurt am Main": "Fráncfort",
    "Cologne": "Colonia", "Geneva": "Ginebra", "Zurich": "Zúrich", "Brussels": "Bruselas",
    "Amsterdam": "Ámsterdam", "Lisbon": "Lisboa", "Athens": "Atenas", "Berlin": "Berlín",
    "Copenhagen": "Copenhague", "Stockholm": "Estocolmo", "Moscow": "Moscú",
    "Saint Petersburg": "San Petersburgo", "St. Petersburg": "San Petersburgo",
    "Warsaw": "Varsovia", "Prague": "Praga", "Vienna": "Viena", "Milan": "Milán",
    "Naples": "Nápoles", "Venice": "Venecia", "Florence": "Florencia", "Turin": "Turín",
    "Edinburgh": "Edimburgo", "Dublin": "Dublín", "Istanbul": "Estambul",
    "Cairo": "El Cairo", "Tokyo": "Tokio", "Beijing": "Pekín", "Seoul": "Seúl",
    "Singapore": "Singapur", "Bangkok": "Bangkok", "New Delhi": "Nueva Delhi",
    "Delhi": "Delhi", "Mumbai": "Bombay", "Cape Town": "Ciudad del Cabo",
    "Philadelphia": "Filadelfia", "New Orleans": "Nueva Orleans", "Mexico City": "Ciudad de México",
    "Havana": "La Habana", "Panama City": "Ciudad de Panamá", "Guatemala City": "Ciudad de Guatemala",
    "Sao Paulo": "São Paulo", "Asuncion": "Asunción", "Bogota": "Bogotá", "Medellin": "Medellín",
    "Brasilia": "Brasilia", "Cancun": "Cancún", "Marrakesh": "Marrakech", "Marrakech": "Marrakech",
    "Reykjavik": "Reikiavik", "Helsinki": "Helsinki", "Oslo": "Oslo", "Budapest": "Budapest",
    "Bucharest": "Bucarest", "Belgrade": "Belgrado", "Krakow": "Cracovia", "Basel": "Basilea",
    "Hamburg": "Hamburgo", "Dusseldorf": "Düsseldorf", "Nice": "Niza", "Marseille": "Marsella",
    "Lyon": "Lyon", "Bordeaux": "Burdeos", "Toulouse": "Tolosa", "Seville": "Sevilla",
    "Zaragoza": "Zaragoza", "Malaga": "Málaga", "Cordoba": "Córdoba", "Cusco": "Cusco",
    "Montreal": "Montreal", "Quebec": "Quebec", "Jerusalem": "Jerusalén", "Tel Aviv": "Tel Aviv",
    "Dubai": "Dubái", "Abu Dhabi": "Abu Dabi", "Doha": "Doha", "Shanghai": "Shanghái",
    "Hong Kong": "Hong Kong", "Taipei": "Taipéi", "Sydney": "Sídney", "Auckland": "Auckland",
    "Manila": "Manila", "Kiev": "Kiev", "Kyiv": "Kiev", "Porto": "Oporto",
    "Gothenburg": "Gotemburgo", "Antwerp": "Amberes", "Bruges": "Brujas", "Strasbourg": "Estrasburgo",
    "Salvador": "Salvador de Bahía", "Rio De Janeiro": "Río de Janeiro", "Rio de Janeiro": "Río de Janeiro",
    "Lima": "Lima", "Santiago": "Santiago", "Montevideo": "Montevideo", "Buenos Aires": "Buenos Aires",
    "Punta Cana": "Punta Cana", "Washington": "Washington", "Los Angeles": "Los Ángeles",
    "San Jose": "San José", "Curacao": "Curazao", "Aruba": "Aruba", "Tenerife": "Tenerife",
    "Palma De Mallorca": "Palma de Mallorca", "Ibiza": "Ibiza", "Malta": "Malta",
    "Brussels (Charleroi)": "Bruselas (Charleroi)", "Tunis": "Túnez", "Algiers": "Argel",
}

# Airports whose source `city` is a suburb or a place travellers do not say: the Spanish name is
# the metropolitan city (or the usual Spanish spelling) by IATA code.
CITY_ES_BY_IATA = {
    "EZE": "Buenos Aires", "MDE": "Medellín", "GRU": "São Paulo", "CGH": "São Paulo",
    "GIG": "Río de Janeiro", "SDU": "Río de Janeiro", "EWR": "Nueva York", "PTY": "Ciudad de Panamá",
    "YYZ": "Toronto", "YUL": "Montreal", "YVR": "Vancouver", "IST": "Estambul", "MLA": "Malta",
    "TFS": "Tenerife", "TFN": "Tenerife", "LPA": "Gran Canaria", "IGR": "Puerto Iguazú",
    "IGU": "Foz do Iguaçu", "USH": "Ushuaia", "NQN": "Neuquén", "FLN": "Florianópolis",
    "ADZ": "San Andrés", "BSB": "Brasilia", "DFW": "Dallas", "SAW": "Estambul",
    "VCE": "Venecia", "CIA": "Roma", "BEG": "Belgrado", "KRK": "Cracovia", "DPS": "Bali",
    "SAL": "San Salvador", "SJD": "Los Cabos", "LPB": "La Paz", "BRC": "Bariloche",
    "PBM": "Paramaribo", "CAY": "Cayena", "NAT": "Natal", "MCZ": "Maceió", "BEL": "Belém",
    "BVA": "Beauvais", "SVQ": "Sevilla",
}

# The same airports in English: the metropolitan city travellers say (the source's `city` is a
# suburb, an island or a local spelling there). Every code here is also in CITY_ES_BY_IATA.
CITY_EN_BY_IATA = {
    "EZE": "Buenos Aires", "MDE": "Medellín", "GRU": "São Paulo", "CGH": "São Paulo",
    "GIG": "Rio de Janeiro", "SDU": "Rio de Janeiro", "EWR": "New York", "PTY": "Panama City",
    "YYZ": "Toronto", "YUL": "Montreal", "YVR": "Vancouver", "IST": "Istanbul", "MLA": "Malta",
    "TFS": "Tenerife", "TFN": "Tenerife", "LPA": "Gran Canaria", "IGR": "Puerto Iguazú",
    "IGU": "Foz do Iguaçu", "USH": "Ushuaia", "NQN": "Neuquén", "FLN": "Florianópolis",
    "ADZ": "San Andrés", "BSB": "Brasília", "DFW": "Dallas", "SAW": "Istanbul",
    "VCE": "Venice", "CIA": "Rome", "BEG": "Belgrade", "KRK": "Kraków", "DPS": "Bali",
    "SAL": "San Salvador", "SJD": "Los Cabos", "LPB": "La Paz", "BRC": "Bariloche",
    "PBM": "Paramaribo", "CAY": "Cayenne", "NAT": "Natal", "MCZ": "Maceió", "BEL": "Belém",
    "BVA": "Beauvais", "SVQ": "Seville",
}
assert set(CITY_EN_BY_IATA) == set(CITY_ES_BY_IATA), "every metropolitan override in both languages"

rows = []
for code, a in airportsdata.load("IATA").items():
    city = CITY_EN_BY_IATA.get(code, (a["city"] or a["name"]).strip())
    city_es = CITY_ES_BY_IATA.get(code, SPANISH.get(city, city))
    rows.append((code, a["icao"], a["name"].strip(), city, city_es, a["country"], a["tz"],
                 f'{float(a["lat"]):.4f}', f'{float(a["lon"]):.4f}'))
rows.sort()
out = pathlib.Path(__file__).resolve().parent.parent / "Sources/FlowEngine/Resources/airports.tsv"
with out.open("w", newline="") as f:
    f.write("# Generated by scripts/build-airports.py from airportsdata (MIT). Do not edit.\n")
    for r in rows:
        f.write("\t".join(x.replace("\t", " ") for x in r) + "\n")
print(f"{len(rows)} airports -> {out}")
