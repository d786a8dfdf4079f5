"""How far can text features go on MMLU gold routing? A reference check, not part of the product.

Fits models OUTSIDE the MF's form on the same kind of 5-fold split as `muffler evaluate --cv 5` and prints the pooled
APGR of each (the metric as packages/metrics computes it: percent-strong grid 0..100 by 10, trapezoid):
  - subject:     route by the MMLU subject's mean gain (strong correct - weak correct) in the training folds
                 (uses the subject, which real traffic does not carry);
  - tfidf-ridge: kernel ridge regression of the gain on TF-IDF vectors (words and word bigrams, 2^18 hashed slots,
                 sublinear tf, idf from all prompts, unit norm), several regularization strengths;
  - use-lite-ridge and use-lite+tfidf: the same on use-lite vectors, when --use-lite FILE gives them (float32 rows in
    the order of the prompts below; `python3 mmlu_ceiling.py --dump-prompts F` writes that order as JSON lines).

Needs numpy and scipy (Debian: python3-numpy python3-scipy). Run from the repository root:
  python3 packages/metrics/bench/mmlu_ceiling.py [--data ../shared/data/routellm-evals/mmlu] [--use-lite FILE]
Takes a few minutes on 2 cores (one 11k x 11k Cholesky per fold and strength).
"""
import argparse, csv, glob, json, os, re, sys, zlib

import numpy as np
import scipy.linalg as sl
import scipy.sparse as sp

STRONG, WEAK = "gpt-4-1106-preview", "mistralai/Mixtral-8x7B-Instruct-v0.1"


def load(folder):
    csv.field_size_limit(10**9)
    contaminated = set()
    path = os.path.join(folder, "contaminated_prompts.jsonl")
    if os.path.exists(path):
        contaminated = {json.loads(line)["eval_prompt"] for line in open(path, encoding="utf8") if line.strip()}
    rows = []
    for file in sorted(glob.glob(os.path.join(folder, "responses", "*.csv"))):
        subject = os.path.basename(file)[len("mmlu_"):-len(".csv")]
        for row in csv.DictReader(open(file, encoding="utf8")):
            if row["prompt"] not in contaminated:
                rows.append((row["prompt"], subject, row[STRONG] == "True", row[WEAK] == "True"))
    return rows


def apgr(score, strong, weak):
    points = [(0.0, weak.mean()), (1.0, strong.mean())]
    for percent in range(0, 101, 10):
        chosen = score >= np.quantile(score, 1 - percent / 100)
        points.append((chosen.mean(), np.where(chosen, strong, weak).mean()))
    points.sort()
    share = np.array([p[0] for p in points])
    quality = np.array([p[1] for p in points])
    pgr = (quality - weak.mean()) / (strong.mean() - weak.mean())
    return float(np.sum((share[1:] - share[:-1]) * (pgr[1:] + pgr[:-1]) / 2))


def tfidf(prompts, slots=2**18):
    rows, cols, vals = [], [], []
    for i, text in enumerate(prompts):
        words = re.findall(r"\w+", text.lower())
        counts = {}
        for gram in words + [a + " " + b for a, b in zip(words, words[1:])]:
            slot = zlib.crc32(gram.encode()) % slots
            counts[slot] = counts.get(slot, 0) + 1
        for slot, count in counts.items():
            rows.append(i); cols.append(slot); vals.append(1 + np.log(count))
    x = sp.csr_matrix((vals, (rows, cols)), shape=(len(prompts), slots))
    df = np.bincount(cols, minlength=slots)
    x = x @ sp.diags(np.log((1 + len(prompts)) / (1 + df)) + 1)
    norms = np.sqrt(x.multiply(x).sum(1)).A1
    return (sp.diags(1 / (norms + 1e-12)) @ x).tocsr()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/data/routellm-evals/mmlu")
    parser.add_argument("--use-lite")
    parser.add_argument("--dump-prompts")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = load(args.data)
    if args.dump_prompts:
        with open(args.dump_prompts, "w", encoding="utf8") as out:
            for row in rows:
                out.write(json.dumps({"prompt": row[0]}) + "\n")
        return
    n = len(rows)
    strong = np.array([r[2] for r in rows], float)
    weak = np.array([r[3] for r in rows], float)
    gain = strong - weak
    folds = np.array_split(np.random.default_rng(args.seed).permutation(n), 5)
    splits = [(np.concatenate([folds[j] for j in range(5) if j != k]), folds[k]) for k in range(5)]
    print(f"MMLU rows {n}; 5 random folds, seed {args.seed}; pooled APGR of the held-out scores")

    subjects = sorted({r[1] for r in rows})
    sid = np.array([subjects.index(r[1]) for r in rows])
    out = np.zeros(n)
    for train, test in splits:
        total = np.bincount(sid[train], gain[train], len(subjects))
        count = np.bincount(sid[train], minlength=len(subjects))
        out[test] = ((total + 5 * gain[train].mean()) / (count + 5))[sid[test]]
    print(f"subject (mean gain per subject)          {apgr(out, strong, weak):.4f}")
    sys.stdout.flush()

    kernels = {}
    t = tfidf([r[0] for r in rows])
    kernels["tfidf-ridge"] = (t @ t.T).toarray()
    if args.use_lite:
        u = np.fromfile(args.use_lite, np.float32).reshape(n, -1).astype(np.float64)
        ku = u @ u.T
        kernels["use-lite-ridge"] = ku
        kernels["use-lite+tfidf-ridge"] = ku / np.mean(np.diag(ku)) + kernels["tfidf-ridge"]
    for name, k in kernels.items():
        for strength in (3, 10, 30):
            out = np.zeros(n)
            for train, test in splits:
                mean = gain[train].mean()
                factor = sl.cho_factor(k[np.ix_(train, train)] + strength * np.eye(len(train)), overwrite_a=True, check_finite=False)
                out[test] = k[np.ix_(test, train)] @ sl.cho_solve(factor, gain[train] - mean, check_finite=False) + mean
            print(f"{name:<24} strength {strength:>3}      {apgr(out, strong, weak):.4f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
