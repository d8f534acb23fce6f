/**
 * The shapes of the REST answers the dashboard reads beyond the SDK's (docs/rest.md "History and forecast", and the
 * alerts of docs/rest.md). Declared here rather than imported: the dashboard may import only the SDK and the domain's
 * pure types, and these answers are built by services.
 */

export interface HistoryInterval {
  start: string;
  end: string;
  arrivals: number;
  answered: number;
  abandoned: number;
  service_level: { met: number; missed: number; value: number | null };
  first_response: { count: number; mean_seconds: number | null };
  handle_time: { count: number; mean_seconds: number | null };
  rating: { count: number; mean: number | null };
}

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

/** One alert of `/P/alerts` and `GET /:pid/alerts`. */
export interface Alert {
  id: string;
  project_id: string;
  rule: string;
  state: 'raised' | 'cleared';
  value: number | null;
  threshold: number | null;
  message: string;
  raised_at: string;
  cleared_at: string | null;
}
