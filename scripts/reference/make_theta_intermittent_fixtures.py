#!/usr/bin/env python3
"""Reference fixtures for the Theta and intermittent-demand models.

Run once with Debian's Python (apt-get install python3-statsmodels):

    /usr/bin/python3 scripts/reference/make_theta_intermittent_fixtures.py

Writes tests/fixtures/models/theta.json and tests/fixtures/models/intermittent.json,
which tests/unit/models-theta.test.ts and models-intermittent.test.ts read, so
`npm test` needs no Python. Deterministic: fixed numpy seed, no clock.

What is independent of the TypeScript:
- STM: statsmodels' ThetaModel (Hyndman & Billah's closed form: SES forecast of
  y with alpha estimated by statsmodels, plus half the OLS slope times
  h - 1 + 1/alpha - (1-alpha)^n/alpha), and a plain loop over the state-space
  equations of Fiorucci et al. (2016) with statsmodels' alpha and initial level.
- Seasonality: statsmodels' acf and seasonal_decompose.
- OTM/DSTM/DOTM/AutoTheta: the same Fiorucci loop, parameters minimising
  statsforecast's criterion sum_{t>=3} e_t^2 / mean|y| with scipy's bounded
  Nelder-Mead from several starts (a different optimiser from the TypeScript's).
- Croston SBA, TSB, ADIDA, IMAPA: straightforward numpy from the papers and
  statsforecast's documentation; ADIDA/IMAPA's SES alpha by scipy's
  minimize_scalar(method='bounded') on [0.1, 0.3].
"""

import json
import math
import os

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.stats import norm
from statsmodels.tsa.forecasting.theta import ThetaModel
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf

SEED = 20261125
H = 13
M = 52
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "models")


def r(a):
    return [float(v) for v in np.asarray(a, dtype=float)]


# ---------------------------------------------------------------- series


def make_series():
    rng = np.random.default_rng(SEED)
    t = np.arange(156)
    s = {}
    s["level_noise"] = 50 + rng.normal(0, 5, 156)
    s["trend"] = 20 + 0.3 * t + rng.normal(0, 3, 156)
    # Positive weekly seasonality over 3 years: a mild annual wave and a
    # year-end peak (strong enough for the lag-52 ACF test), slight growth.
    base = 100 * (1 + 0.3 * np.sin(2 * np.pi * t / 52)
                  + 1.0 * np.exp(-0.5 * ((t % 52 - 48) / 1.5) ** 2)) * (1 + 0.002 * t)
    s["seasonal"] = base * np.exp(rng.normal(0, 0.08, 156))
    s["short_trend"] = 10 + 0.5 * np.arange(40) + rng.normal(0, 2, 40)
    s["constant"] = np.full(156, 7.0)
    # Intermittent counts: a demand occurs with probability p, size 1 + Poisson.
    s["intermittent"] = (rng.random(156) < 0.3) * (1 + rng.poisson(3, 156)).astype(float)
    s["intermittent_sparse"] = (rng.random(156) < 0.08) * (1 + rng.poisson(6, 156)).astype(float)
    single = np.zeros(156)
    single[100] = 5.0
    s["single_demand"] = single
    s["zeros"] = np.zeros(156)
    return {k: np.asarray(v, dtype=float) for k, v in s.items()}


# ---------------------------------------------------------------- seasonality


def seasonality_test(y, m):
    """statsforecast AutoTheta's test: |r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n)."""
    if m < 4 or len(y) < 2 * m:
        return False
    rr = acf(y, nlags=m, fft=False)[1:]
    stat = np.sqrt((1 + 2 * np.sum(rr[:-1] ** 2)) / len(y))
    return bool(np.abs(rr[-1]) / stat > norm.ppf(0.95))


def decomposition(y, m):
    kind = "multiplicative" if y.min() > 0 else "additive"
    seas = seasonal_decompose(y, model=kind, period=m).seasonal
    if kind == "multiplicative" and np.any(seas < 0.01):
        kind = "additive"
        seas = seasonal_decompose(y, model="additive", period=m).seasonal
    return kind, seas


# ---------------------------------------------------------------- theta


def theta_loop(y, variant, level0, alpha, theta, h):
    """Fiorucci et al. (2016) state space, written out plainly. Returns (criterion, forecasts, residuals)."""
    n = len(y)
    w = 1 - 1 / theta
    dynamic = variant in ("DSTM", "DOTM")
    if dynamic:
        A, B = y[0], 0.0
    else:
        tt = np.arange(1, n + 1)
        B, A = np.polyfit(tt, y, 1)  # slope, intercept of y on t = 1..n
    level = alpha * y[0] + (1 - alpha) * level0
    meany = y[0]
    e = np.zeros(n)

    def mu_at(i, level, A, B):
        return level + w * (A * (1 - alpha) ** i + B * (1 - (1 - alpha) ** (i + 1)) / alpha)

    def step(i, level, meany, A, B, x):
        new_level = alpha * x + (1 - alpha) * level
        new_mean = (i * meany + x) / (i + 1)
        if dynamic:
            B = ((i - 1) * B + 6 * (x - meany) / (i + 1)) / (i + 2)
            A = new_mean - B * (i + 2) / 2
        return new_level, new_mean, A, B

    for i in range(1, n):
        e[i] = y[i] - mu_at(i, level, A, B)
        level, meany, A, B = step(i, level, meany, A, B, y[i])
    mean_abs = max(np.mean(np.abs(y)), 1e-10)
    crit = float(np.sum(e[3:] ** 2) / mean_abs)
    f = np.zeros(h)
    for j in range(h):
        i = n + j
        f[j] = mu_at(i, level, A, B)
        level, meany, A, B = step(i, level, meany, A, B, f[j])
    return crit, f, e


def theta_optimise(y, variant):
    """Minimise the criterion over (level0, alpha[, theta]) with scipy's bounded Nelder-Mead, several starts."""
    opt_theta = variant in ("OTM", "DOTM")
    lo = [-1e10, 0.1] + ([1.0] if opt_theta else [])
    hi = [1e10, 0.99] + ([1e10] if opt_theta else [])

    def crit(x):
        th = x[2] if opt_theta else 2.0
        c, _, _ = theta_loop(y, variant, x[0], x[1], th, 1)
        return c if np.isfinite(c) else 1e300

    starts = [[y[0] / 2, a0] + ([2.0] if opt_theta else []) for a0 in (0.2, 0.5, 0.8)]
    best = None
    for x0 in starts:
        res = minimize(crit, x0, method="Nelder-Mead", bounds=list(zip(lo, hi)),
                       options={"xatol": 1e-8, "fatol": 1e-10, "maxfev": 4000})
        # restart from the optimum once (Nelder-Mead can stall on a degenerate simplex)
        res = minimize(crit, res.x, method="Nelder-Mead", bounds=list(zip(lo, hi)),
                       options={"xatol": 1e-9, "fatol": 1e-11, "maxfev": 4000})
        if best is None or res.fun < best.fun:
            best = res
    x = best.x
    return {"level0": float(x[0]), "alpha": float(x[1]),
            "theta": float(x[2]) if opt_theta else 2.0, "criterion": float(best.fun)}


def theta_case(name, y):
    case = {"name": name, "y": r(y), "h": H, "m": M}
    seasonal = seasonality_test(y, M)
    case["seasonal_test"] = seasonal
    z = y
    seas = None
    if seasonal:
        kind, seas = decomposition(y, M)
        case["seasonal_type"] = kind
        case["seasonal_index"] = r(seas[:M])
        z = y / seas if kind == "multiplicative" else y - seas
        fut = seas[(len(y) - M) + (np.arange(H) % M)]
    else:
        case["seasonal_type"] = None

    def reseason(f):
        if seas is None:
            return f
        return f * fut if case["seasonal_type"] == "multiplicative" else f + fut

    # STM against statsmodels (SES alpha, initial level y_0, theta = 2).
    if np.ptp(y) == 0:
        case["stm_statsmodels"] = None
        case["statsmodels_note"] = (
            "not compared: statsmodels 0.13's add_trend takes a constant y for the constant "
            "column, so its OLS slope b0 is wrong (1.17 instead of 0) on this series.")
    elif seasonal:
        tm = ThetaModel(y, period=M, deseasonalize=True, use_test=False, method="auto").fit()
        case["statsmodels_note"] = (
            "statsmodels ThetaModel(period=52, deseasonalize=True, use_test=False): its own "
            "test (n r_m^2 / sum r_k^2 > chi2_1(0.9)) is bypassed; its multiplicative "
            "seasonal_decompose equals statsforecast's here, so the comparison is on the same "
            "deseasonalised series.")
        # statsmodels' own test verdict, for the record
        rho = acf(y, nlags=M, fft=True)
        case["statsmodels_test"] = bool(len(y) * rho[-1] ** 2 / np.sum(rho[:-1] ** 2) > 2.705543454095404)
    else:
        tm = ThetaModel(y, deseasonalize=False).fit()
    if case.get("stm_statsmodels", 0) is None:
        return theta_rest(case, name, y, z, seas, reseason)
    sm_alpha = float(tm.params["alpha"])
    sm_fc = np.asarray(tm.forecast(H, theta=2))
    _, loop_fc, _ = theta_loop(z, "STM", z[0], sm_alpha, 2.0, H)
    case["stm_statsmodels"] = {
        "alpha": sm_alpha,
        "b0": float(tm.params["b0"]),
        "level0": float(z[0]),
        "forecast": r(sm_fc),
        "loop_forecast": r(reseason(loop_fc)),
    }
    # The two forms differ by (1 - 1/theta)(1 - alpha)^n (A + B)-type terms only.
    gap = np.max(np.abs(reseason(loop_fc) - sm_fc)) / max(np.mean(np.abs(y)), 1e-12)
    case["stm_statsmodels"]["relative_gap"] = float(gap)
    assert gap < 1e-6 or sm_alpha < 0.1, (name, gap, sm_alpha)
    return theta_rest(case, name, y, z, seas, reseason)


def theta_rest(case, name, y, z, seas, reseason):
    # Optimised variants.
    fits = {}
    if len(y) > 3 and np.ptp(y) > 0:
        for variant in ("STM", "OTM", "DSTM", "DOTM"):
            p = theta_optimise(z, variant)
            _, f, e = theta_loop(z, variant, p["level0"], p["alpha"], p["theta"], H)
            p["forecast"] = r(reseason(f))
            fits[variant] = p
        best = min(fits, key=lambda v: fits[v]["criterion"])
        case["auto_choice"] = best
    case["fits"] = fits

    # refit: false — parameters fitted on the first 120 weeks, forecast after all of y.
    if len(y) >= 130 and np.ptp(y) > 0:
        z120 = z[:120] if seas is None else None
        if z120 is not None:
            p = theta_optimise(z120, "DOTM")
            _, f, _ = theta_loop(z, "DOTM", p["level0"], p["alpha"], p["theta"], H)
            case["roll_forward"] = {"fit_weeks": 120, "variant": "DOTM", **p, "forecast": r(f)}
    return case


# ---------------------------------------------------------------- intermittent


def demand(y):
    return y[y > 0]


def intervals(y):
    idx = np.flatnonzero(y != 0)
    return np.diff(idx + 1, prepend=0).astype(float)


def ses_forecast(x, alpha):
    """SES started at x_0 (statsforecast `_ses_fcst_mse`): one-step forecast after x and the MSE."""
    level = x[0]
    sse = 0.0
    for i in range(1, len(x)):
        level = alpha * x[i - 1] + (1 - alpha) * level
        sse += (x[i] - level) ** 2
    return alpha * x[-1] + (1 - alpha) * level, sse / len(x)


def ses_optimised(x):
    if len(x) == 1:
        return float(x[0]), None
    res = minimize_scalar(lambda a: ses_forecast(x, a)[1], bounds=(0.1, 0.3), method="bounded",
                          options={"xatol": 1e-8})
    return float(ses_forecast(x, res.x)[0]), float(res.x)


def croston_sba(y):
    yd, yi = demand(y), intervals(y)
    if len(yd) == 0:
        return 0.0
    z = ses_forecast(yd, 0.1)[0]
    p = ses_forecast(yi, 0.1)[0]
    return 0.95 * (z / p if p != 0 else z)


def tsb(y, alpha_d=0.1, alpha_p=0.1):
    yd = demand(y)
    if len(yd) == 0:
        return 0.0
    prob = ses_forecast((y != 0).astype(float), alpha_p)[0]
    size = ses_forecast(yd, alpha_d)[0]
    return prob * size


def chunk_sums(y, k):
    y = y[len(y) % k:]
    return y.reshape(-1, k).sum(axis=1)


def py_round(x):
    return int(round(x))  # Python rounds halves to even, as statsforecast does


def adida(y, k=None):
    if not np.any(y != 0):
        return 0.0, None, None
    if k is None:
        k = py_round(intervals(y).mean())
    f, a = ses_optimised(chunk_sums(y, k))
    return f / k, k, a


def imapa(y, kmax=None):
    if not np.any(y != 0):
        return 0.0, None, []
    if kmax is None:
        kmax = py_round(intervals(y).mean())
    fs, alphas = [], []
    for k in range(1, kmax + 1):
        f, a = ses_optimised(chunk_sums(y, k))
        fs.append(f / k)
        alphas.append(a)
    return float(np.mean(fs)), kmax, alphas


def ses_fixed_alpha_forecast(y, k, alpha):
    x = chunk_sums(y, k)
    if len(x) == 1 or alpha is None:
        return float(x[0]) / k
    return ses_forecast(x, alpha)[0] / k


def intermittent_case(name, y):
    case = {"name": name, "y": r(y), "h": H}
    case["croston"] = croston_sba(y)
    case["tsb"] = tsb(y)
    f, k, a = adida(y)
    case["adida"] = {"forecast": f, "level": k, "alpha": a}
    f, kmax, alphas = imapa(y)
    case["imapa"] = {"forecast": f, "max_level": kmax, "alphas": alphas}
    # refit: false — fitted on the first 120 weeks, forecast after all of y.
    y120 = y[:120]
    roll = {"fit_weeks": 120, "croston": croston_sba(y), "tsb": tsb(y)}
    if np.any(y120 != 0):
        _, k, a = adida(y120)
        roll["adida"] = ses_fixed_alpha_forecast(y, k, a)
        _, kmax, alphas = imapa(y120)
        roll["imapa"] = float(np.mean([ses_fixed_alpha_forecast(y, j + 1, alphas[j])
                                       for j in range(kmax)]))
    case["roll_forward"] = roll
    return case


def main():
    series = make_series()
    os.makedirs(OUT, exist_ok=True)
    theta_names = ["level_noise", "trend", "seasonal", "short_trend", "constant"]
    theta = {
        "generator": "scripts/reference/make_theta_intermittent_fixtures.py",
        "seed": SEED,
        "cases": [theta_case(n, series[n]) for n in theta_names],
    }
    inter_names = ["intermittent", "intermittent_sparse", "single_demand", "zeros", "level_noise", "constant"]
    inter = {
        "generator": "scripts/reference/make_theta_intermittent_fixtures.py",
        "seed": SEED,
        "cases": [intermittent_case(n, series[n]) for n in inter_names],
    }
    for fname, obj in (("theta.json", theta), ("intermittent.json", inter)):
        with open(os.path.join(OUT, fname), "w") as fh:
            json.dump(obj, fh, indent=1)
            fh.write("\n")
    for c in theta["cases"]:
        print(c["name"], "seasonal" if c["seasonal_test"] else "-", c.get("auto_choice"),
              "sm gap %.2e" % c["stm_statsmodels"]["relative_gap"] if c["stm_statsmodels"] else "")


if __name__ == "__main__":
    main()
