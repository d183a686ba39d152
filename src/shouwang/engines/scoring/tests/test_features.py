import numpy as np
import scipy.sparse as sp

from shouwang.engines.scoring.dataset import CallGraph, FeatureTable
from shouwang.engines.scoring.features import FeatureSpec, derived, neighbour_labels, structure


def path_graph() -> CallGraph:
    """a - b - c - d, and e alone."""
    edges = [(0, 1), (1, 2), (2, 3)]
    rows = [i for i, j in edges] + [j for i, j in edges]
    cols = [j for i, j in edges] + [i for i, j in edges]
    adjacency = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(5, 5))
    return CallGraph(adjacency, {name: i for i, name in enumerate("abcde")})


def test_neighbour_labels_count_known_contacts_only():
    graph = path_graph()
    rows = graph.rows_of(["b", "c", "e", "zz"])
    out = neighbour_labels(graph, rows, {"a": 1, "c": 0})
    # b's contacts a (fraud) and c (not fraud); c's contacts b (unknown) and d (unknown)
    assert out[0, :2].tolist() == [1.0, 2.0]
    assert out[1, :2].tolist() == [0.0, 0.0]
    # e is isolated, zz is not in the graph: no known contacts
    assert out[2, :2].tolist() == [0.0, 0.0] and out[3, :2].tolist() == [0.0, 0.0]


def test_a_number_never_sees_its_own_label_one_or_two_hops_out():
    graph = path_graph()
    rows = graph.rows_of(["a", "b", "c", "d"])
    base = {"a": 1, "b": 0, "c": 1, "d": 0}
    for number in base:
        flipped = dict(base, **{number: 1 - base[number]})
        row = "abcd".index(number)
        before = neighbour_labels(graph, rows, base)[row]
        after = neighbour_labels(graph, rows, flipped)[row]
        np.testing.assert_array_equal(before, after)


def test_two_hop_share_reads_the_contacts_of_contacts():
    graph = path_graph()
    out = neighbour_labels(graph, graph.rows_of(["a"]), {"c": 1, "b": 0})
    # a - b - c: one labelled number two hops out (c), and it is fraud
    assert out[0, 3] == 1.0


def test_structure_gives_degree_and_two_hop_reach():
    graph = path_graph()
    out = structure(graph, graph.rows_of(["a", "b", "e", "zz"]))
    assert out.tolist() == [[1.0, 1.0], [2.0, 1.0], [0.0, 0.0], [0.0, 0.0]]


def test_ratios_leave_division_by_zero_missing():
    table = FeatureTable(
        ("x", "y"),
        ("opposite_unique", "opposite_count"),
        np.array([[5.0, 10.0], [3.0, 0.0]]),
    )
    names, values = derived(table)
    share = values[:, names.index("x_unique_contact_share")]
    assert share[0] == 0.5 and np.isnan(share[1])
    assert values[:, names.index("x_missing_values")].tolist() == [0.0, 0.0]


def test_the_spec_lists_every_feature_it_builds():
    graph = path_graph()
    table = FeatureTable(("a", "b"), ("opposite_count",), np.array([[1.0], [np.nan]]))
    names, values = FeatureSpec(table.columns, graph=True).build(table, graph, {"c": 1})
    assert values.shape == (2, len(names))
    assert names[0] == "opposite_count" and "g_fraud_neighbours" in names
