from pathlib import Path

import numpy as np
import pytest

from shouwang.engines.scoring.dataset import read_features, read_graph
from shouwang.engines.scoring.errors import InputError

from .helpers import fraud_dir


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "features.csv"
    path.write_text(text)
    return path


def test_it_reads_numbers_values_and_labels(tmp_path):
    table = read_features(write(tmp_path, "phone_no_m,a,b,label\nx,1,,1\ny,2.5,3,0\n"))
    assert table.ids == ("x", "y")
    assert table.columns == ("a", "b")
    assert np.isnan(table.values[0, 1]) and table.values[1, 0] == 2.5
    assert table.labels is not None and table.labels.tolist() == [1, 0]


def test_it_names_row_and_column_of_a_bad_value(tmp_path):
    with pytest.raises(InputError) as caught:
        read_features(write(tmp_path, "phone_no_m,a,b\nx,1,2\ny,3,abc\n"))
    assert (caught.value.problem, caught.value.row, caught.value.column) == ("bad_value", 2, "b")
    assert caught.value.value == "abc"


def test_it_rejects_a_label_other_than_0_or_1(tmp_path):
    with pytest.raises(InputError) as caught:
        read_features(write(tmp_path, "phone_no_m,a,label\nx,1,0\ny,3,2\n"))
    assert (caught.value.row, caught.value.column) == (2, "label")


def test_it_rejects_a_repeated_number(tmp_path):
    with pytest.raises(InputError) as caught:
        read_features(write(tmp_path, "phone_no_m,a\nx,1\ny,2\nx,3\n"))
    assert (caught.value.problem, caught.value.row) == ("duplicate_id", 3)


def test_it_requires_the_model_columns(tmp_path):
    with pytest.raises(InputError) as caught:
        read_features(write(tmp_path, "phone_no_m,a\nx,1\n"), columns=["a", "b"])
    assert (caught.value.problem, caught.value.column) == ("missing_column", "b")


def test_it_takes_the_columns_in_the_model_order_and_ignores_the_label(tmp_path):
    table = read_features(
        write(tmp_path, "phone_no_m,a,b,label\nx,1,2,1\n"), columns=["b", "a"], labels=False
    )
    assert table.values.tolist() == [[2.0, 1.0]] and table.labels is None


def test_the_call_graph_is_symmetric_without_self_loops():
    graph = read_graph(fraud_dir() / "node_adj_sparse.npz", fraud_dir() / "node_order.csv")
    adjacency = graph.adjacency
    assert adjacency.shape == (6106, 6106) and len(graph.index) == 6106
    assert (adjacency != adjacency.T).nnz == 0
    assert adjacency.diagonal().sum() == 0
    assert set(np.unique(adjacency.data)) == {1.0}


def test_a_graph_with_a_wrong_node_list_is_refused(tmp_path):
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("node,phone_no_m\n0,a\n1,b\n")
    with pytest.raises(InputError) as caught:
        read_graph(fraud_dir() / "node_adj_sparse.npz", nodes)
    assert caught.value.column == "node"
