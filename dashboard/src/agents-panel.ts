/**
 * The agents table from the live `/P/project_users` list: presence (connected to the Realtime API), availability
 * (their own switch), load against their chat limit, and the busy flag. The topic is for supervisors only.
 */
import type { ProjectSettings, ProjectUser } from '../../src/domain/project.js';
import { h, note } from './dom.js';

const DESK_ROLES = new Set(['owner', 'admin', 'supervisor', 'agent']);

export class AgentsPanel {
  constructor(
    private readonly el: HTMLElement,
    private readonly settings: ProjectSettings,
  ) {
    note(el, 'Loading…');
  }

  /** Set when the user may see only their own row: the table then says so above it. */
  private ownOnly = false;

  render(items: readonly ProjectUser[]): void {
    const desk = items.filter((pu) => DESK_ROLES.has(pu.role) && pu.status === 'active');
    desk.sort((a, b) => Number(b.user_available) - Number(a.user_available) || name(a).localeCompare(name(b)));
    if (desk.length === 0) return note(this.el, 'No agents.');
    this.el.replaceChildren(
      this.ownOnly ? h('p', { class: 'note note-forbidden', 'data-note': 'forbidden' }, 'Your own status; the agents table is not available for your role.') : '',
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...['Agent', 'Role', 'Presence', 'Status', 'Load / limit', 'Busy'].map((c) => h('th', {}, c)))),
        h(
          'tbody',
          {},
          ...desk.map((pu) => {
            const limit = pu.max_assigned_chat ?? this.settings.max_agent_assigned_chat;
            return h(
              'tr',
              { 'data-project-user': pu._id },
              h('td', {}, name(pu)),
              h('td', {}, pu.role),
              h('td', {}, h('span', { class: `dot dot-${pu.presence.status}` }), pu.presence.status),
              h('td', { class: pu.user_available ? 'available' : 'away' }, pu.user_available ? 'available' : 'away'),
              // Without the chat limit on, the limit is nominal: shown, but nobody is held back by it.
              h('td', {}, `${pu.number_assigned_requests} / ${this.settings.chat_limit_on ? limit : `${limit} (off)`}`),
              h('td', { class: pu.isBusy ? 'busy' : '' }, pu.isBusy ? 'busy' : '–'),
            );
          }),
        ),
      ),
    );
  }

  forbidden(): void {
    this.ownOnly = true;
    note(this.el, 'The agents table is not available for your role.', 'forbidden');
  }

  showError(message: string): void {
    note(this.el, message, 'error');
  }
}

function name(pu: ProjectUser): string {
  return `${pu.id_user.firstname} ${pu.id_user.lastname}`.trim() || pu.id_user.email || pu.uuid_user;
}
