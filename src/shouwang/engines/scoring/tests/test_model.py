import json

import numpy as np
import pytest

from shouwang.engines.scoring.errors import InputError, ModelDirError
from shouwang.engines.scoring.model import train
from shouwang.engines.scoring.store import load, save

from .helpers import graph, slice_table


@pytest.fixture(scope="module")
def trained():
    table = slice_table(600, seed=5)
    call_graph = graph()
    fitting = table.select(np.arange(0, 450))
    held = table.select(np.arange(450, 600))
    model = train(fitting, call_graph, inner_folds=3, rounds=120)
    return model, held, call_graph


def test_contributions_and_bias_sum_to_the_raw_log_odds(trained):
    model, held, call_graph = trained
    scores = model.score(held, call_graph)
    assert scores.contributions.shape == (len(held.ids), len(model.features) + 1)
    np.testing.assert_allclose(scores.contributions.sum(axis=1), scores.log_odds, atol=1e-9)


def test_the_model_stacks_the_booster_and_the_additive_model(trained):
    model, held, call_graph = trained
    assert model.additive is not None and model.additive_weight > 0
    x = model.matrix(held, call_graph)
    booster = model.booster.predict(x, raw_score=True)
    np.testing.assert_allclose(
        model.raw_log_odds(x), booster + model.additive_weight * model.additive.log_odds(x)
    )
    np.testing.assert_allclose(model.score(held, call_graph).log_odds, model.raw_log_odds(x))


def test_the_probability_is_the_calibrated_log_odds(trained):
    model, held, call_graph = trained
    scores = model.score(held, call_graph)
    calibrated_log_odds = model.slope * scores.log_odds + model.intercept
    np.testing.assert_allclose(scores.probability, 1 / (1 + np.exp(-calibrated_log_odds)))
    assert model.slope > 0  # calibration keeps the order, so reasons keep their order too
    assert (scores.flagged == (scores.probability >= model.threshold)).all()


def test_it_separates_fraud_on_held_out_numbers(trained):
    from sklearn.metrics import roc_auc_score

    model, held, call_graph = trained
    scores = model.score(held, call_graph)
    assert roc_auc_score(held.labels, scores.probability) > 0.85


def test_reasons_are_the_largest_upward_pushes_on_both_scales(trained):
    model, held, call_graph = trained
    scores = model.score(held, call_graph)
    row = int(np.argmax(scores.probability))
    reasons = scores.reasons(row, top=3)
    assert 1 <= len(reasons) <= 3
    pushes = [r.contribution for r in reasons]
    assert pushes == sorted(pushes, reverse=True) and pushes[0] > 0
    assert pushes[0] == pytest.approx(scores.contributions[row, :-1].max())
    assert reasons[0].calibrated == pytest.approx(reasons[0].contribution * model.slope)
    assert reasons[0].feature in model.features


def test_the_model_directory_round_trip_scores_the_same(trained, tmp_path):
    model, held, call_graph = trained
    save(model, tmp_path / "model")
    again = load(tmp_path / "model")
    assert again.version == model.version and again.threshold == model.threshold
    assert again.features == model.features and again.known == model.known
    np.testing.assert_allclose(
        again.score(held, call_graph).probability, model.score(held, call_graph).probability
    )


def test_a_booster_only_directory_of_the_first_format_still_loads(trained, tmp_path):
    _, held, call_graph = trained
    fitting = slice_table(300, seed=8)
    model = train(fitting, call_graph, inner_folds=3, rounds=40, additive=False)
    assert model.additive is None and model.additive_weight == 0.0
    target = save(model, tmp_path / "old")
    meta = json.loads((target / "model.json").read_text())
    meta["format"] = 1
    del meta["additive"], meta["calibration"]["additive_weight"]
    (target / "model.json").write_text(json.dumps(meta))
    again = load(target)
    assert again.additive is None
    np.testing.assert_allclose(
        again.score(held, call_graph).probability, model.score(held, call_graph).probability
    )


def test_a_stacked_model_without_its_additive_file_is_a_clear_error(trained, tmp_path):
    model, _, _ = trained
    target = save(model, tmp_path / "model")
    (target / "additive.json").unlink()
    with pytest.raises(ModelDirError) as caught:
        load(target)
    assert caught.value.problem == "missing_file"


def test_the_metrics_of_training_are_out_of_fold(trained):
    model, _, _ = trained
    held_out = model.metrics["out_of_fold"]
    assert model.metrics["rows"] == 450 and 0.05 <= held_out["threshold"] <= 0.95
    assert 0.5 < held_out["auc"] <= 1.0 and held_out["threshold"] == model.threshold


def test_a_graph_model_refuses_to_score_without_the_graph(trained):
    model, held, _ = trained
    with pytest.raises(InputError) as caught:
        model.score(held)
    assert caught.value.problem == "needs_graph"


def test_training_needs_labels_of_both_kinds():
    table = slice_table(40)
    assert table.labels is not None
    only_normal = table.select(np.flatnonzero(table.labels == 0))
    with pytest.raises(InputError) as caught:
        train(only_normal, inner_folds=3, rounds=5)
    assert caught.value.problem == "single_class"


def test_a_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelDirError) as caught:
        load(tmp_path / "nothing")
    assert caught.value.problem == "missing_file"
