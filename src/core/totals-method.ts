// How a run's category and grand totals got their bands, as the JSON and the
// page say it: a module of its own, so the page reads it without the library.

/** The totals' method of a run with backtest weeks. */
export const TOTALS_METHOD =
  'each total is forecast as the sum of its skus’ point forecasts; its p10–p90 band comes from the errors of that sum on the backtest weeks (split conformal on the totals themselves, by weeks ahead, scaled by the total’s week-to-week change), so skus that move together widen it; the p50 is the total’s median, which need not equal the sum of the skus’ p50s';

/** The totals' method when the history held no backtest week (a file of a few weeks). */
export const TOTALS_METHOD_UNMEASURED =
  'each total is forecast as the sum of its skus’ point forecasts; the history is too short to hold back a week, so its p10–p90 band is a prediction interval from the spread of the total’s own weeks (Student’s t), not measured on a backtest';
