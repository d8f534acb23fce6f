/**
 * The agents table from the live `/P/project_users` list (owners, admins, supervisors): each chat taker's state by
 * the server's one rule (`chat_state`: available, busy, away, offline; docs/metrics.md "Who can take chats"), how
 * long they have been in it (StateClock: tracked from the pushes), their load against the chat limit. Members who
 * do not take chats are listed last, as "does not take chats", so the counts above never include them.
 */
import type { ProjectSettings, ProjectUser } from '../../src/domain/project.js';
import { h, note } from './dom.js';
import { duration, secondsSince } from './format.js';
import { StateClock } from './state-clock.js';

const DESK_ROLES = new Set(['owner', 'admin', 'supervisor', 'agent']);
const STATE_ORDER = ['available', 'busy', 'away', 'offline'];

export class AgentsPanel {
  private readonly clock = new StateClock();

  constructor(
    private readonly el: HTMLElement,
    private readonly settings: ProjectSettings,
  ) {
    note(el, 'Loading…');
  }

  render(items: readonly ProjectUser[]): void {
    const desk = items.filter((pu) => DESK_ROLES.has(pu.role) && pu.status === 'active');
    const rank = (pu: ProjectUser) => (pu.chat_state === null ? STATE_ORDER.length : STATE_ORDER.indexOf(pu.chat_state));
    desk.sort((a, b) => rank(a) - rank(b) || name(a).localeCompare(name(b)));
    if (desk.length === 0) return note(this.el, 'No agents.');
    this.el.replaceChildren(
      h(
        'div',
        { class: 'scroll-x' },
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...['Agent', 'State', 'For', 'Load / limit', 'Role'].map((c) => h('th', {}, c)))),
          h('tbody', {}, ...desk.map((pu) => this.row(pu))),
        ),
      ),
    );
  }

  showError(message: string): void {
    note(this.el, message, 'error');
  }

  private row(pu: ProjectUser): HTMLElement {
    const limit = pu.max_assigned_chat ?? this.settings.max_agent_assigned_chat;
    const state = pu.chat_state ?? 'does not take chats';
    const since = this.clock.observe(pu);
    return h(
      'tr',
      { 'data-project-user': pu._id, 'data-state': pu.chat_state ?? 'none' },
      h('td', {}, name(pu)),
      h('td', { class: `state state-${pu.chat_state ?? 'none'}` }, h('span', { class: `dot dot-${pu.chat_state ?? 'none'}` }), state),
      pu.chat_state === null
        ? h('td', {}, '–')
        : h('td', { class: 'timer', 'data-since': since.since, 'data-prefix': since.atLeast ? '≥ ' : undefined }, `${since.atLeast ? '≥ ' : ''}${duration(secondsSince(since.since))}`),
      // Without the chat limit on, the limit is nominal: shown, but nobody is held back by it.
      h('td', {}, `${pu.number_assigned_requests} / ${this.settings.chat_limit_on ? limit : `${limit} (off)`}`),
      h('td', {}, pu.role),
    );
  }
}

export function name(pu: ProjectUser): string {
  return `${pu.id_user.firstname} ${pu.id_user.lastname}`.trim() || pu.id_user.email || pu.uuid_user;
}
