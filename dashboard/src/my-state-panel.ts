/**
 * The signed-in member's own state, for anyone who takes chats: their `chat_state` live (their own row of
 * `/P/project_users/users/<user id>`, which every member may follow for themselves), their load, and the
 * available/away switch (`PUT /:pid/project_users {user_available}`, their own project user only). The switch shows
 * what the server says, not what was clicked: it moves when the row's UPDATE arrives.
 */
import type { ProjectSettings, ProjectUser } from '../../src/domain/project.js';
import { failureText, setMyAvailability } from './api.js';
import { h, note } from './dom.js';
import { duration, secondsSince } from './format.js';
import { StateClock } from './state-clock.js';

const EXPLAIN: Record<string, string> = {
  available: 'You can be given new chats.',
  busy: 'You are at your chat limit: new chats wait until you close one.',
  away: 'You get no new chats while away.',
  offline: 'Your switch is on, but you are not connected: connect to take chats.',
};

export class MyStatePanel {
  private readonly clock = new StateClock();
  private readonly state: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly toggle: HTMLInputElement;
  private readonly error: HTMLElement;
  private me: ProjectUser | null = null;

  constructor(
    private readonly el: HTMLElement,
    private readonly settings: ProjectSettings,
    private readonly token: string,
    private readonly projectId: string,
  ) {
    this.state = h('p', { class: 'my-state', 'data-my-state': '' });
    this.detail = h('p', { class: 'note' });
    this.toggle = h('input', { type: 'checkbox', name: 'available', role: 'switch' });
    this.error = h('p', { class: 'note note-error', role: 'alert' });
    this.toggle.addEventListener('change', () => void this.set(this.toggle.checked));
    el.replaceChildren(this.state, h('label', { class: 'switch' }, this.toggle, ' Available for chats'), this.detail, this.error);
    note(this.state, 'Loading…');
  }

  render(me: ProjectUser): void {
    this.me = me;
    const state = me.chat_state ?? 'none';
    const since = this.clock.observe(me);
    this.el.dataset.state = state;
    this.toggle.checked = me.user_available;
    this.toggle.disabled = false;
    const limit = me.max_assigned_chat ?? this.settings.max_agent_assigned_chat;
    this.state.replaceChildren(
      h('span', { class: `dot dot-${state}` }),
      h('strong', {}, me.chat_state ?? 'not taking chats'),
      ' for ',
      h('span', { class: 'timer', 'data-since': since.since, 'data-prefix': since.atLeast ? '≥ ' : undefined }, `${since.atLeast ? '≥ ' : ''}${duration(secondsSince(since.since))}`),
      ` · ${me.number_assigned_requests} / ${this.settings.chat_limit_on ? limit : `${limit} (limit off)`} chats`,
    );
    this.detail.textContent = me.chat_state === null ? 'Your role takes chats only with "takes chats" on.' : EXPLAIN[me.chat_state]!;
  }

  private async set(available: boolean): Promise<void> {
    this.error.textContent = '';
    this.toggle.disabled = true;
    try {
      this.render(await setMyAvailability(this.token, this.projectId, available));
    } catch (error) {
      this.error.textContent = `Could not change your availability: ${failureText(error)}`;
      if (this.me) this.render(this.me);
    }
  }
}
