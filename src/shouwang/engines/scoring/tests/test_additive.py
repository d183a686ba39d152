import json

import numpy as np
import pytest

from shouwang.engines.scoring.additive import AdditiveModel, fit_additive


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    x = rng.lognormal(size=(400, 3))
    x[rng.random(400) < 0.2, 2] = np.nan  # a column with missing values
    log_odds = np.log(x[:, 0]) - 0.5 * np.log(x[:, 1]) + np.where(np.isnan(x[:, 2]), 1.5, 0.0)
    y = (rng.random(400) < 1 / (1 + np.exp(-log_odds))).astype(int)
    return fit_additive(x, y), x, y


def test_terms_and_bias_sum_to_the_log_odds(fitted):
    model, x, _ = fitted
    np.testing.assert_allclose(model.terms(x).sum(axis=1) + model.bias, model.log_odds(x))


def test_terms_are_centred_on_the_training_rows(fitted):
    model, x, _ = fitted
    np.testing.assert_allclose(model.terms(x).mean(axis=0), 0.0, atol=1e-9)


def test_it_learns_the_direction_of_each_feature_and_the_missing_signal(fitted):
    model, _, _ = fitted
    low, high = np.array([[0.2, 1.0, 1.0]]), np.array([[5.0, 1.0, 1.0]])
    assert model.log_odds(high)[0] > model.log_odds(low)[0]
    present, missing = np.array([[1.0, 1.0, 1.0]]), np.array([[1.0, 1.0, np.nan]])
    assert model.log_odds(missing)[0] > model.log_odds(present)[0]


def test_ranks_interpolate_the_training_quantiles_and_clamp_outside():
    x = np.array([[0.0], [1.0], [1.0], [1.0], [2.0], [10.0]])
    model = fit_additive(x, np.array([0, 0, 1, 0, 1, 1]))
    expected = np.interp([-5.0, 1.0, 5.0, 99.0], model.anchors[0], model.positions[0])
    ranks = model.ranks(np.array([[-5.0], [1.0], [5.0], [99.0], [np.nan]]))[:, 0]
    np.testing.assert_allclose(ranks[:4], expected)
    assert ranks[0] == 0.0 and ranks[3] == 1.0 and np.isnan(ranks[4])


def test_a_column_without_training_values_has_no_influence_but_its_missing_term():
    x = np.column_stack([np.arange(20.0), np.full(20, np.nan)])
    model = fit_additive(x, np.arange(20) % 2)
    terms = model.terms(np.array([[3.0, np.nan], [3.0, 7.0]]))
    assert terms[0, 1] == pytest.approx(0.0)  # every training row was missing: centred away
    assert np.isfinite(terms).all()


def test_the_json_form_scores_the_same(fitted):
    model, x, _ = fitted
    again = AdditiveModel.from_json(json.loads(json.dumps(model.to_json())))
    np.testing.assert_allclose(again.log_odds(x), model.log_odds(x))


def test_ranks_of_many_rows_are_taken_in_chunks_with_the_same_result(fitted, monkeypatch):
    from shouwang.engines.scoring import additive

    model, x, _ = fitted
    whole = model.ranks(x)
    monkeypatch.setattr(additive, "RANK_CHUNK", 7)
    np.testing.assert_array_equal(model.ranks(x), whole)
