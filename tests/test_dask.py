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
