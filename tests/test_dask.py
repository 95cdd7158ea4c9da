"""annotate_frame as a Dask partition function, on a real LocalCluster with two worker processes."""

import pandas as pd
import pytest

import breakthrough_nlp

dd = pytest.importorskip("dask.dataframe", reason="dask is in the [test] extra")
distributed = pytest.importorskip("dask.distributed")

TEXTS = [
    "Every time I say yes to everything I end up burned out and hating myself.",
    "Groceries, laundry, called the bank.",
    "I don't want the promotion. I want my evenings with the kids.",
    "Realized I left my keys at work.",
    "Talking about the funeral I finally let myself feel how angry I was at him.",
    "Rain again. Read on the couch.",
]


def test_map_partitions_on_local_cluster_matches_pandas(tmp_path):
    df = pd.DataFrame({"text": TEXTS * 3, "who": [f"w{i}" for i in range(18)]})
    expected = breakthrough_nlp.annotate_frame(df)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, local_directory=str(tmp_path)) as cluster, \
            distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        ddf = dd.from_pandas(df, npartitions=4)
        got = ddf.map_partitions(breakthrough_nlp.annotate_frame, meta=expected.iloc[:0]).compute()
        # Each partition really ran on a worker process, not in the client.
        pids = set(client.run(lambda: __import__("os").getpid()).values())
        assert len(pids) == 2
    got = got.sort_index()
    assert list(got.index) == list(expected.index)
    for col in ("who", "status", "n_realizations"):
        assert got[col].tolist() == expected[col].tolist()  # dask may store strings as Arrow strings
    for col in ("p_feelings", "p_patterns", "p_values"):
        assert got[col].tolist() == pytest.approx(expected[col].tolist())
    assert got["labels"].tolist() == expected["labels"].tolist()


def test_the_readme_dask_example_writes_parquet(tmp_path):
    # The README's example failed at to_parquet: Dask cannot infer the span lists' type from meta,
    # and a failed first row made the probabilities object columns.
    pytest.importorskip("pyarrow")
    from breakthrough_nlp.api import arrow_schema

    df = pd.DataFrame({"text": [None] + TEXTS, "who": [f"w{i}" for i in range(len(TEXTS) + 1)]})
    ddf = dd.from_pandas(df, npartitions=3)
    sample = breakthrough_nlp.annotate_frame(ddf.head(1))
    assert sample["p_patterns"].dtype == "float64"
    annotated = ddf.map_partitions(breakthrough_nlp.annotate_frame, meta=sample[:0])
    annotated.to_parquet(tmp_path / "annotated", schema=arrow_schema(sample))
    back = pd.read_parquet(tmp_path / "annotated")
    assert len(back) == len(df) and back["status"].iloc[0].startswith("error")
    expected = breakthrough_nlp.annotate_frame(df)
    assert [list(x) for x in back["labels"]] == expected["labels"].tolist()
    assert [len(x) for x in back["realizations"]] == expected["n_realizations"].tolist()


def test_annotate_frame_refuses_a_frame_that_already_has_its_columns():
    with pytest.raises(ValueError, match=r"already has column\(s\) \['labels'\]"):
        breakthrough_nlp.annotate_frame(pd.DataFrame({"text": ["Rain."], "labels": [["values"]]}))
