/**
 * Active alerts from the live `/P/alerts` list (owners, admins, supervisors): the snapshot is the active alerts, a
 * `CREATE` raises one and an `UPDATE` with `state: 'cleared'` clears it. The bar stays empty and out of the way while
 * nothing is raised, so a raised alert is what catches the eye.
 */
import { h } from './dom.js';
import { duration, secondsSince } from './format.js';
import type { Alert } from './server-types.js';

export class AlertsPanel {
  constructor(private readonly el: HTMLElement) {
    el.replaceChildren();
  }

  render(items: readonly Alert[]): void {
    const active = items.filter((a) => a.state === 'raised').sort((a, b) => a.raised_at.localeCompare(b.raised_at));
    this.el.dataset.count = String(active.length);
    this.el.replaceChildren(
      ...active.map((a) =>
        h(
          'div',
          { class: 'alert', role: 'alert', 'data-alert': a.id, 'data-rule': a.rule },
          h('strong', {}, a.message),
          ' ',
          // data-since: ticked with the queue timers, so "raised 2m 05s ago" stays true between pushes.
          h('span', { class: 'alert-age' }, 'raised ', h('span', { 'data-since': a.raised_at }, duration(secondsSince(a.raised_at))), ' ago'),
        ),
      ),
    );
  }

  showError(message: string): void {
    this.el.replaceChildren(h('div', { class: 'alert alert-error' }, message));
  }
}
