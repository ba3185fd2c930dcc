#!/usr/bin/env python3
"""scikit-learn parity check for the committed SVC artifact (developer check, NOT part of the test suite).

What it checks: refits scikit-learn's SVC (the libsvm fork inside scikit-learn) on exactly the training
matrix of a churn model artifact (same train ids, same cleaning, same encoding with the artifact's own
feature spec and scaler, same C and gamma, tol 1e-3, shrinking on) and compares with the artifact that
Debian's libsvm 3.24 produced:

  * number of support vectors and the set of support-vector client ids,
  * max |dual coefficient difference| (matched by client id) and |rho difference|,
  * max |decision value difference| over every client against `churn score --format csv`
    (train + test ids, and all clients the tables have),
  * Platt's probA/probB with probability=True (scikit-learn shuffles Platt's internal 5-fold CV with its
    own Mersenne-Twister generator, libsvm with C rand(), so these are not expected to agree); the script
    also replays libsvm's own shuffle (glibc srand/rand through ctypes) with scikit-learn fits per fold and
    libsvm's sigmoid_train, to show whether the shuffle is the only difference.

scikit-learn sorts the class labels before libsvm groups the rows, while Debian's libsvm 3.24 keeps the
order of first appearance (labels 1/0; the first training client decides). The script fits both with the
artifact's class order (the same ordered problem as the project's fit) and with the usual coding y = 1 for
"at risk", and reports both. Expected: with the artifact's class order scikit-learn reproduces the support
vectors, dual coefficients and rho exactly and decision values agree to ~1e-13 (the native scorer's
arithmetic); with sorted classes the solver visits the variables in another order and stops at another
point within tol = 1e-3, so decision values differ by up to ~1e-3 (same support vectors, same signs).

How to run (needs Python 3 with scikit-learn, numpy and pandas, kept outside the repo):

    python3 -m venv /tmp/skvenv && /tmp/skvenv/bin/pip install scikit-learn numpy pandas
    swift build -c release --scratch-path /tmp/h-parity-build
    /tmp/skvenv/bin/python scripts/sklearn_parity.py \
        --churn /tmp/h-parity-build/release/churn \
        --tables /work/shared/data/one-click --model models/churn-svc.json

`--score-csv FILE` uses saved `churn score --format csv` output instead of running the binary.
Exit status: 0 when the comparison ran (the figures are the result; see --strict), 2 on a usage or
environment problem (missing scikit-learn, unreadable files, a rebuilt training matrix that does not
reproduce the artifact's support vectors).
"""

import argparse
import ctypes
import ctypes.util
import csv
import io
import json
import math
import os
import subprocess
import sys
import warnings

try:
    import numpy as np
    import pandas as pd
    import sklearn
    from sklearn.svm import SVC
except ImportError as error:  # pragma: no cover - environment problem
    print(
        f"sklearn_parity: {error}.\n"
        "This developer check needs scikit-learn, numpy and pandas. Install them outside the repo, e.g.\n"
        "  python3 -m venv /tmp/skvenv && /tmp/skvenv/bin/pip install scikit-learn numpy pandas\n"
        "and run the script with /tmp/skvenv/bin/python.",
        file=sys.stderr,
    )
    sys.exit(2)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Cleaning constants of Sources/ChurnTraining/ShopTables.swift and Cleaning.swift.
DROPPED = "Снизилась"
SERVICE_TYPE_TYPOS = {"стандартт": "стандарт"}
PERIOD_TYPOS = {"предыдцщий_месяц": "предыдущий_месяц"}
OUTLIER_FACTOR = 10.0


def fail(message):
    print(f"sklearn_parity: {message}", file=sys.stderr)
    sys.exit(2)


# --------------------------------------------------------------------------------------------------
# Tables and cleaning (a transcription of Cleaning.clean; sums run in the same order as the Swift code)
# --------------------------------------------------------------------------------------------------

def load_tables(directory):
    def read(name, **kw):
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            fail(f"cannot read {path}; is --tables the folder with the shop's four CSV files?")
        return pd.read_csv(path, dtype=str, keep_default_na=False, **kw)

    return {
        "market_file.csv": read("market_file.csv"),
        "market_money.csv": read("market_money.csv"),
        "market_time.csv": read("market_time.csv"),
    }


def periods_by_id(frame, value_column):
    out = {}
    for cid, period, value in zip(frame["id"], frame["Период"], frame[value_column]):
        out.setdefault(int(cid), {})[PERIOD_TYPOS.get(period, period)] = float(value)
    return out


def clean(tables):
    """One row per client (all clients; `inactive` lists the ones training drops), as Cleaning.clean."""
    market = tables["market_file.csv"].copy()
    market["Тип сервиса"] = market["Тип сервиса"].map(lambda v: SERVICE_TYPE_TYPOS.get(v, v))
    revenue = periods_by_id(tables["market_money.csv"], "Выручка")
    minutes = periods_by_id(tables["market_time.csv"], "минут")

    # Revenue outliers: above 10x the (upper) median of all revenue values -> mean of the same period over
    # the other clients, summed in id order.
    values = sorted(v for per in revenue.values() for v in per.values())
    median = values[len(values) // 2] if values else 0.0
    outliers = sorted((cid, p) for cid, per in revenue.items() for p, v in per.items()
                      if median > 0 and v > OUTLIER_FACTOR * median)
    outlier_set = set(outliers)
    replacements = {}
    for cid, period in outliers:
        total, count = 0.0, 0
        for other in sorted(revenue):
            if (other, period) in outlier_set or period not in revenue[other]:
                continue
            total += revenue[other][period]
            count += 1
        replacements[(cid, period)] = total / max(count, 1)
    for (cid, period), v in replacements.items():
        revenue[cid][period] = v

    inactive = {int(cid) for cid in market["id"] if 0.0 in revenue.get(int(cid), {0: 0.0}).values()}
    rows = {}
    for record in market.to_dict("records"):
        cid = int(record["id"])
        rows[cid] = {"record": record, "revenue": revenue.get(cid, {}), "minutes": minutes.get(cid, {}),
                     "at_risk": record["Покупательская активность"] == DROPPED}
    return rows, inactive, outliers


def raw_features(row, spec):
    """The raw 17-vector in the artifact's feature order (categories as indices), as Cleaning.features."""
    out = []
    by_name = {}
    for f in spec["features"]:
        table, _, column = f["source"].partition(":")
        if table == "derived":
            value = 1.0 if by_name[column] > spec["promo_level_cut"] else 0.0
        elif table == "market_file.csv":
            text = row["record"][column]
            if f["kind"] == "categorical":
                value = float(f["source_values"].index(text)) if text in f["source_values"] else 0.0
            else:
                value = float(text)
        elif table in ("market_money.csv", "market_time.csv"):
            _, _, period = column.partition("@")
            values = row["revenue"] if table == "market_money.csv" else row["minutes"]
            value = values.get(PERIOD_TYPOS.get(period, period), 0.0)
        else:
            fail(f"feature {f['name']}: unknown source {f['source']}")
        by_name[f["name"]] = value
        out.append(value)
    return out


def encode(raw, spec, scaler):
    """FeatureEncoder.encode: scaled numerics in spec order, then one-hot with the first level dropped."""
    numeric = [i for i, f in enumerate(spec["features"]) if f["kind"] == "numeric"]
    out = [(raw[r] - scaler["offset"][c]) / scaler["scale"][c] for c, r in enumerate(numeric)]
    for i, f in enumerate(spec["features"]):
        if f["kind"] != "categorical":
            continue
        levels = max(len(f["categories"]) - 1, 0)
        block = [0.0] * levels
        level = int(raw[i]) if float(raw[i]).is_integer() else 0
        if 1 <= level <= levels:
            block[level - 1] = 1.0
        out += block
    return out


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------

def libsvm_decision(x, svs, coef, gamma, rho):
    """libsvm's svm_predict_values for two classes: sum_i coef_i exp(-gamma ||x - sv_i||^2) - rho,
    distances and the sum accumulated in libsvm's order (towards the first internal label)."""
    d2 = np.zeros((x.shape[0], svs.shape[0]))
    for j in range(x.shape[1]):
        t = x[:, j:j + 1] - svs[None, :, j]
        d2 += t * t
    k = np.exp(-gamma * d2)
    dec = np.zeros(x.shape[0])
    for i in range(svs.shape[0]):
        dec += coef[i] * k[:, i]
    return dec - rho


def artifact_sv_ids(art_svs, counts, labels, x_train, y_train, train_ids):
    """Maps the artifact's support vectors to training client ids.

    libsvm stores support vectors class block by class block (internal label order), each block in training
    row order, so a monotone exact-row match within the class recovers the rows. Clients identical except for
    the id (README: 11 such pairs) make a match ambiguous unless every twin is a support vector; returns the
    ids, the number of twin-row support vectors and how many of them remain ambiguous."""
    ids, twins, ambiguous, start = [], 0, 0, 0
    for count, label in zip(counts, labels):
        rows = [i for i in range(len(y_train)) if int(y_train[i]) == label]
        groups = {}
        for r in rows:
            groups.setdefault(x_train[r].tobytes(), []).append(r)
        used = {}
        pos = 0
        for k in range(start, start + count):
            sv = art_svs[k]
            while pos < len(rows) and not np.array_equal(x_train[rows[pos]], sv):
                pos += 1
            if pos == len(rows):
                fail(f"support vector {k} of the artifact is not a row of the rebuilt training matrix; "
                     "the cleaning/encoding here does not reproduce the project's")
            key = x_train[rows[pos]].tobytes()
            used[key] = used.get(key, 0) + 1
            ids.append(train_ids[rows[pos]])
            pos += 1
        for key, n in used.items():
            if len(groups[key]) > 1:
                twins += n
                ambiguous += n if n < len(groups[key]) else 0
        start += count
    return ids, twins, ambiguous


def run_churn_score(args):
    if args.score_csv:
        with open(args.score_csv, encoding="utf-8") as f:
            text = f.read()
    else:
        churn = args.churn
        if not (churn and os.path.exists(churn)):
            fail(f"churn binary not found at {churn!r}; build it (swift build -c release [--scratch-path DIR]) "
                 "and pass --churn PATH, or pass --score-csv FILE")
        result = subprocess.run([churn, "score", "--model", args.model, "--tables", args.tables,
                                 "--format", "csv"], capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"churn score failed ({result.returncode}): {result.stderr.strip()}")
        text = result.stdout
    return {int(r["client_id"]): float(r["decision_value"]) for r in csv.DictReader(io.StringIO(text))}


def fit_svc(x, codes, c, gamma, probability=False, seed=None):
    model = SVC(kernel="rbf", C=c, gamma=gamma, tol=1e-3, shrinking=True, cache_size=200,
                probability=probability, random_state=seed)
    model.fit(x, codes)
    return model


def internal(model):
    """libsvm's own orientation inside scikit-learn: coefficients and -rho towards classes_[0]."""
    return model._dual_coef_[0], -model._intercept_[0]


def sigmoid_train(dec, labels):
    """libsvm 3.24's sigmoid_train (Platt's method, Lin-Lin-Weng Newton iteration), transcribed."""
    prior1 = float(sum(1 for y in labels if y > 0))
    prior0 = float(len(labels)) - prior1
    max_iter, min_step, sigma, eps = 100, 1e-10, 1e-12, 1e-5
    hi, lo = (prior1 + 1.0) / (prior1 + 2.0), 1 / (prior0 + 2.0)
    t = [hi if y > 0 else lo for y in labels]
    a, b = 0.0, math.log((prior0 + 1.0) / (prior1 + 1.0))

    def objective(a_, b_):
        f = 0.0
        for d, ti in zip(dec, t):
            z = d * a_ + b_
            f += ti * z + math.log(1 + math.exp(-z)) if z >= 0 else (ti - 1) * z + math.log(1 + math.exp(z))
        return f

    fval = objective(a, b)
    for _ in range(max_iter):
        h11, h22, h21, g1, g2 = sigma, sigma, 0.0, 0.0, 0.0
        for d, ti in zip(dec, t):
            z = d * a + b
            if z >= 0:
                p, q = math.exp(-z) / (1.0 + math.exp(-z)), 1.0 / (1.0 + math.exp(-z))
            else:
                p, q = 1.0 / (1.0 + math.exp(z)), math.exp(z) / (1.0 + math.exp(z))
            d2 = p * q
            h11 += d * d * d2
            h22 += d2
            h21 += d * d2
            d1 = ti - p
            g1 += d * d1
            g2 += d1
        if abs(g1) < eps and abs(g2) < eps:
            break
        det = h11 * h22 - h21 * h21
        da = -(h22 * g1 - h21 * g2) / det
        db = -(-h21 * g1 + h11 * g2) / det
        gd = g1 * da + g2 * db
        step = 1.0
        while step >= min_step:
            na, nb = a + step * da, b + step * db
            nf = objective(na, nb)
            if nf < fval + 0.0001 * step * gd:
                a, b, fval = na, nb, nf
                break
            step /= 2.0
        if step < min_step:
            break
    return a, b


def replay_libsvm_platt(x, y_pm, c, gamma, seed):
    """libsvm 3.24's svm_binary_svc_probability with glibc srand(seed)/rand() for the shuffle and a
    scikit-learn SVC per fold, each fold's rows in libsvm's order.

    The folds are labelled +1/-1, and libsvm 3.24's svm_group_classes puts +1 first whenever the two
    labels are exactly -1 and +1 (whatever appears first), so +1 is scikit-learn's class 0 here."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.srand.argtypes = [ctypes.c_uint]
    libc.rand.restype = ctypes.c_int
    libc.srand(seed & 0xFFFFFFFF)
    n = len(y_pm)
    perm = list(range(n))
    for i in range(n):
        j = i + libc.rand() % (n - i)
        perm[i], perm[j] = perm[j], perm[i]
    dec = [0.0] * n
    for fold in range(5):
        begin, end = fold * n // 5, (fold + 1) * n // 5
        train = perm[:begin] + perm[end:]
        codes = np.array([0 if y_pm[i] > 0 else 1 for i in train])
        held = perm[begin:end]
        if len(set(codes)) < 2:  # libsvm's one-class folds: +1 / -1 without a fit
            for i in held:
                dec[i] = 1.0 if codes[0] == 0 else -1.0
            continue
        model = fit_svc(x[train], codes, c, gamma)
        coef, rho = internal(model)  # towards class 0 = +1, as libsvm's dec * submodel->label[0]
        for i, v in zip(held, libsvm_decision(x[held], model.support_vectors_, coef, gamma, rho)):
            dec[i] = v
    return sigmoid_train(dec, y_pm)


# --------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=os.path.join(REPO, "models", "churn-svc.json"),
                        help="model artifact (default: models/churn-svc.json)")
    parser.add_argument("--tables", default="/work/shared/data/one-click",
                        help="folder with the four CSV tables (default: /work/shared/data/one-click)")
    parser.add_argument("--churn", default=os.environ.get("CHURN_BIN", os.path.join(REPO, ".build", "release", "churn")),
                        help="release churn binary (default: $CHURN_BIN or .build/release/churn)")
    parser.add_argument("--score-csv", help="saved `churn score --format csv` output to use instead of the binary")
    parser.add_argument("--platt-seeds", default="0,1,2,3,4",
                        help="random_state values for the probability=True fits (default 0,1,2,3,4)")
    parser.add_argument("--strict", type=float, default=None,
                        help="exit 1 when the fit with the artifact's class order differs from `churn score` by more "
                             "than this in some decision value (default: report only)")
    args = parser.parse_args()
    # scikit-learn 1.9 deprecates SVC(probability=True); the check needs exactly that fit.
    warnings.filterwarnings("ignore", message=".*probability.*", category=FutureWarning)

    try:
        with open(args.model, encoding="utf-8") as f:
            art = json.load(f)
    except OSError as error:
        fail(f"cannot read the model: {error}")
    spec, scaler, svc, training = art["feature_spec"], art["scaler"], art["svc"], art["training"]
    c, gamma = float(svc["C"]), float(svc["gamma"])
    labels = svc["labels"]                    # libsvm's internal label order (1 = at risk, 0 = kept)
    at_risk_first = svc["at_risk_index"] == 0

    rows, inactive, outliers = clean(load_tables(args.tables))
    train_ids, test_ids = training["train_ids"], training["test_ids"]
    missing = [i for i in train_ids + test_ids if i not in rows]
    if missing:
        fail(f"{len(missing)} artifact ids are not in the tables (first {missing[0]})")
    encoded = {cid: encode(raw_features(rows[cid], spec), spec, scaler) for cid in rows}
    x_train = np.array([encoded[i] for i in train_ids])
    y_train = np.array([1 if rows[i]["at_risk"] else 0 for i in train_ids])

    # Sanity: the artifact's scaler and gamma are what a StandardScaler / gamma="scale" give on these rows.
    numeric = [i for i, f in enumerate(spec["features"]) if f["kind"] == "numeric"]
    raw_train = np.array([raw_features(rows[i], spec) for i in train_ids])[:, numeric]
    scaler_diff = max(np.max(np.abs(raw_train.mean(axis=0) - scaler["offset"]) / np.abs(scaler["offset"])),
                      np.max(np.abs(raw_train.std(axis=0) - scaler["scale"]) / np.abs(scaler["scale"])))
    gamma_scale = 1.0 / (x_train.shape[1] * x_train.var())

    art_svs = np.array(svc["support_vectors"])
    art_coef = np.array(svc["dual_coefficients"])
    art_ids, twins, ambiguous = artifact_sv_ids(art_svs, svc["support_vector_counts"], labels, x_train, y_train, train_ids)
    art_coef_by_id = dict(zip(art_ids, art_coef))

    churn = run_churn_score(args)
    all_ids = sorted(rows)
    x_all = np.array([encoded[i] for i in all_ids])
    # The artifact's own model evaluated here with libsvm's formula (separates scorer arithmetic from fitting).
    art_dec = libsvm_decision(x_all, art_svs, art_coef, gamma, svc["rho"]) * (1 if at_risk_first else -1)
    churn_dec = np.array([churn[i] for i in all_ids])
    split_ids = set(train_ids) | set(test_ids)
    split_mask = np.array([i in split_ids for i in all_ids])

    def compare(codes_at_risk, name):
        """Fits with the given class code for 'at risk' (0 or 1) and compares with the artifact."""
        codes = np.where(y_train == 1, codes_at_risk, 1 - codes_at_risk)
        model = fit_svc(x_train, codes, c, gamma)
        coef, rho = internal(model)           # towards classes_[0]
        sk_first_is_at_risk = codes_at_risk == 0
        # Orient to the artifact: coefficients and rho towards libsvm's labels[0].
        flip = 1.0 if sk_first_is_at_risk == at_risk_first else -1.0
        sk_ids = [train_ids[i] for i in model.support_]
        sk_coef_by_id = dict(zip(sk_ids, coef * flip))
        common = set(sk_ids) & set(art_ids)
        coef_diff = max((abs(sk_coef_by_id[i] - art_coef_by_id[i]) for i in common), default=float("nan"))
        coef_diff_all = max(abs(sk_coef_by_id.get(i, 0.0) - art_coef_by_id.get(i, 0.0))
                            for i in set(sk_ids) | set(art_ids))
        at_risk_class = list(model.classes_).index(codes_at_risk)
        sk_dec = model.decision_function(x_all) * (1 if at_risk_class == 1 else -1)  # positive = at risk
        return {
            "name": name, "model": model, "n_sv": len(sk_ids),
            "n_sv_per_class": [sum(1 for i in model.support_ if y_train[i] == label) for label in labels],
            "same_ids": set(sk_ids) == set(art_ids), "only_sklearn": sorted(set(sk_ids) - set(art_ids)),
            "only_artifact": sorted(set(art_ids) - set(sk_ids)), "coef_diff": coef_diff, "coef_diff_all": coef_diff_all,
            "rho_diff": abs(rho * flip - svc["rho"]),
            "dec_churn_split": np.max(np.abs(sk_dec - churn_dec)[split_mask]),
            "dec_churn_all": np.max(np.abs(sk_dec - churn_dec)),
            "dec_art": np.max(np.abs(sk_dec - art_dec)),
            "sign_agree": int(np.sum(np.sign(sk_dec) == np.sign(churn_dec))),
            "iters": int(model.n_iter_[0]),
        }

    same_order = compare(0 if at_risk_first else 1, "sklearn, artifact's class order")
    natural = compare(1, "sklearn, y=1 at risk (sorted)")

    # Platt: scikit-learn with its own generator, and a replay of libsvm's rand() shuffle.
    platt = []
    for seed in [int(s) for s in args.platt_seeds.split(",") if s.strip()]:
        codes = np.where(y_train == 1, 0 if at_risk_first else 1, 1 if at_risk_first else 0)
        m = fit_svc(x_train, codes, c, gamma, probability=True, seed=seed)
        # probA/probB are towards libsvm's first label, like the artifact's (same class order here).
        platt.append((seed, float(m._probA[0]), float(m._probB[0])))
    grouped = sorted(range(len(train_ids)), key=lambda i: (0 if y_train[i] == labels[0] else 1, i))
    y_pm = [1 if y_train[i] == labels[0] else -1 for i in grouped]
    replay_a, replay_b = (float(v) for v in replay_libsvm_platt(x_train[grouped], y_pm, c, gamma, int(training["seed"])))

    # ---------------------------------------------------------------------------------------------
    w = 34
    print(f"sklearn_parity: scikit-learn {sklearn.__version__}, numpy {np.__version__}; artifact libsvm "
          f"{training['libsvm_version']}, C={c:g}, gamma={gamma!r}")
    print(f"  training matrix: {x_train.shape[0]} rows x {x_train.shape[1]} columns rebuilt from {args.tables}; "
          f"{len(outliers)} revenue outlier(s) replaced, {len(inactive)} inactive clients (scored, not trained)")
    print(f"  artifact scaler vs mean/std (ddof=0, as StandardScaler) on the train rows: max relative diff {scaler_diff:.1e}; "
          f"gamma='scale' here {float(gamma_scale)!r} (diff {abs(gamma_scale - gamma):.1e})")
    print(f"  artifact support vectors found as exact training rows: {len(art_ids)}/{len(art_svs)} "
          f"({twins} have an identical twin row in the same class, {ambiguous} of them with an ambiguous id)")
    print(f"  artifact model evaluated here vs `churn score`: max |decision diff| "
          f"{np.max(np.abs(art_dec - churn_dec)):.2e} over {len(all_ids)} clients")
    print()
    header = f"{'figure':{w}} {'libsvm 3.24 (artifact)':>24} | {same_order['name']:>34} | {natural['name']:>32}"
    print(header)
    print("-" * len(header))

    def line(label, art_value, key, fmt):
        print(f"{label:{w}} {art_value:>24} | {fmt(same_order[key]):>34} | {fmt(natural[key]):>32}")

    line("support vectors", f"{len(art_ids)} {svc['support_vector_counts']}", "n_sv",
         lambda v: str(v))
    print(f"{'  per class, artifact label order':{w}} {'':>24} | "
          f"{str(same_order['n_sv_per_class']):>34} | {str(natural['n_sv_per_class']):>32}")
    line("same support-vector id set", "-", "same_ids", lambda v: "yes" if v else "no")
    print(f"{'ids only in sklearn / only artifact':{w}} {'-':>24} | "
          f"{len(same_order['only_sklearn']):>30} / {len(same_order['only_artifact'])} | "
          f"{len(natural['only_sklearn']):>28} / {len(natural['only_artifact'])}")
    line("max |dual coef diff| (common ids)", "-", "coef_diff", lambda v: f"{v:.3e}")
    line("max |dual coef diff| (union, 0 fill)", "-", "coef_diff_all", lambda v: f"{v:.3e}")
    line("|rho diff|", f"rho {svc['rho']:.9f}", "rho_diff", lambda v: f"{v:.3e}")
    line("max |dec diff| vs churn, train+test", f"{int(split_mask.sum())} clients", "dec_churn_split",
         lambda v: f"{v:.3e}")
    line("max |dec diff| vs churn, all", f"{len(all_ids)} clients", "dec_churn_all", lambda v: f"{v:.3e}")
    line("max |dec diff| vs artifact formula", "-", "dec_art", lambda v: f"{v:.3e}")
    line("same sign as churn (of all)", "-", "sign_agree", lambda v: f"{v}/{len(all_ids)}")
    line("solver iterations", "-", "iters", lambda v: str(v))
    print()
    print(f"Platt sigmoid (towards libsvm's first label, «{svc['class_names'][0]}»):")
    print(f"  artifact (libsvm 3.24, srand({training['seed']}))     probA {svc['platt_a']!r:>22}  probB {svc['platt_b']!r:>22}")
    print(f"  replay: libsvm rand() folds + sklearn   probA {replay_a!r:>22}  probB {replay_b!r:>22}"
          f"  (diff {abs(replay_a - svc['platt_a']):.1e} / {abs(replay_b - svc['platt_b']):.1e})")
    for seed, a, b in platt:
        print(f"  sklearn probability=True, random_state={seed:<3} probA {a!r:>22}  probB {b!r:>22}")

    worst = same_order["dec_churn_all"]
    if args.strict is not None and worst > args.strict:
        print(f"\nsklearn_parity: max decision difference {worst:.3e} exceeds --strict {args.strict:g}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
