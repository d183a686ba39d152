import numpy as np

from shouwang.engines.scoring.cv import (
    BASELINE,
    BOOSTER_ONLY,
    WITH_GRAPH,
    WITHOUT_GRAPH,
    cross_validate,
    summary_table,
)

from .helpers import graph, slice_table


def test_every_variant_runs_on_the_same_folds_and_the_table_shows_the_spread():
    table = slice_table(240, seed=11)
    results = cross_validate(table, graph(), folds=3, inner_folds=3, seed=1, rounds=25)
    assert [(r.variant, r.fold) for r in results] == [
        (variant, fold)
        for fold in (1, 2, 3)
        for variant in (BASELINE, BOOSTER_ONLY, WITHOUT_GRAPH, WITH_GRAPH)
    ]
    assert all(0.5 < r.metrics.auc <= 1.0 for r in results)
    text = summary_table(results)
    assert text.count("mean ± sd over 3 folds") == 4
    assert f"{WITHOUT_GRAPH} minus {BOOSTER_ONLY}, paired by fold" in text


def test_the_validation_fold_labels_do_not_change_its_scores():
    """Scores of a held-out fold depend on its features and on training labels only."""
    from shouwang.engines.scoring.model import train

    table = slice_table(240, seed=13)
    call_graph = graph()
    fitting, held = table.select(np.arange(160)), table.select(np.arange(160, 240))
    model = train(fitting, call_graph, inner_folds=3, rounds=30)
    assert held.labels is not None
    flipped = type(held)(held.ids, held.columns, held.values, 1 - held.labels)
    np.testing.assert_array_equal(
        model.score(held, call_graph).probability, model.score(flipped, call_graph).probability
    )
    assert not set(held.ids) & set(model.known)
