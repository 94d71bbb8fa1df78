"""Every rule's message names whom to contact (DOMAIN.md): the account's contact
person in Økonomistaben (Kontoplan Kontaktperson) where the account is known,
Økonomistaben generally where it is not."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import EAN_H1, EAN_H2, booking
from followup_tools import TENS, master_with
from ruletools import hits, run

from itbudget.rules import RULES

# Per rule: bookings that trigger it, and the contact its message must name
# (small_master_sheets: 2210 and 2220 -> Karen Ø, 2250 -> Per Ø).
TRIGGERS = {
    "ITB001": ([booking(Dato=None)], "Kontakt Karen Ø, Økonomistaben."),
    "ITB002": ([booking(Dato=dt.date(2025, 12, 31))], "Kontakt Karen Ø, Økonomistaben."),
    "ITB003": ([booking(Omkostningssted="9999")], "kontakt Økonomistaben."),
    "ITB004": ([booking(Konto="9999")], "Kontakt Økonomistaben."),
    "ITB005": ([booking(Omkostningssted="1002", Konto="2220")], "Kontakt Karen Ø, Økonomistaben."),
    "ITB006": ([booking(Beløb=10**6)], "Kontakt Karen Ø, Økonomistaben."),
    "ITB007": ([booking(Konto="2250")], "Kontakt Per Ø, Økonomistaben."),
    "ITB008": ([booking(Konto="2250", Projektnr="P1", Beløb=6000)], "Kontakt Per Ø, Økonomistaben."),
    "ITB009": ([booking(Fakturanr="F1")], "Kontakt Karen Ø, Økonomistaben."),
    "ITB010": ([booking(Fakturanr="F1", EAN=EAN_H2)], "Kontakt Karen Ø, Økonomistaben."),
    "ITB011": ([booking(Leverandør="Atea A/S", Fakturanr="F1", EAN=EAN_H1)] * 2,
               "Kontakt Karen Ø, Økonomistaben."),
    "ITB018": ([booking(Dato=dt.date(2026, 1, 15), Beløb=150)], "Kontakt Karen Ø, Økonomistaben."),
}
#: Rules that need more master data than small_master_sheets: the master to run them with.
MASTERS = {"ITB018": lambda: master_with(phasing=[("1001/2210", TENS)])}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_names_whom_to_contact(rule):
    assert rule.code in TRIGGERS, f"{rule.code}: add a booking that triggers it and the contact it names"
    rows, contact = TRIGGERS[rule.code]
    master = MASTERS[rule.code]() if rule.code in MASTERS else None
    found = hits(run(*rows, master=master), rule.code)
    assert found, f"{rule.code} was not triggered"
    for _, _, message in found:
        assert message.endswith(contact), message


def test_a_missing_account_falls_back_to_okonomistaben():
    (_, _, message), = hits(run(booking(Konto="")), "ITB001")
    assert message == "Konto mangler. Ret rækken. Kontakt Økonomistaben."


def test_a_possible_double_payment_says_to_check_with_the_supplier_before_paying():
    (_, _, message), = hits(run(*TRIGGERS["ITB011"][0]), "ITB011")
    assert message == ("Faktura F1 fra Atea A/S er allerede bogført i række 2. Betal den ikke igen, "
                       "før du har tjekket med leverandøren, om den er sendt to gange. "
                       "Kontakt Karen Ø, Økonomistaben.")
