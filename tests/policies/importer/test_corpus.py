"""The importer on whole labelled policies (tests/policies/importer/corpus, see its SOURCE.md): the goals of
issue 13 on every dataset, the labels' own soundness, and the scorer counting what it says it counts.
Timing is not asserted here: bench/score_importer.py prints it and the README keeps the figure."""

import json
from pathlib import Path

import pytest

from policies.importer.scoring import LabelError, load_corpus, load_policy, score_corpus, score_policy
from policies.models import Right

ROOT = Path(__file__).resolve().parents[3]
CORPUS = Path(__file__).resolve().parent / "corpus"
POLICIES = load_corpus(CORPUS, ROOT)
SCORES = score_corpus(POLICIES)
DATASETS = sorted({p.dataset for p in POLICIES})


def test_the_corpus_holds_the_development_set_and_the_seed_policies():
    assert {"CA4P-483", "seed"} <= set(DATASETS)
    assert sum(len(p.deadlines) for p in POLICIES) >= 10


@pytest.mark.parametrize("label_file", sorted(CORPUS.glob("*.json")), ids=lambda f: f.stem)
def test_every_label_s_trigger_is_a_verbatim_passage_of_its_text(label_file):
    data = json.loads(label_file.read_text(encoding="utf-8"))
    policy = load_policy(label_file, ROOT)
    for passage in [d["trigger"] for d in data["deadlines"]] + [n["text"] for n in data["not_deadlines"]]:
        assert policy.text.count(passage) == 1, passage
    for label in policy.deadlines:
        assert policy.text[label.start : label.end] == label.trigger


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_importer_meets_the_goals_of_issue_13_on_each_dataset(dataset):
    score = SCORES[dataset]
    errors = "\n".join(f"[{e.kind}] {e.policy}: {e.what} | {e.passage}" for e in score.errors)
    assert score.recall >= 0.97, errors
    assert score.strict_recall >= 0.95, errors
    assert score.precision >= 0.98, errors
    assert score.all_verbatim


# --- The scorer itself, on a policy written for the test -------------------------------------------------

TEXT = """测试隐私政策
五、您的权利
（一）注销账号
收到您的注销申请后，我们将在10个工作日内完成注销。
（二）其他请求
您可以联系我们，我们将在15天内回复您。
六、信息存储
聊天记录的保存期限不超过30天内，期满后删除。
"""


def _labelled(tmp_path, deadlines, not_deadlines=()):
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    label = {
        "text": "t.txt",
        "source": {"dataset": "test"},
        "deadlines": list(deadlines),
        "not_deadlines": list(not_deadlines),
    }
    (tmp_path / "t.json").write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")
    return load_policy(tmp_path / "t.json", tmp_path)


def _deadline(rights, action, amount, unit, clock, trigger):
    return {
        "rights": rights,
        "action": action,
        "min": amount,
        "max": amount,
        "unit": unit,
        "clock_start": clock,
        "hedge": "",
        "trigger": trigger,
    }


CANCELLATION = _deadline(
    ["account_cancellation"], "completion", 10, "working_day", "receipt", "我们将在10个工作日内完成注销"
)
REPLY = _deadline(["any_request"], "reply", 15, "calendar_day", "receipt", "我们将在15天内回复您")


def test_the_scorer_counts_a_promise_found_with_the_wrong_right_as_found_but_not_strict(tmp_path):
    wrong_right = dict(CANCELLATION, rights=["deletion"])
    score = score_policy(
        _labelled(tmp_path, [wrong_right, REPLY], [{"kind": "storage_cap", "text": "保存期限不超过30天内"}])
    )
    assert (score.labelled, score.found, score.strict) == (2, 2, 1)
    assert score.errors_by_kind()["scope"] >= 1


def test_the_scorer_counts_an_unlabelled_promise_against_precision(tmp_path):
    score = score_policy(_labelled(tmp_path, [REPLY]))
    assert score.proposed >= 2 and score.correct == 1 and score.precision < 1
    assert score.errors_by_kind()["not-a-promise"] >= 1


def test_the_scorer_counts_a_labelled_promise_the_importer_misses_against_recall(tmp_path):
    missed = _deadline(["any_request"], "reply", 3, "hour", "receipt", "您可以联系我们")
    score = score_policy(_labelled(tmp_path, [CANCELLATION, REPLY, missed]))
    assert (score.labelled, score.found) == (3, 2) and score.recall == pytest.approx(2 / 3)


def test_a_label_whose_trigger_is_not_in_the_text_is_refused(tmp_path):
    with pytest.raises(LabelError, match="not a verbatim passage"):
        _labelled(tmp_path, [dict(REPLY, trigger="我们将在16天内回复您")])


def test_a_label_with_a_right_outside_the_vocabulary_is_refused(tmp_path):
    assert "right_to_be_forgotten" not in Right.values
    with pytest.raises(LabelError, match="rights must be among"):
        _labelled(tmp_path, [dict(REPLY, rights=["right_to_be_forgotten"])])
