/**
 * How long visitors wait before they give up, from history: exponential patience fitted by maximum likelihood on
 * censored data. A visitor who abandoned after waiting w shows patience = w; one answered after w shows only that
 * patience > w (censored). For an exponential with rate θ the log-likelihood is a·ln θ − θ·W, where a is the number
 * who abandoned and W the total waiting time of everyone (abandoned and answered), so θ̂ = a / W and the mean
 * patience is W / a. Its relative standard error is about 1/√a, so below MIN_ABANDONMENTS it is not trusted:
 * the answer is "unknown" and the staffing plan uses Erlang C (nobody abandons).
 */

export const MIN_ABANDONMENTS = 20;

export interface WaitHistory {
  abandoned: number;
  /** Total time the abandoned visitors waited before leaving, seconds. */
  abandonedWaitSeconds: number;
  answered: number;
  /** Total time the answered visitors waited for their first reply, seconds. */
  answeredWaitSeconds: number;
}

export interface PatienceEstimate {
  /** Mean patience in seconds; null when unknown. */
  patience_seconds: number | null;
  source: 'estimated' | 'unknown';
  abandoned: number;
}

export function estimatePatience(h: WaitHistory, minAbandonments = MIN_ABANDONMENTS): PatienceEstimate {
  for (const [name, v] of Object.entries(h)) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a finite number ≥ 0, got ${v}`);
  }
  const totalWait = h.abandonedWaitSeconds + h.answeredWaitSeconds;
  if (h.abandoned < minAbandonments || totalWait <= 0) return { patience_seconds: null, source: 'unknown', abandoned: h.abandoned };
  return { patience_seconds: Math.round((totalWait / h.abandoned) * 1000) / 1000, source: 'estimated', abandoned: h.abandoned };
}
