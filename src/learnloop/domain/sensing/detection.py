"""Sequential detection of sustained changes in many weekly series at once, week by week.

One step (`Detector.advance`) moves every series on by one week; the batch path folds that same
step over the weeks, so an incremental update and a full recompute raise the same detections.

The test, for each week t and each possible start tau among the last `longest_run` weeks: compare
the weeks tau..t with a robust baseline (Huber location, winsorised scale) of up to
`baseline_weeks` weeks before tau, each week weighted by its variance, which falls with the
number of events behind it. That is a window-limited likelihood-ratio (GLR) test of a step
change with a clipped score, so one extreme week moves the statistic by a bounded amount. A
detection also needs at least two weeks, a minimum effect, and an effect that survives leaving
its most extreme week out: a single bad week is not a change. The threshold comes from
`calibration`, for a budget of false alarms per series-year.

A change logged in the change log (a new process, a system change) names its start in advance,
so that one start is also tested on its own against a lower threshold, calibrated for a budget
of false alarms per logged change: a process dip that starts with a logged change is seen
sooner, while a harmless logged change rarely raises anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from learnloop.domain.sensing.settings import DetectorSettings

__all__ = ["Detector", "DetectorState", "WeekResult"]

_HUBER_K = 1.5
_WINSOR = 2.5
_WINSOR_CONSISTENCY = 0.9775   # E[min(Z^2, 2.5^2)] for a standard normal Z
_HUBER_EFFICIENCY = 0.95       # variance of a Huber mean relative to the plain mean
_SCALE_EFFICIENCY = 0.8        # degrees of freedom of the winsorised SD per baseline week


@dataclass(frozen=True, slots=True)
class DetectorState:
    """What the detector keeps per series between weeks: a bounded window, never the history.

    Values are oriented (multiplied by `sign`) so a dip is always a fall. `history` holds the
    last `baseline_weeks` weeks (NaN where missing or discounted); the `candidate_*` arrays hold,
    for each of the last `longest_run` weeks, the baseline as it stood just before that week.
    """

    week: np.ndarray              # (S,) index of the next week
    sign: np.ndarray              # (S,) +1 for an `up` KPI, -1 for a `down` KPI
    sampling_share: np.ndarray    # (S,) share of a typical week's variance that is sampling
    baseline_from: np.ndarray     # (S,) first week a baseline may use (moves after a detection)
    logged_week: np.ndarray       # (S,) start of the latest logged change (-1: none)
    family: np.ndarray            # (S,) series watching the same subject share a number: a
                                  # detection in one starts a new baseline in all of them
    history: np.ndarray           # (S, W)
    history_volume: np.ndarray    # (S, W)
    candidate_level: np.ndarray   # (S, M)
    candidate_scale: np.ndarray   # (S, M)
    candidate_volume: np.ndarray  # (S, M) the baseline's median volume
    candidate_weight: np.ndarray  # (S, M) sum of the baseline weeks' precision weights
    candidate_count: np.ndarray   # (S, M) number of baseline weeks
    candidate_first: np.ndarray   # (S, M) first week of the baseline window

    def select(self, rows: np.ndarray | slice | int) -> DetectorState:
        """The state of some of the series (an int keeps a one-series state)."""
        if isinstance(rows, int | np.integer):
            rows = slice(int(rows), int(rows) + 1)
        return DetectorState(**{name: getattr(self, name)[rows] for name in self.__slots__})


@dataclass(frozen=True, slots=True)
class WeekResult:
    """The outcome of one week for every series; levels and effects in natural units."""

    week: np.ndarray           # (S,) the week evaluated (newest observation used)
    alarm: np.ndarray          # (S,) bool
    statistic: np.ndarray      # (S,) the best standardised evidence (-inf when none is testable)
    dip: np.ndarray            # (S,) bool: direction of the best candidate
    change_start: np.ndarray   # (S,) week the change is estimated to have started
    baseline_level: np.ndarray
    baseline_sd: np.ndarray
    baseline_first: np.ndarray  # first and last week of the baseline window
    baseline_last: np.ndarray
    observed_level: np.ndarray
    effect: np.ndarray         # observed - baseline
    effect_sd: np.ndarray      # |effect| / baseline SD
    run_weeks: np.ndarray      # weeks with data from the change start to now
    logged: np.ndarray         # (S,) bool: raised by testing the start of a logged change
    logged_statistic: np.ndarray  # (S,) the evidence for a change at the logged start


def _median(x: np.ndarray) -> np.ndarray:
    """Median along the last axis ignoring NaN (NaN where a row has none); no warnings."""
    ordered = np.sort(x, axis=-1)          # NaN sorts last
    count = (~np.isnan(x)).sum(axis=-1)
    low = np.clip((count - 1) // 2, 0, None)
    high = np.clip(count // 2, 0, None)
    lo = np.take_along_axis(ordered, low[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(ordered, high[..., None], axis=-1)[..., 0]
    return np.where(count > 0, (lo + hi) / 2.0, np.nan)


def _variance_factor(share: np.ndarray, reference: np.ndarray, volume: np.ndarray) -> np.ndarray:
    """Variance of a week relative to a typical baseline week: fixed part plus sampling part."""
    ratio = np.where(np.isfinite(volume) & (volume > 0), reference / np.where(volume > 0, volume,
                                                                            1.0), 1.0)
    ratio = np.where(np.isfinite(ratio), ratio, 1.0)
    return (1.0 - share) + share * ratio


def _baseline(values: np.ndarray, volumes: np.ndarray, share: np.ndarray
              ) -> tuple[np.ndarray, ...]:
    """Robust level and SD of each row: Huber location, winsorised scale, precision weights."""
    valid = ~np.isnan(values)
    count = valid.sum(axis=1)
    reference = _median(np.where(valid, volumes, np.nan))
    reference = np.where(np.isfinite(reference) & (reference > 0), reference, 1.0)
    factor = np.where(valid, _variance_factor(share[:, None], reference[:, None], volumes), 1.0)
    root = np.sqrt(factor)
    level = _median(values)
    spread = _median(np.abs(values - level[:, None]) / root) * 1.4826
    # a baseline of mostly equal values has no MAD; its plain SD still says something
    squared = np.where(valid, (values - level[:, None]) ** 2 / factor, 0.0).sum(axis=1)
    fallback = np.sqrt(squared / np.maximum(count, 1))
    spread = np.where(spread > 0, spread, fallback)
    floor = 1e-9 * np.maximum(1.0, np.abs(np.nan_to_num(level)))
    spread = np.maximum(np.nan_to_num(spread), floor)
    filled = np.where(valid, values, 0.0)
    level = np.nan_to_num(level)
    for _ in range(2):
        z = np.abs(filled - level[:, None]) / (spread[:, None] * root)
        weight = np.where(valid, np.minimum(1.0, _HUBER_K / np.maximum(z, 1e-12)) / factor, 0.0)
        total = weight.sum(axis=1)
        level = np.where(total > 0, (weight * filled).sum(axis=1) / np.where(total > 0, total, 1),
                         level)
    z = (filled - level[:, None]) / (spread[:, None] * root)
    squares = np.where(valid, np.minimum(z * z, _WINSOR ** 2), 0.0).sum(axis=1)
    scale = spread * np.sqrt(squares / np.maximum(count - 1, 1) / _WINSOR_CONSISTENCY)
    scale = np.maximum(scale, floor)
    precision = np.where(valid, 1.0 / factor, 0.0).sum(axis=1)
    return level, scale, reference, precision, count


@dataclass(frozen=True, slots=True, eq=False)
class Detector:
    """Settings plus the threshold that meets their false-alarm budget (see `calibration`).

    `null_maxima` are the sorted yearly maxima of the statistic on series with no change; they
    turn a statistic into a confidence.
    """

    settings: DetectorSettings
    threshold: float
    null_maxima: np.ndarray
    logged_threshold: float = np.inf
    logged_null_maxima: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def _correlation(self) -> np.ndarray:
        lags = np.abs(np.subtract.outer(np.arange(self.settings.longest_run),
                                        np.arange(self.settings.longest_run)))
        return self.settings.noise_autocorrelation ** lags

    def confidence(self, statistic: np.ndarray | float, *, logged: bool = False) -> np.ndarray:
        """Share of no-change series-years (or harmless logged changes, for a detection at a
        logged start) whose evidence stays below `statistic`."""
        null = self.logged_null_maxima if logged else self.null_maxima
        return np.searchsorted(null, statistic, side="left") / max(len(null), 1)

    def start(self, count: int, *, sign: np.ndarray | int = 1,
              sampling_share: np.ndarray | float | None = None,
              family: np.ndarray | None = None, first_week: int = 0) -> DetectorState:
        """The state of `count` series before their first week."""
        s, w, m = count, self.settings.baseline_weeks, self.settings.longest_run
        share = self.settings.sampling_share if sampling_share is None else sampling_share
        nan_sm = np.full((s, m), np.nan)
        return DetectorState(
            week=np.full(s, first_week, dtype=np.int64),
            sign=np.broadcast_to(np.asarray(sign, dtype=float), (s,)).copy(),
            sampling_share=np.clip(np.broadcast_to(np.asarray(share, dtype=float), (s,)), 0, 1),
            baseline_from=np.full(s, first_week, dtype=np.int64),
            logged_week=np.full(s, -1, dtype=np.int64),
            family=np.arange(s, dtype=np.int64) if family is None else np.asarray(
                family, dtype=np.int64).copy(),
            history=np.full((s, w), np.nan), history_volume=np.full((s, w), np.nan),
            candidate_level=nan_sm, candidate_scale=nan_sm.copy(),
            candidate_volume=nan_sm.copy(), candidate_weight=np.zeros((s, m)),
            candidate_count=np.zeros((s, m), dtype=np.int64),
            candidate_first=np.zeros((s, m), dtype=np.int64),
        )

    def advance(self, state: DetectorState, values: np.ndarray, *,
                volumes: np.ndarray | None = None,
                excluded: np.ndarray | None = None,
                logged: np.ndarray | None = None) -> tuple[DetectorState, WeekResult]:
        """Move every series on by one week: values (S,), NaN for no data; returns a new state.

        `excluded` marks weeks to leave out (logged holidays, outages); `logged` marks series
        for which a change that could move them is logged to start this week.
        """
        cfg = self.settings
        w, m = cfg.baseline_weeks, cfg.longest_run
        values = np.asarray(values, dtype=float)
        volumes = np.full_like(values, np.nan) if volumes is None else np.asarray(volumes, float)
        usable = ~np.isnan(values)
        if excluded is not None:
            usable &= ~np.asarray(excluded, dtype=bool)
        y = np.where(usable, values * state.sign, np.nan)
        vol = np.where(usable, volumes, np.nan)
        week = state.week
        logged_week = state.logged_week if logged is None else np.where(
            np.asarray(logged, dtype=bool), week, state.logged_week)

        # the baseline as it stands before this week, from weeks since `baseline_from`
        slot_weeks = week[:, None] - w + np.arange(w)[None, :]
        in_window = slot_weeks >= state.baseline_from[:, None]
        base_values = np.where(in_window, state.history, np.nan)
        base_volumes = np.where(in_window, state.history_volume, np.nan)
        level, scale, reference, precision, count = _baseline(base_values, base_volumes,
                                                              state.sampling_share)
        first = np.maximum(state.baseline_from, week - w)

        def push(old: np.ndarray, new: np.ndarray) -> np.ndarray:
            return np.concatenate([old[:, 1:], new[:, None]], axis=1)

        c_level = push(state.candidate_level, level)
        c_scale = push(state.candidate_scale, scale)
        c_volume = push(state.candidate_volume, reference)
        c_weight = push(state.candidate_weight, precision)
        c_count = push(state.candidate_count, count)
        c_first = push(state.candidate_first, first)

        # the last m weeks, oldest first; candidate j says "the change started at slot j"
        run = np.concatenate([state.history[:, w - m + 1:], y[:, None]], axis=1)
        run_vol = np.concatenate([state.history_volume[:, w - m + 1:], vol[:, None]], axis=1)
        later = np.arange(m)[None, :, None] <= np.arange(m)[None, None, :]
        mask = later & ~np.isnan(run)[:, None, :] & (c_count >= cfg.minimum_baseline)[:, :, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = c_volume[:, :, None] / run_vol[:, None, :]
        share = state.sampling_share[:, None, None]
        factor = (1.0 - share) + share * ratio
        factor = np.where(mask & (factor > 0) & (factor < np.inf), factor, 1.0)
        precision = np.where(mask, 1.0 / factor, 0.0)
        loading = np.sqrt(precision)
        gap = np.where(mask, run[:, None, :] - c_level[:, :, None], 0.0)
        safe_scale = np.where(np.isfinite(c_scale), c_scale, 1.0)
        score = np.clip(gap * loading / safe_scale[:, :, None], -cfg.clip_sd, cfg.clip_sd)
        # sums over a run's weeks as products with a vector of ones: far quicker than
        # reductions along a short last axis
        ones = np.ones(m)
        weeks_in_run = np.matmul(mask, ones.astype(bool).astype(np.int64))
        precision_run = precision @ ones
        # neighbouring weeks' noise is correlated (phi), so a run's sum varies more than iid
        run_variance = (np.matmul(loading, self._correlation) * loading) @ ones
        phi = cfg.noise_autocorrelation
        spread = np.sqrt(run_variance + precision_run ** 2 * (1 + phi) / (1 - phi)
                         / np.maximum(c_weight * _HUBER_EFFICIENCY, 1e-12))
        t = ((score * loading) @ ones) / np.maximum(spread, 1e-12)
        # the SD comes from a few weeks, so t is Student-like: put it on the normal scale
        # (z = t (1 - 1/4v) / sqrt(1 + t^2 / 2v)), so short baselines need stronger evidence
        freedom = np.maximum(_SCALE_EFFICIENCY * (c_count - 1), 1.0)
        z = t * (1 - 1 / (4 * freedom)) / np.sqrt(1 + t * t / (2 * freedom))
        effect = ((gap * precision) @ ones) / np.maximum(precision_run, 1e-12)
        effect_sd = effect / safe_scale
        total = score @ ones
        rest = np.maximum(weeks_in_run - 1, 1)
        worst = np.where(mask, score, np.inf).min(axis=2)
        best = np.where(mask, score, -np.inf).max(axis=2)
        enough = weeks_in_run >= cfg.shortest_run
        dip_ok = (enough & (-effect_sd >= cfg.minimum_effect_sd)
                  & (-(total - worst) / rest >= cfg.sustained_effect_sd))
        evidence = np.where(dip_ok, -z, -np.inf)
        is_dip = np.ones_like(dip_ok)
        if cfg.watch_rises:
            rise_ok = (enough & (effect_sd >= cfg.minimum_effect_sd)
                       & ((total - best) / rest >= cfg.sustained_effect_sd))
            rise = np.where(rise_ok, z, -np.inf)
            is_dip = evidence >= rise
            evidence = np.maximum(evidence, rise)

        rows = np.arange(len(week))
        scan_pick = evidence.argmax(axis=1)
        scan_alarm = evidence[rows, scan_pick] > self.threshold
        at_logged = (week[:, None] - m + 1 + np.arange(m)[None, :]) == logged_week[:, None]
        logged_pick = at_logged.argmax(axis=1)
        logged_statistic = np.where(at_logged.any(axis=1), evidence[rows, logged_pick], -np.inf)
        by_log = ~scan_alarm & (logged_statistic > self.logged_threshold)
        pick = np.where(by_log, logged_pick, scan_pick)
        statistic = evidence[rows, pick]
        # a detection is dated by its newest observation, so only a week with data raises one
        alarm = (scan_alarm | by_log) & usable
        start_week = week - m + 1 + pick

        sign = state.sign
        chosen_level = c_level[rows, pick]
        chosen_effect = effect[rows, pick]
        result = WeekResult(
            week=week.copy(), alarm=alarm, statistic=statistic, dip=is_dip[rows, pick],
            change_start=start_week, baseline_level=chosen_level * sign,
            baseline_sd=c_scale[rows, pick], baseline_first=c_first[rows, pick],
            baseline_last=start_week - 1, observed_level=(chosen_level + chosen_effect) * sign,
            effect=chosen_effect * sign, effect_sd=np.abs(effect_sd[rows, pick]),
            run_weeks=weeks_in_run[rows, pick], logged=by_log,
            logged_statistic=logged_statistic,
        )
        # after a detection the next baseline is built from the new level only, in every series
        # of the family, so a part of a team does not raise the same change again later
        family_start = np.full(int(state.family.max(initial=0)) + 1, -1, dtype=np.int64)
        np.maximum.at(family_start, state.family[alarm], start_week[alarm])
        restart = family_start[state.family]
        c_count = np.where((restart >= 0)[:, None], 0, c_count)
        new_state = replace(
            state, week=week + 1,
            baseline_from=np.where(restart >= 0, restart, state.baseline_from),
            logged_week=logged_week,
            history=push(state.history, y), history_volume=push(state.history_volume, vol),
            candidate_level=c_level, candidate_scale=c_scale, candidate_volume=c_volume,
            candidate_weight=c_weight, candidate_count=c_count, candidate_first=c_first,
        )
        return new_state, result

    def run(self, values: np.ndarray, *, volumes: np.ndarray | None = None,
            excluded: np.ndarray | None = None, logged: np.ndarray | None = None,
            sign: np.ndarray | int = 1,
            sampling_share: np.ndarray | float | None = None, family: np.ndarray | None = None,
            state: DetectorState | None = None) -> tuple[DetectorState, list[WeekResult]]:
        """The batch path: fold `advance` over the weeks of (S, T) arrays, all series at once."""
        values = np.asarray(values, dtype=float)
        if state is None:
            state = self.start(values.shape[0], sign=sign, sampling_share=sampling_share,
                               family=family)
        results = []
        for t in range(values.shape[1]):
            state, result = self.advance(
                state, values[:, t],
                volumes=None if volumes is None else volumes[:, t],
                excluded=None if excluded is None else excluded[:, t],
                logged=None if logged is None else logged[:, t])
            results.append(result)
        return state, results
