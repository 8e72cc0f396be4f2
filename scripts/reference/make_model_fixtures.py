#!/usr/bin/python3
"""Reference fixtures for the exponential-smoothing models (ses, holt, ets).

Fits statsmodels (Debian's python3-statsmodels 0.13) on a few fixed series and
writes tests/fixtures/models/smoothing-<series>.json, which
tests/unit/models-smoothing.test.ts compares skucast's models with. Run once
after changing a series or a model here, and commit the JSON (npm test does not
need Python):

    apt-get install -y python3-statsmodels python3-pandas
    /usr/bin/python3 scripts/reference/make_model_fixtures.py

Per series it records
- the series itself (generated with a fixed numpy seed, or an M4 weekly
  series' training part) and the seasonality test / classical decomposition
  statsforecast's AutoTheta applies (statsmodels acf and seasonal_decompose),
  with the decomposition's strength of seasonality, which AutoETS requires to
  be at least 0.3 before it adjusts (a weaker pattern is kept as
  `weak_seasonal` and the forms are fitted on the series itself);
- ses: statsmodels ETSModel(A,N,N) with the initial level known and equal to
  y[0] (statsforecast's SimpleExponentialSmoothingOptimized), alpha fitted
  within [0.01, 0.99] (maximum likelihood = least squares here), and the
  forecast;
- ets: every non-seasonal ETSModel form (errors A/M, trend N/A/Ad; M only for
  a positive series) fitted by maximum likelihood with statsforecast's 'usual'
  bounds, on the deseasonalized series when the test says seasonal: the fitted
  parameters, -2 log-likelihood without its constants (n log(SSE/n), plus
  2 sum log|yhat| for multiplicative errors), AICc with statsforecast's
  parameter count, and the forecast.
"""

import json
import os
import warnings

import numpy as np
from scipy.stats import norm
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf

warnings.simplefilter("ignore")

H = 13
M = 52
MIN_SEASONAL_STRENGTH = 0.3
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "models")
BOUNDS = {
    "smoothing_level": (1e-4, 0.9999),
    "smoothing_trend": (1e-4, 0.9999),
    "damping_trend": (0.8, 0.98),
}


def make_series():
    rng = np.random.default_rng(20261125)
    t = np.arange(156)
    series = {
        "level": 100 + rng.normal(0, 10, 156),
        "trend": 50 + 0.8 * t + rng.normal(0, 5, 156),
        "damped": 80 + 40 * (1 - 0.97 ** t) + rng.normal(0, 3, 156),
        # Three years with a December peak, as weekly retail sales have.
        "seasonal": (200 + 0.3 * t)
        * (1 + 0.9 * np.exp(-(((t % M) - 48) ** 2) / 6) + 0.15 * np.sin(2 * np.pi * t / M))
        + rng.normal(0, 8, 156),
        "low_counts": rng.poisson(1.2, 104).astype(float),
        "short": 20 + rng.normal(0, 2, 14),
    }
    out = {k: np.round(v, 3) for k, v in series.items()}
    out.update(m4_series())
    return out


# M4 weekly series (training part only: the test weeks are never read) on which
# AutoETS's fit is checked against statsmodels: two of 80 weeks, a seasonal
# one with a trend, and a trending one
# whose autocorrelation passes the test with a weak pattern (strength 0.09).
M4_IDS = ("W296", "W316", "W57", "W83")
M4_TRAIN = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "shared", "data", "m4_weekly", "Weekly-train.csv"
)


def m4_series():
    if not os.path.exists(M4_TRAIN):
        print("skipped the M4 series: ../shared not found")
        return {}
    out = {}
    with open(M4_TRAIN) as f:
        for line in f:
            cells = [c.strip('"') for c in line.strip().split(",")]
            if cells[0] in M4_IDS:
                out["m4_" + cells[0]] = np.array([float(c) for c in cells[1:] if c != ""])
    return out


def seasonality(y, m):
    """statsforecast AutoTheta: test, then multiplicative (or additive) classical decomposition."""
    n = len(y)
    if m < 4 or n < 2 * m:
        return None
    r = acf(y, nlags=m, fft=False)[1:]
    stat = np.sqrt((1 + 2 * np.sum(r[:-1] ** 2)) / n)
    if not np.abs(r[-1]) / stat > norm.ppf(0.95):
        return None
    kind = "multiplicative" if np.min(y) > 0 else "additive"
    dec = seasonal_decompose(y, model=kind, period=m)
    if kind == "multiplicative" and np.any(dec.seasonal < 0.01):
        kind = "additive"
        dec = seasonal_decompose(y, model=kind, period=m)
    s = dec.seasonal
    # Strength of seasonality (Wang, Smith & Hyndman 2006) of the same decomposition:
    # 1 - Var(remainder) / Var(detrended), ratios for a multiplicative one.
    ok = ~np.isnan(dec.trend)
    detrended = y[ok] / dec.trend[ok] if kind == "multiplicative" else y[ok] - dec.trend[ok]
    strength = max(0.0, 1 - np.var(dec.resid[ok]) / np.var(detrended))
    return {"type": kind, "index": s[:m].tolist(), "strength": float(strength), "component": s}


def ses(y):
    # ETSModel honours a known initial level while fitting (0.13's
    # ExponentialSmoothing re-estimates it); its likelihood n log(SSE/n) is
    # minimal where the SSE is, so alpha is the SSE-minimizing one.
    mod = ETSModel(
        y,
        error="add",
        initialization_method="known",
        initial_level=y[0],
        bounds={"smoothing_level": (0.01, 0.99)},
    )
    fit = mod.fit(disp=False, maxiter=5000)
    alpha = float(fit.params[0])
    sse = float(np.sum((y - fit.fittedvalues) ** 2))
    return {"alpha": alpha, "sse": sse, "forecast": np.asarray(fit.forecast(H)).tolist()}


def ets_forms(y):
    positive = np.min(y) > 0
    forms = {}
    for error in ("A", "M"):
        if error == "M" and not positive:
            continue
        for trend in ("N", "A", "Ad"):
            mod = ETSModel(
                y,
                error="add" if error == "A" else "mul",
                trend=None if trend == "N" else "add",
                damped_trend=trend == "Ad",
                initialization_method="estimated",
                bounds={
                    k: v
                    for k, v in BOUNDS.items()
                    if k == "smoothing_level"
                    or (k == "smoothing_trend" and trend != "N")
                    or (k == "damping_trend" and trend == "Ad")
                },
            )
            fit = mod.fit(disp=False, maxiter=5000)
            p = dict(zip(fit.model.param_names, fit.params))
            n = len(y)
            # -2 llf without the constants n (log 2 pi + 1): n log(SSE/n) [+ 2 sum log|yhat|].
            lik = float(-2 * fit.llf - n * (np.log(2 * np.pi) + 1))
            # statsforecast's count: smoothing parameters, initial states, sigma.
            k = 2 + (2 if trend != "N" else 0) + (1 if trend == "Ad" else 0) + 1
            aicc = lik + 2 * k + 2 * k * (k + 1) / (n - k - 1)
            forms[error + trend] = {
                "alpha": float(p["smoothing_level"]),
                "beta": float(p["smoothing_trend"]) if trend != "N" else None,
                "phi": float(p["damping_trend"]) if trend == "Ad" else None,
                "l0": float(p["initial_level"]),
                "b0": float(p["initial_trend"]) if trend != "N" else None,
                "lik": lik,
                "aicc": aicc,
                "forecast": np.asarray(fit.forecast(H)).tolist(),
            }
    return forms


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, y in make_series().items():
        season = seasonality(y, M)
        y_sa = y
        out = {
            "source": "scripts/reference/make_model_fixtures.py (statsmodels "
            + __import__("statsmodels").__version__
            + ")",
            "series": name,
            "h": H,
            "m": M,
            "y": y.tolist(),
            "seasonal": None,
        }
        # AutoETS adjusts only for a pattern of strength >= 0.3 (src/core/models/ets.ts).
        if season is not None and season["strength"] < MIN_SEASONAL_STRENGTH:
            out["weak_seasonal"] = {k: v for k, v in season.items() if k != "component"}
            season = None
        if season is not None:
            comp = season.pop("component")
            y_sa = y / comp if season["type"] == "multiplicative" else y - comp
            out["seasonal"] = {**season, "deseasonalized": y_sa.tolist()}
        out["ses"] = ses(y)
        out["ets"] = ets_forms(y_sa)
        best = min(out["ets"], key=lambda f: out["ets"][f]["aicc"])
        out["ets_best"] = best
        # The best form's forecast with the seasonal pattern put back (statsforecast's
        # seasonal naive of the seasonal component: week n + k takes index[(n + k) % m]).
        fc = np.asarray(out["ets"][best]["forecast"])
        if season is not None:
            idx = np.asarray(season["index"])[(len(y) + np.arange(H)) % M]
            fc = fc * idx if season["type"] == "multiplicative" else fc + idx
        out["ets_best_forecast"] = fc.tolist()
        path = os.path.join(OUT, f"smoothing-{name}.json")
        with open(path, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        print(path, "seasonal" if season else "", best)


if __name__ == "__main__":
    main()
