"""Invented names for the synthetic roll, and how each ethnic category wrote them.

Given and family names are drawn from these lists; Russian, Tajik and Kazakh-Kyrgyz members
get a Cyrillic spelling beside the Latin one, Uzbek members a Latin one (the scripts the
language tags name).

>>> "Rakhim".translate(CYRILLIC)
'Ракхим'
"""

from __future__ import annotations

NATIVE_TAG = {"russians": "ru", "kazakh-kyrgyz": "ky-Cyrl", "uzbek": "uz-Latn", "tajik": "tg-Cyrl"}
GIVEN = (
    "Ivan",
    "Pyotr",
    "Nikolai",
    "Aleksei",
    "Turar",
    "Nazir",
    "Abdullo",
    "Yusuf",
    "Akmal",
    "Said",
    "Karim",
    "Bakhtiyor",
    "Saken",
    "Oraz",
    "Rakhim",
    "Fyodor",
)
FAMILY = (
    "Ivanov",
    "Petrov",
    "Sokolov",
    "Rakhimov",
    "Yusupov",
    "Karimov",
    "Saidov",
    "Nurov",
    "Asanov",
    "Orazov",
    "Bekov",
    "Tursunov",
    "Volkov",
    "Zakirov",
)
CYRILLIC = str.maketrans(
    {
        "A": "А",
        "B": "Б",
        "V": "В",
        "G": "Г",
        "D": "Д",
        "E": "Е",
        "Z": "З",
        "I": "И",
        "Y": "Й",
        "K": "К",
        "L": "Л",
        "M": "М",
        "N": "Н",
        "O": "О",
        "P": "П",
        "R": "Р",
        "S": "С",
        "T": "Т",
        "U": "У",
        "F": "Ф",
        "H": "Х",
        "a": "а",
        "b": "б",
        "v": "в",
        "g": "г",
        "d": "д",
        "e": "е",
        "z": "з",
        "i": "и",
        "y": "й",
        "k": "к",
        "l": "л",
        "m": "м",
        "n": "н",
        "o": "о",
        "p": "п",
        "r": "р",
        "s": "с",
        "t": "т",
        "u": "у",
        "f": "ф",
        "h": "х",
    }
)
