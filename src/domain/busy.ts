import type { ProjectSettings } from './project.js';

export interface LoadFacts {
  number_assigned_requests: number;
  max_assigned_chat: number | null;
}

/**
 * The one busy rule, used by routing and by `isBusy`: with the project's chat limit on, an agent whose open
 * assignments reached their own limit (or the project's) takes no new request.
 */
export function isBusy(pu: LoadFacts, settings: Pick<ProjectSettings, 'chat_limit_on' | 'max_agent_assigned_chat'>): boolean {
  if (!settings.chat_limit_on) return false;
  const limit = pu.max_assigned_chat ?? settings.max_agent_assigned_chat;
  return pu.number_assigned_requests >= limit;
}

/** Free chat slots an agent has under the busy rule; Infinity when the project has no limit. */
export function freeSlots(pu: LoadFacts, settings: Pick<ProjectSettings, 'chat_limit_on' | 'max_agent_assigned_chat'>): number {
  if (!settings.chat_limit_on) return Number.POSITIVE_INFINITY;
  const limit = pu.max_assigned_chat ?? settings.max_agent_assigned_chat;
  return Math.max(0, limit - pu.number_assigned_requests);
}
