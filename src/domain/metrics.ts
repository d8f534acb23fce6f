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
  /** Agents the "can take chats now" rule counts (available + busy): who the estimate staffs with. */
  agents_available: number;
  agents_can_take_chats: number;
};

/** Where a live staffing input came from: measured on the desk, the project's default, a forecast, or a blend. */
export type InputSource = 'measured' | 'default' | 'forecast' | 'blended';

/**
 * The live staffing answer (docs/metrics.md, "Live staffing"): the steady-state load of a short-window arrival rate,
 * plus the agents it takes to clear the backlog, against the agents who can take chats now.
 */
export interface LiveStaffing {
  /** Exponentially weighted arrival rate (half-life `arrival_rate.half_life_seconds`), blended with a forecast when one is given. */
  arrivals_per_hour: number;
  /** Measured mean handle time, filled with `default_handle_seconds` below `handle_time.min_samples` closes. */
  aht_seconds: number;
  concurrency: number;
  sources: { arrivals_per_hour: InputSource; aht_seconds: InputSource; concurrency: InputSource };
  arrival_rate: { half_life_seconds: number; observed_seconds: number; weighted_arrivals: number; live_per_hour: number | null; forecast_per_hour: number | null };
  handle_time: { samples: number; min_samples: number; default_seconds: number };
  target: number;
  within_seconds: number;
  effective_handle_seconds: number;
  traffic_erlangs: number;
  /** Erlang C (chat concurrency) for the arrival rate alone; null past the search limit. */
  steady_state_agents: number | null;
  backlog: {
    waiting: number;
    /** Waiting requests already past the threshold: missed whatever happens now. */
    waiting_past_threshold: number;
    /** Agents, on top of the steady state, to answer every waiting request within `clear_within_seconds`. */
    agents_needed: number;
    clear_within_seconds: number;
  };
  /** steady_state_agents + backlog.agents_needed; null past the search limit. */
  agents_needed: number | null;
  /** Members the "can take chats now" rule lets work: available + busy (at their chat limit, still serving). */
  agents_can_take_chats: number;
  /** agents_needed − agents_can_take_chats (negative: to spare). */
  shortfall: number | null;
  /** Share expected to be answered within the threshold over the next `horizon_seconds`, backlog included. */
  expected_service_level: number;
  expected_service_level_at_needed: number | null;
  horizon_seconds: number;
  /** Same as `agents_can_take_chats`, for clients of the earlier shape. */
  agents_staffed: number;
  /** Same as `expected_service_level`, for clients of the earlier shape. */
  service_level_with_current: number;
}

type WindowKey = '15m' | '60m';

export interface QueueNow {
  waiting: number;
  longest_wait_seconds: number | null;
  average_wait_seconds: number | null;
  /** Creation time of the longest-waiting request, so a client can tick the timer itself between updates. */
  oldest_waiting_since: string | null;
  active_conversations: number;
  /**
   * Chat takers by state (src/domain/chat-availability.ts): available, busy (at their chat limit), away (switch
   * off), offline (not connected). `unavailable` = away + offline, kept for clients of the earlier shape.
   */
  agents: { available: number; busy: number; away: number; offline: number; unavailable: number };
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
  /** The live staffing answer for the project's service-level target (never null: defaults fill what is not measured). */
  staffing: LiveStaffing;
}
