"""The development corpus's labels (bench/corpus/): the list of labelled files, the held-out sets and the label
files agree, and every label speaks the models' vocabulary. The texts themselves stay in ../shared/corpus and
are not read here (bench/score_importer.py checks each trigger against its text)."""

import json
from pathlib import Path

import pytest

from policies.importer.scoring import NOT_DEADLINE_KINDS
from policies.models import Action, ClockStart, Hedge, Right, Unit

LABELS = Path(__file__).resolve().parents[3] / "bench/corpus"
FILES = (LABELS / "files.txt").read_text(encoding="utf-8").split()
HELDOUT = (LABELS / "heldout.txt").read_text(encoding="utf-8").split()
HELDOUT2 = (LABELS / "heldout2.txt").read_text(encoding="utf-8").split()
HELDOUT3 = (LABELS / "heldout3.txt").read_text(encoding="utf-8").split()
HELDOUT4 = (LABELS / "heldout4.txt").read_text(encoding="utf-8").split()
HELDOUT5 = (LABELS / "heldout5.txt").read_text(encoding="utf-8").split()
HELDOUT6 = (LABELS / "heldout6.txt").read_text(encoding="utf-8").split()
LATER = HELDOUT2 + HELDOUT3 + HELDOUT4 + HELDOUT5 + HELDOUT6


def label_path(name):
    return LABELS / "labels" / (name.replace("/", "-").removesuffix(".txt") + ".json")


def test_at_least_thirty_policies_of_each_dataset_are_labelled():
    assert len(set(FILES)) == len(FILES)
    assert sum(name.startswith("capp/") for name in FILES) >= 30
    assert sum(name.startswith("ca4p/") for name in FILES) >= 30


def test_the_held_out_fifth_is_a_fifth_of_the_first_labelled_files():
    first = [name for name in FILES if name not in LATER]
    assert set(HELDOUT) <= set(first)
    assert len(HELDOUT) == len(first) // 5


def test_the_second_held_out_set_is_labelled_apart_from_the_first_sixty_with_both_datasets():
    assert set(HELDOUT2) <= set(FILES) and not set(HELDOUT2) & set(HELDOUT)
    assert len(HELDOUT2) >= 15 and FILES[-len(LATER) : -len(HELDOUT3 + HELDOUT4 + HELDOUT5 + HELDOUT6)] == HELDOUT2
    assert {name[:4] for name in HELDOUT2} == {"capp", "ca4p"}


def test_the_third_held_out_set_follows_the_second_apart_from_every_other_with_both_datasets():
    assert not set(HELDOUT3) & set(HELDOUT + HELDOUT2)
    after = HELDOUT4 + HELDOUT5 + HELDOUT6
    assert len(HELDOUT3) >= 15 and FILES[-len(HELDOUT3 + after) : -len(after)] == HELDOUT3
    assert {name[:4] for name in HELDOUT3} == {"capp", "ca4p"}


def test_the_fourth_held_out_set_follows_the_third_apart_from_every_other():
    # every CAPP-130 file was labelled before the fourth set was drawn, so it holds CA4P-483 files only
    assert not set(HELDOUT4) & set(HELDOUT + HELDOUT2 + HELDOUT3)
    after = HELDOUT5 + HELDOUT6
    assert len(HELDOUT4) >= 15 and FILES[-len(HELDOUT4 + after) : -len(after)] == HELDOUT4 == sorted(HELDOUT4)
    assert {name[:4] for name in HELDOUT4} == {"ca4p"}


def test_the_fifth_held_out_set_comes_just_before_the_sixth_apart_from_every_other():
    assert not set(HELDOUT5) & set(HELDOUT + HELDOUT2 + HELDOUT3 + HELDOUT4)
    assert len(HELDOUT5) >= 20 and FILES[-len(HELDOUT5 + HELDOUT6) : -len(HELDOUT6)] == HELDOUT5 == sorted(HELDOUT5)
    assert {name[:4] for name in HELDOUT5} == {"ca4p"}


def test_the_sixth_held_out_set_comes_last_apart_from_every_other():
    # the CA4P-483 files left after the fifth set, all of them: no draw, so it is sorted and CA4P only
    assert not set(HELDOUT6) & set(HELDOUT + HELDOUT2 + HELDOUT3 + HELDOUT4 + HELDOUT5)
    assert len(HELDOUT6) >= 15 and FILES[-len(HELDOUT6) :] == HELDOUT6 == sorted(HELDOUT6)
    assert {name[:4] for name in HELDOUT6} == {"ca4p"}


def test_every_labelled_file_has_its_label_file_and_no_other_is_there():
    assert {label_path(name) for name in FILES} == set((LABELS / "labels").glob("*.json"))


@pytest.mark.parametrize("name", FILES)
def test_every_label_speaks_the_models_vocabulary(name):
    data = json.loads(label_path(name).read_text(encoding="utf-8"))
    assert data["text"] == name
    for d in data["deadlines"]:
        assert d["rights"] and set(d["rights"]) <= set(Right.values)
        assert d["action"] in Action.values and d["unit"] in Unit.values
        assert d["clock_start"] in ClockStart.values and d["hedge"] in Hedge.values
        assert 0 < d["min"] <= d["max"] and d["trigger"] and d["start"] >= 0
    for n in data["not_deadlines"]:
        assert n["kind"] in NOT_DEADLINE_KINDS and n["text"]
