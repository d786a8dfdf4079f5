"""The seed's data preparation recipe in pandas, as a timing reference for `pnpm bench:data` (not used by Muffler).

Steps, as the seed notebook describes them: read the battles CSV, split 95/5 in file order, encode models as ids of
their sorted names and the winner as model_a / model_b / tie_positive / tie_negative, balance the train split (RMOTE:
downsample the majority label to the minority's size, resample with replacement back to the original size, shuffle),
and write the raw and encoded splits. Parquet needs pyarrow, which Debian's python3-pandas lacks, so the four files
are written as CSV (as MEASUREMENTS.md's reference did). Prints one JSON line: {"rows": n, "seconds": s}.

Usage: python3 pandas_reference.py <battles.csv> <output-folder>
"""

import json
import math
import os
import sys
import time

import numpy as np
import pandas as pd


def encode(split: pd.DataFrame, model_ids: dict) -> pd.DataFrame:
    encoded = pd.DataFrame(
        {
            "model_a_idx": split["model_a"].map(model_ids),
            "model_b_idx": split["model_b"].map(model_ids),
            "prompt_idx": np.arange(len(split)),
        }
    )
    a = split["winner_model_a"].to_numpy()
    b = split["winner_model_b"].to_numpy()
    encoded["winner"] = np.where(
        (a == 1) & (b == 0),
        "model_a",
        np.where((a == 0) & (b == 1), "model_b", np.where((a == 1) & (b == 1), "tie_positive", "tie_negative")),
    )
    return encoded


def rmote(frame: pd.DataFrame, column: str, seed: int) -> pd.DataFrame:
    counts = frame[column].value_counts()
    minority, majority = counts.idxmin(), counts.idxmax()
    size = len(frame)
    kept = pd.concat(
        [frame[frame[column] == minority], frame[frame[column] == majority].sample(n=counts[minority], random_state=seed)]
    )
    if len(kept) < size:
        kept = pd.concat([kept, kept.sample(n=size - len(kept), replace=True, random_state=seed)])
    return kept.sample(frac=1, random_state=seed)


def main() -> None:
    source, output = sys.argv[1], sys.argv[2]
    os.makedirs(output, exist_ok=True)
    start = time.perf_counter()
    battles = pd.read_csv(source)
    test_size = math.ceil(0.05 * len(battles))
    train, test = battles.iloc[: len(battles) - test_size], battles.iloc[len(battles) - test_size :]
    models = sorted(set(train["model_a"]).union(train["model_b"]))
    model_ids = {name: index for index, name in enumerate(models)}
    train_encoded = rmote(encode(train.reset_index(drop=True), model_ids), "winner", 42)
    test_encoded = encode(test.reset_index(drop=True), model_ids)
    train.to_csv(os.path.join(output, "raw_train.csv"))
    test.to_csv(os.path.join(output, "raw_test.csv"))
    train_encoded.to_csv(os.path.join(output, "encoded_train.csv"))
    test_encoded.to_csv(os.path.join(output, "encoded_test.csv"))
    print(json.dumps({"rows": len(battles), "seconds": time.perf_counter() - start, "pandas": pd.__version__}))


if __name__ == "__main__":
    main()
