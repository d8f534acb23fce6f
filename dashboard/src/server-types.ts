/**
 * The shapes of the REST answers the dashboard reads beyond the SDK's (docs/rest.md "History and forecast", and the
 * alerts of docs/rest.md). The dashboard may import only the SDK and the domain's pure types: a shape the domain
 * holds is imported from it, the others are declared here (services build them).
 */
import type { Alert } from '../../src/domain/alerts.js';
import type { HistoryInterval } from '../../src/domain/history.js';

/** One alert of `/P/alerts` and `GET /:pid/alerts`; one interval of the history. */
export type { Alert, HistoryInterval };

export interface HistoryAnswer {
  interval: '15m' | '60m' | '1d';
  time_zone: string;
  intervals: HistoryInterval[];
}

export interface ForecastInterval {
  start: string;
  end: string;
  arrivals: { mean: number; low: number; high: number };
  handle_seconds: number;
  agents_needed: number | null;
  service_level_at_needed: number | null;
}

export interface ForecastAnswer {
  method: string;
  history_days: number;
  interval_minutes: number;
  time_zone: string;
  agents_can_take_chats: number;
  intervals: ForecastInterval[];
}
