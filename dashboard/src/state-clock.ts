/**
 * Since when each member has been in their chat state. The server sends no "since" for `chat_state` (only presence
 * has `changedAt`), so the page keeps it from the pushes it sees: a change of state starts the clock at the push.
 * A member first seen in the snapshot has been in that state at least since the page opened, or since their
 * presence last changed when the state is presence's doing (offline, or available/busy right after connecting);
 * such a time is a lower bound and is shown with "≥".
 */
import type { ProjectUser } from '../../src/domain/project.js';

export interface StateSince {
  since: string;
  /** True when the state began before the page saw it: the time is at least this. */
  atLeast: boolean;
}

export class StateClock {
  private readonly seen = new Map<string, { state: string; since: StateSince }>();

  constructor(private readonly openedAtMs: number = Date.now()) {}

  observe(pu: ProjectUser, nowMs: number = Date.now()): StateSince {
    const state = pu.chat_state ?? 'none';
    const known = this.seen.get(pu._id);
    if (known && known.state === state) return known.since;
    const since: StateSince = known ? { since: new Date(nowMs).toISOString(), atLeast: false } : this.firstSight(pu);
    this.seen.set(pu._id, { state, since });
    return since;
  }

  private firstSight(pu: ProjectUser): StateSince {
    const presence = pu.presence.changedAt;
    // Offline means connected no more: the state began when presence last changed, exactly.
    if (pu.chat_state === 'offline' && presence) return { since: presence, atLeast: false };
    return { since: presence && Date.parse(presence) > this.openedAtMs ? presence : new Date(this.openedAtMs).toISOString(), atLeast: true };
  }
}
