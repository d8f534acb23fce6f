/**
 * The dashboard's charts, all drawn from what the server keeps, so a reload shows the same picture:
 *
 * - **last 6 hours**: arrivals, answered and abandoned per 15-minute interval, and each interval's service level,
 *   from `GET /:pid/metrics/history`; the live 15-minute service level of each `/P/metrics` push is appended as its
 *   own series (the window ends with the current interval), and each push schedules a re-read of the last hour's rows (a request is counted in the interval it
 *   arrived in, so an answer or a close changes a past row);
 * - **today, forecast versus actual**: the day's actual arrivals per interval (history) against the forecast's mean
 *   and 80 % band (`GET /:pid/metrics/forecast`, which forecasts from the current interval on);
 * - **staffing plan, next hours**: `agents_needed` per forecast interval against the agents who can take chats now
 *   (`staffing.agents_can_take_chats` of each metrics push).
 *
 * Every chart has a fixed window (not the data's span) so the axis is sane from the first point.
 */
import uPlot from 'uplot';
import type { ProjectMetrics } from '../../src/domain/metrics.js';
import { forecast, history } from './api.js';
import { align } from './align-series.js';
import { ChartBox, type Window } from './chart-box.js';
import { h, note } from './dom.js';
import type { ForecastAnswer, HistoryInterval } from './server-types.js';

const INTERVAL_MS = 15 * 60_000;
const RECENT_HOURS = 6;
const PLAN_HOURS = 8;
/** Pushes come up to once a second; the last hour's rows are re-read at most this often. */
const REFRESH_MS = 5_000;
/** Live service-level samples kept (one per push, pushes only when the figures change). */
const LIVE_SAMPLES = 2_000;

const sec = (ms: number) => ms / 1000;
const intervalStart = (ms: number) => Math.floor(ms / INTERVAL_MS) * INTERVAL_MS;
/** A bar is drawn at its interval's middle, so it sits inside the interval it counts. */
const middle = (startIso: string) => sec(Date.parse(startIso) + INTERVAL_MS / 2);

function localMidnight(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export class DeskCharts {
  private readonly rows = new Map<number, HistoryInterval>();
  private readonly liveLevel: { t: number; value: number | null }[] = [];
  private plan: ForecastAnswer | null = null;
  private canTakeChats: number | null = null;
  private target: number | null = null;
  private readonly arrivals: ChartBox;
  private readonly level: ChartBox;
  private readonly forecastChart: ChartBox;
  private readonly planChart: ChartBox;
  private readonly forecastNote: HTMLElement;
  private readonly planNote: HTMLElement;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private lastRefresh = 0;
  private forecastTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly observer = new ResizeObserver(() => this.charts().forEach((c) => c.resize()));
  private draws = 0;
  private closed = false;

  constructor(
    private readonly recentEl: HTMLElement,
    private readonly planEl: HTMLElement,
    private readonly token: string,
    private readonly projectId: string,
  ) {
    recentEl.replaceChildren();
    planEl.replaceChildren();
    this.arrivals = new ChartBox(recentEl, 'arrivals', 'Per 15 minutes', [
      { label: 'arrivals', stroke: '#2f9e44', fill: 'rgba(47,158,68,0.30)', paths: bars() },
      { label: 'answered', stroke: '#1971c2', width: 2 },
      { label: 'abandoned', stroke: '#e03131', width: 2 },
    ]);
    this.level = new ChartBox(
      recentEl,
      'service-level',
      'Service level (%)',
      [
        { label: 'per interval', stroke: '#0c8599', width: 2, points: { show: true } },
        { label: 'live 15 min', stroke: '#f08c00', width: 0, points: { show: true, size: 4 } },
        { label: 'target', stroke: '#868e96', dash: [6, 4], spanGaps: true },
      ],
      { y: { range: [0, 100] }, yValues: (v) => `${v}%` },
    );
    this.forecastNote = h('p', { class: 'note', 'data-note': 'forecast' });
    this.planNote = h('p', { class: 'note', 'data-note': 'plan' });
    const today = h('div', { class: 'chart-slot' });
    const next = h('div', { class: 'chart-slot' });
    planEl.append(today, next);
    this.forecastChart = new ChartBox(today, 'forecast', 'Today: forecast vs actual arrivals', [
      { label: 'actual', stroke: '#2f9e44', fill: 'rgba(47,158,68,0.30)', paths: bars() },
      { label: 'forecast', stroke: '#5f3dc4', width: 2, spanGaps: true },
      { label: '80 % low', stroke: '#b197fc', dash: [4, 4], spanGaps: true },
      { label: '80 % high', stroke: '#b197fc', dash: [4, 4], spanGaps: true },
    ]);
    today.append(this.forecastNote);
    this.planChart = new ChartBox(next, 'plan', `Staffing plan: next ${PLAN_HOURS} hours`, [
      { label: 'agents needed', stroke: '#d9480f', width: 2, paths: stepped(), spanGaps: true },
      { label: 'can take chats now', stroke: '#1971c2', width: 2, dash: [6, 4], spanGaps: true },
    ]);
    next.append(this.planNote);
    this.observer.observe(recentEl);
    this.observer.observe(planEl);
  }

  /** The first read: the last 6 hours and today (whichever starts earlier) and the forecast. */
  async load(nowMs: number = Date.now()): Promise<void> {
    const from = Math.min(localMidnight(nowMs), intervalStart(nowMs) - RECENT_HOURS * 3_600_000);
    await Promise.all([this.readRows(from, nowMs), this.readForecast()]);
  }

  /** Each metrics push: a live service-level point, today's team for the plan, and a re-read of the last hour. */
  update(m: ProjectMetrics, nowMs: number = Date.now()): void {
    const sl = m.windows['15m'].service_level;
    this.liveLevel.push({ t: sec(nowMs), value: sl.value === null ? null : sl.value * 100 });
    if (this.liveLevel.length > LIVE_SAMPLES) this.liveLevel.shift();
    this.target = sl.target * 100;
    this.canTakeChats = m.staffing.agents_can_take_chats;
    this.draw(nowMs);
    this.scheduleRefresh();
  }

  destroy(): void {
    this.closed = true;
    this.observer.disconnect();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.forecastTimer) clearTimeout(this.forecastTimer);
    this.charts().forEach((c) => c.destroy());
  }

  draw(nowMs: number = Date.now()): void {
    if (this.closed) return;
    // Up to the end of the current interval, so its bar (drawn at the interval's middle) is inside the window.
    const recentEnd = sec(intervalStart(nowMs) + INTERVAL_MS);
    const recent: Window = { from: recentEnd - RECENT_HOURS * 3600, to: recentEnd };
    const inRecent = [...this.rows.values()].filter((r) => middle(r.start) >= recent.from);
    const arrivals = new Map<number, number | null>();
    const answered = new Map<number, number | null>();
    const abandoned = new Map<number, number | null>();
    const perInterval = new Map<number, number | null>();
    for (const r of inRecent) {
      const x = middle(r.start);
      arrivals.set(x, r.arrivals);
      answered.set(x, r.answered);
      abandoned.set(x, r.abandoned);
      perInterval.set(x, r.service_level.value === null ? null : r.service_level.value * 100);
    }
    this.arrivals.draw(recent, alignData([arrivals, answered, abandoned]));
    this.arrivals.box.dataset.arrivals = String(inRecent.reduce((n, r) => n + r.arrivals, 0));
    this.arrivals.box.dataset.intervals = String(inRecent.length);

    const live = new Map<number, number | null>(this.liveLevel.filter((p) => p.t >= recent.from).map((p) => [p.t, p.value]));
    const target = new Map<number, number | null>(this.target === null ? [] : [[recent.from, this.target], [recent.to, this.target]]);
    this.level.draw(recent, alignData([perInterval, live, target]));
    this.level.box.dataset.live = String(live.size);

    const dayStart = localMidnight(nowMs);
    const today: Window = { from: sec(dayStart), to: sec(dayStart) + 24 * 3600 };
    const actual = new Map<number, number | null>();
    for (const r of this.rows.values()) if (Date.parse(r.start) >= dayStart && Date.parse(r.start) <= nowMs) actual.set(middle(r.start), r.arrivals);
    const mean = new Map<number, number | null>();
    const low = new Map<number, number | null>();
    const high = new Map<number, number | null>();
    for (const f of this.plan?.intervals ?? []) {
      if (middle(f.start) > today.to) break;
      mean.set(middle(f.start), f.arrivals.mean);
      low.set(middle(f.start), f.arrivals.low);
      high.set(middle(f.start), f.arrivals.high);
    }
    this.forecastChart.draw(today, alignData([actual, mean, low, high]));
    this.forecastChart.box.dataset.actual = String([...actual.values()].reduce<number>((n, v) => n + (v ?? 0), 0));
    this.forecastChart.box.dataset.forecastPoints = String(mean.size);

    const next: Window = { from: sec(intervalStart(nowMs)), to: sec(intervalStart(nowMs)) + PLAN_HOURS * 3600 };
    const needed = new Map<number, number | null>();
    for (const f of this.plan?.intervals ?? []) if (sec(Date.parse(f.start)) < next.to) needed.set(sec(Date.parse(f.start)), f.agents_needed);
    const team = this.canTakeChats ?? this.plan?.agents_can_take_chats ?? null;
    const now = new Map<number, number | null>(team === null ? [] : [[next.from, team], [next.to, team]]);
    this.planChart.draw(next, alignData([needed, now]));
    this.planChart.box.dataset.plan = JSON.stringify([...needed.values()]);
    this.planChart.box.dataset.canTakeChats = String(team);

    this.draws += 1;
    this.recentEl.dataset.draws = String(this.draws);
  }

  private charts(): ChartBox[] {
    return [this.arrivals, this.level, this.forecastChart, this.planChart];
  }

  private async readRows(fromMs: number, nowMs: number): Promise<void> {
    try {
      const answer = await history(this.token, this.projectId, fromMs, intervalStart(nowMs) + INTERVAL_MS);
      for (const r of answer.intervals) this.rows.set(Date.parse(r.start), r);
      // Rows older than the day and the 6 hours are no longer drawn.
      const keep = Math.min(localMidnight(nowMs), nowMs - (RECENT_HOURS + 1) * 3_600_000);
      for (const start of this.rows.keys()) if (start < keep) this.rows.delete(start);
      this.recentEl.dataset.historyLoaded = 'true';
    } catch (error) {
      note(this.recentEl, `History: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
    this.draw(nowMs);
  }

  private async readForecast(): Promise<void> {
    if (this.forecastTimer) clearTimeout(this.forecastTimer);
    try {
      this.plan = await forecast(this.token, this.projectId, 24);
      const none = this.plan.method === 'none';
      this.forecastNote.textContent = none
        ? 'No forecast yet: the project has no history of arrivals.'
        : `Forecast method ${this.plan.method}, from ${this.plan.history_days.toFixed(1)} days of history; the server forecasts from the current interval on, so earlier hours show the actual only.`;
      this.planNote.textContent = none ? 'No plan yet: it needs a forecast.' : `Agents needed per 15 minutes for the forecast's mean, against who can take chats now.`;
      this.planEl.dataset.forecastMethod = this.plan.method;
    } catch (error) {
      this.forecastNote.textContent = `Forecast: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.draw();
    // The forecast starts at the current interval: read it again when the next one begins.
    if (!this.closed) this.forecastTimer = setTimeout(() => void this.readForecast(), INTERVAL_MS - (Date.now() % INTERVAL_MS) + 2_000);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    const wait = Math.max(0, this.lastRefresh + REFRESH_MS - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.lastRefresh = Date.now();
      void this.readRows(intervalStart(Date.now()) - 3 * INTERVAL_MS, Date.now());
    }, wait);
  }
}

const alignData = (series: Map<number, number | null>[]) => align(series) as uPlot.AlignedData;
/** A count per interval: bars. */
const bars = () => uPlot.paths.bars!({ size: [0.7, 40] });
/** Agents needed holds for its whole interval: a step, not a slope. */
const stepped = () => uPlot.paths.stepped!({ align: 1 });
