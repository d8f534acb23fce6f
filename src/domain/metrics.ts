/**
 * The live metrics object as the REST API returns it and `/P/metrics` pushes it (docs/metrics.md). Pure types, so
 * the SDK and the dashboard can read them; src/metrics computes them.
 */

export interface StaffingEstimate {
  arrivals_per_hour: number;
  aht_seconds: number;
  concurrency: number;
  target: number;
  within_seconds: number;
  /** The ASA ceiling the staffing also meets, when one was asked for. */
  max_asa_seconds: number | null;
  /** AHT / concurrency: the time of agent capacity one conversation takes (docs/metrics.md). */
  effective_handle_seconds: number;
  /** Offered load in agents: arrivals per second × effective handle time. */
  traffic_erlangs: number;
  /** Fewest agents meeting the target; null when the search limit is exceeded. */
  agents_needed: number | null;
  service_level_at_needed: number | null;
  asa_seconds_at_needed: number | null;
  agents_staffed: number;
  /** Expected with the agents on duty now; null (unbounded waits) when they cannot keep up. */
  service_level_with_current: number;
  asa_seconds_with_current: number | null;
  /** Agents still to add (negative: to spare). */
  shortfall: number | null;
}

/** `GET /:pid/metrics/staffing`: the estimate, and which of its inputs were measured rather than given. */
export type StaffingAnswer = StaffingEstimate & {
  /** Which inputs were measured rather than given. */
  measured: ('arrivals_per_hour' | 'aht_seconds' | 'concurrency')[];
  agents_available: number;
};

type WindowKey = '15m' | '60m';

export interface QueueNow {
  waiting: number;
  longest_wait_seconds: number | null;
  average_wait_seconds: number | null;
  /** Creation time of the longest-waiting request, so a client can tick the timer itself between updates. */
  oldest_waiting_since: string | null;
  active_conversations: number;
  agents: { available: number; busy: number; unavailable: number };
  /** Open chat slots of available agents; null when the project has no chat limit (unbounded). */
  free_chat_slots: number | null;
  conversations_per_available_agent: number | null;
}

export interface WindowMetrics {
  minutes: number;
  arrivals: number;
  closed: number;
  first_response: { count: number; mean_seconds: number | null; p90_seconds: number | null };
  service_level: { target: number; within_seconds: number; met: number; missed: number; value: number | null };
  handle_time: { count: number; mean_seconds: number | null };
  /** Mean number of conversations held by agents at once over the window. */
  workload_erlangs: number;
  occupancy: number | null;
}

export interface ScopeMetrics {
  now: QueueNow;
  windows: Record<WindowKey, WindowMetrics>;
}

export interface DepartmentMetrics extends ScopeMetrics {
  id: string;
  name: string;
}

export interface ProjectMetrics extends ScopeMetrics {
  project_id: string;
  /** The project's event number this object is consistent with. */
  seq: number;
  epoch: string;
  computed_at: string;
  departments: DepartmentMetrics[];
  /** For the last hour's load against the project's service-level target (null without enough data). */
  staffing: StaffingEstimate | null;
}
