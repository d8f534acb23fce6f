/**
 * The KPI tiles: the figures a supervisor glances at, each coloured by a threshold. Thresholds follow the project's
 * own service-level setting where there is one (a wait is late when it passes `within_seconds`), otherwise the usual
 * contact-center rules of thumb, named here so they are easy to change.
 */
import type { ProjectMetrics } from '../../src/domain/metrics.js';
import { h } from './dom.js';
import { duration, percent, secondsSince } from './format.js';

type Level = 'ok' | 'warn' | 'bad' | 'none';

/** Occupancy above this burns agents out; above the second, the queue is about to grow. */
const OCCUPANCY_WARN = 0.85;
const OCCUPANCY_BAD = 0.95;
/** Service level this close above the target is a warning: one slow answer tips it under. */
const SERVICE_LEVEL_MARGIN = 0.05;

interface Tile {
  key: string;
  label: string;
  value(m: ProjectMetrics, nowMs: number): string;
  level(m: ProjectMetrics, nowMs: number): Level;
}

const within = (m: ProjectMetrics) => m.windows['15m'].service_level.within_seconds;
const target = (m: ProjectMetrics) => m.windows['15m'].service_level.target;
/** Ticks between pushes: the server sends `oldest_waiting_since` for exactly this. */
const longestWait = (m: ProjectMetrics, nowMs: number) =>
  m.now.oldest_waiting_since === null ? null : secondsSince(m.now.oldest_waiting_since, nowMs);

const tiles: Tile[] = [
  {
    key: 'waiting',
    label: 'Waiting',
    value: (m) => String(m.now.waiting),
    // Waiting is only bad when nobody can take them.
    level: (m) => (m.now.waiting === 0 ? 'ok' : m.now.agents.available === 0 ? 'bad' : 'warn'),
  },
  {
    key: 'longest_wait',
    label: 'Longest wait',
    value: (m, now) => duration(longestWait(m, now)),
    level: (m, now) => {
      const w = longestWait(m, now);
      return w === null ? 'ok' : w > within(m) ? 'bad' : w > within(m) / 2 ? 'warn' : 'ok';
    },
  },
  {
    key: 'service_level',
    label: 'Service level 15m',
    value: (m) => percent(m.windows['15m'].service_level.value),
    level: (m) => {
      const v = m.windows['15m'].service_level.value;
      return v === null ? 'none' : v < target(m) ? 'bad' : v < target(m) + SERVICE_LEVEL_MARGIN ? 'warn' : 'ok';
    },
  },
  { key: 'active', label: 'Active chats', value: (m) => String(m.now.active_conversations), level: () => 'none' },
  {
    key: 'agents_available',
    label: 'Agents available',
    value: (m) => String(m.now.agents.available),
    level: (m) => (m.now.agents.available > 0 ? 'ok' : m.now.agents.busy > 0 ? 'warn' : 'bad'),
  },
  { key: 'agents_busy', label: 'Agents busy', value: (m) => String(m.now.agents.busy), level: (m) => (m.now.agents.busy > 0 ? 'warn' : 'ok') },
  {
    key: 'occupancy',
    label: 'Occupancy 15m',
    value: (m) => percent(m.windows['15m'].occupancy),
    level: (m) => {
      const o = m.windows['15m'].occupancy;
      return o === null ? 'none' : o > OCCUPANCY_BAD ? 'bad' : o > OCCUPANCY_WARN ? 'warn' : 'ok';
    },
  },
];

export class KpiTiles {
  private latest: ProjectMetrics | null = null;
  private readonly values = new Map<string, HTMLElement>();

  constructor(private readonly container: HTMLElement) {
    container.replaceChildren(
      ...tiles.map((t) => {
        const value = h('div', { class: 'kpi-value' }, '–');
        this.values.set(t.key, value);
        return h('div', { class: 'kpi', 'data-kpi': t.key, 'data-level': 'none' }, h('div', { class: 'kpi-label' }, t.label), value);
      }),
    );
  }

  update(m: ProjectMetrics): void {
    this.latest = m;
    this.render();
  }

  /** Called every second so the longest wait keeps counting between pushes. */
  render(nowMs: number = Date.now()): void {
    const m = this.latest;
    if (m === null) return;
    for (const t of tiles) {
      const value = this.values.get(t.key)!;
      value.textContent = t.value(m, nowMs);
      value.parentElement!.dataset.level = t.level(m, nowMs);
    }
  }
}
