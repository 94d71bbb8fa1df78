"""Who may see what: roles, the token file, and scoping to one budget holder (pure)."""

from __future__ import annotations

import json

import pytest

from conftest import booking, small_master_sheets
from itbudget import access
from itbudget.access import FINANCE, HOLDER, Principal
from itbudget.errors import AccessDenied, UnusableInput
from itbudget.master import master_from_rows

FIN = Principal("Økonomistaben", FINANCE)
H1 = Principal("Bakkeskolen", HOLDER, "H1")
TOKEN_FIN = "fin-" + "a" * 30
TOKEN_H1 = "h1-" + "b" * 30


@pytest.fixture
def full():
    return master_from_rows(small_master_sheets())


@pytest.mark.parametrize("text,label", [("finance", "finance"), ("Økonomi", "finance"),
                                        ("holder:H03", "holder:H03"), ("holder.H03", "holder:H03"),
                                        ("Aftaleholder:H1", "holder:H1")])
def test_roles_parse(text, label):
    assert access.parse_role(text, "x").label == label


@pytest.mark.parametrize("text", ["", "admin", "holder:", "holder:H 1", "holder:" + "H" * 50])
def test_unknown_roles_are_refused_in_danish(text):
    with pytest.raises(UnusableInput, match="kendes ikke"):
        access.parse_role(text)


def test_entra_roles_finance_wins_and_two_holders_are_refused():
    assert access.principal_from_roles(["holder.H1", "finance"], "a").is_finance
    assert access.principal_from_roles(["holder.H1", "Other.Role"], "a").holder == "H1"
    assert access.principal_from_roles(["holder.H1", "holder.H2"], "a") is None
    assert access.principal_from_roles([], "a") is None


def test_token_file_toml_with_hashes(tmp_path):
    path = tmp_path / "tokens.toml"
    path.write_text(f'[[token]]\nname = "Økonomistaben"\nrole = "finance"\n'
                    f'sha256 = "{access.hash_token(TOKEN_FIN)}"\n'
                    f'[[token]]\nname = "Bakkeskolen"\nrole = "holder:H1"\n'
                    f'sha256 = "{access.hash_token(TOKEN_H1).upper()}"\n', encoding="utf-8")
    tokens = access.load_tokens(path)
    assert TOKEN_FIN not in path.read_text()  # the file holds no secret
    assert access.principal_for_token(tokens, f"Bearer {TOKEN_FIN}") == FIN
    assert access.principal_for_token(tokens, TOKEN_H1) == H1
    assert access.principal_for_token(tokens, "Bearer " + TOKEN_H1 + "x") is None
    assert access.principal_for_token(tokens, "") is None
    assert access.principal_for_token(tokens, "Bearer ") is None


def test_token_file_json_and_csv_with_plain_tokens(tmp_path):
    j = tmp_path / "t.json"
    j.write_text(json.dumps({"tokens": [{"name": "Fin", "role": "finance", "token": TOKEN_FIN}]}))
    assert access.principal_for_token(access.load_tokens(j), TOKEN_FIN).is_finance
    c = tmp_path / "t.csv"
    c.write_text(f"navn;rolle;token\nBakkeskolen;holder:H1;{TOKEN_H1}\n", encoding="utf-8")
    assert access.principal_for_token(access.load_tokens(c), TOKEN_H1) == H1


@pytest.mark.parametrize("body,text", [
    ('[[token]]\nrole = "finance"\ntoken = "' + "x" * 30 + '"\n', "'name' mangler"),
    ('[[token]]\nname = "a"\nrole = "finance"\ntoken = "kort"\n', "mindst 20 tegn"),
    ('[[token]]\nname = "a"\nrole = "finance"\nsha256 = "abc"\n', "64 hex-tegn"),
    ('[[token]]\nname = "a"\nrole = "chef"\ntoken = "' + "x" * 30 + '"\n', "kendes ikke"),
    ('[[token]]\nname = "a"\nrole = "finance"\ntoken = "' + "x" * 30 + '"\n'
     '[[token]]\nname = "b"\nrole = "holder:H1"\ntoken = "' + "x" * 30 + '"\n', "to gange"),
    ("", "ingen tokens"),
    ("[[token\n", "kan ikke læses"),
])
def test_bad_token_files_are_refused_in_danish(tmp_path, body, text):
    path = tmp_path / "tokens.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UnusableInput, match=text):
        access.load_tokens(path)


def test_holder_is_refused_another_holders_cost_centres(full):
    access.check_cost_centres(["1001", 1002.0, "9999", ""], full, H1)  # own, own, unknown, blank
    access.check_cost_centres(["2001"], full, FIN)
    access.check_cost_centres(["2001"], full, None)  # desktop Excel: no server, no principal
    with pytest.raises(AccessDenied, match="omkostningssted 2001 hører til en anden aftaleholder") as exc:
        access.check_cost_centres(["1001", 2001.0], full, H1)
    assert "Rådhuset" not in str(exc.value) and "H2" not in str(exc.value)  # nothing about the other holder


def test_holder_questions_and_finance_only_entry_points():
    access.check_holder("H1", H1)
    access.check_holder("H2", FIN)
    with pytest.raises(AccessDenied, match="Adgang nægtet"):
        access.check_holder("H2", H1)
    access.require_finance(FIN, "Konsolider")
    access.require_finance(None, "Konsolider")
    with pytest.raises(AccessDenied, match="forbeholdt Økonomistaben"):
        access.require_finance(H1, "Konsolider")


def test_master_for_a_holder_holds_only_its_own_data(full):
    assert access.master_for(full, FIN) is full
    mine = access.master_for(full, H1)
    assert {c.id for c in mine.cost_centres} == {"1001", "1002"}
    assert set(mine.holder_of_ean.values()) == {"H1"}
    assert {b.cost_centre for b in mine.budget_lines} == {"1001"}
    assert access.master_for(mine, H1) is mine  # an issued H1 workbook
    with pytest.raises(AccessDenied, match="udstedt til aftaleholder H1"):
        access.master_for(mine, Principal("Rådhuset", HOLDER, "H2"))
    with pytest.raises(AccessDenied, match="findes ikke"):
        access.master_for(full, Principal("Ukendt", HOLDER, "H9"))


def test_principal_is_per_context():
    assert access.current() is None
    with access.acting_as(H1):
        assert access.current() == H1
        with access.acting_as(FIN):
            assert access.current() == FIN
        assert access.current() == H1
    assert access.current() is None


def test_log_record_is_one_json_line_without_cell_values():
    line = access.log_record(Principal("Anna\nFalsk linje", HOLDER, "H1"), "function", "itb_valider",
                             2001, 200, 12.345)
    assert "\n" not in line
    rec = json.loads(line)
    assert rec == {"event": "itbudget.request", "who": "Anna\nFalsk linje", "role": "holder:H1",
                   "kind": "function", "name": "itb_valider", "rows": 2001, "status": 200, "ms": 12.3}
    assert json.loads(access.log_record(None, "other", "/x", 0, 401, 1))["who"] == "anonym"


def test_udf_adapters_scope_to_the_holder(full):
    """The adapter edge, as plain Python: VALIDER, REST, PRIS_PR_ARBEJDSPLADS, EAN_AFTALEHOLDER."""
    import udfs
    from itbudget.bookings import BOOKING_HEADERS
    from conftest import EAN_H2

    ranges = list(small_master_sheets().values())
    header = list(BOOKING_HEADERS)
    mine = [header, booking(Beløb=900)]
    theirs = [header, booking(Beløb=900), booking(Omkostningssted="2001", Beløb=5)]
    with access.acting_as(H1):
        assert udfs.itb_valider(mine, *ranges) == [["Status"], ["OK"]]
        with pytest.raises(AccessDenied, match="omkostningssted 2001"):
            udfs.itb_valider(theirs, *ranges)
        with pytest.raises(AccessDenied, match="omkostningssted 2001"):
            udfs.itb_rest("2001", "2210", [header], *ranges)
        with pytest.raises(AccessDenied, match="aftaleholder 'H2'"):
            udfs.itb_pris_pr_arbejdsplads("H2", mine, *ranges)
        assert udfs.itb_ean_aftaleholder(EAN_H2, *ranges) == ""  # another holder's EAN: not visible
    with access.acting_as(FIN):
        assert udfs.itb_valider(theirs, *ranges)[2] == ["OK"]
        assert udfs.itb_ean_aftaleholder(EAN_H2, *ranges) == "H2"
