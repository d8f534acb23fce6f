/**
 * The staffing panel: how many agents the target needs for the last hour's load (Erlang C, docs/metrics.md). The
 * live line follows each metrics push (at the project's own target); the form asks `GET /:pid/metrics/staffing` for
 * another target on demand, the one call the page makes that is not a push.
 */
import type { LiveStaffing, StaffingAnswer } from '../../src/domain/metrics.js';
import { ApiError, failureText, staffing } from './api.js';
import { h, note } from './dom.js';
import { duration, percent } from './format.js';

export class StaffingPanel {
  private readonly live: HTMLElement;
  private readonly answer: HTMLElement;
  private readonly target: HTMLInputElement;
  private readonly within: HTMLInputElement;

  constructor(
    private readonly el: HTMLElement,
    private readonly token: string,
    private readonly projectId: string,
    defaults: { target: number; within: number },
  ) {
    this.live = h('p', { class: 'staffing-live', 'data-staffing': 'live' }, 'Waiting for the first metrics…');
    this.target = h('input', { type: 'number', min: '1', max: '99', step: '1', value: String(Math.round(defaults.target * 100)), name: 'target' });
    this.within = h('input', { type: 'number', min: '1', max: '3600', step: '1', value: String(defaults.within), name: 'within' });
    this.answer = h('div', { class: 'staffing-answer', 'data-staffing': 'answer' });
    const form = h('form', { class: 'staffing-form' }, h('label', {}, 'Target ', this.target, ' %'), h('label', {}, ' answered within ', this.within, ' s'), h('button', { type: 'submit' }, 'Estimate'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.estimate();
    });
    el.replaceChildren(this.live, form, this.answer);
  }

  /** The live estimate carried by every metrics push: backlog included, against who can take chats now. */
  update(s: LiveStaffing): void {
    const defaulted = s.sources.aht_seconds === 'measured' ? '' : ` (handle time: ${s.sources.aht_seconds === 'default' ? 'project default' : 'partly the project default'})`;
    this.live.textContent =
      `At the project's target: ${s.agents_needed ?? '?'} agents needed (${s.backlog.agents_needed} of them for the ${s.backlog.waiting} waiting), ` +
      `${s.agents_can_take_chats} can take chats, expected service level ${percent(s.expected_service_level)}${defaulted}.`;
  }

  async estimate(): Promise<void> {
    const target = Number(this.target.value) / 100;
    const within = Number(this.within.value);
    if (!(target > 0 && target < 1) || !(within > 0)) return note(this.answer, 'The target is a percentage between 1 and 99, the time a number of seconds.', 'error');
    note(this.answer, 'Estimating…');
    try {
      this.show(await staffing(this.token, this.projectId, target, within));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'FORBIDDEN') this.forbidden();
      else note(this.answer, `Estimate failed: ${failureText(error)}`, 'error');
    }
  }

  forbidden(): void {
    note(this.el, 'Staffing is not available for your role.', 'forbidden');
  }

  private show(a: StaffingAnswer): void {
    const row = (label: string, value: string, key: string) => h('tr', { 'data-field': key }, h('th', {}, label), h('td', {}, value));
    const shortfall = a.shortfall === null ? '–' : a.shortfall > 0 ? `${a.shortfall} more needed` : `${-a.shortfall} to spare`;
    this.answer.replaceChildren(
      h(
        'table',
        {},
        row('Agents needed', a.agents_needed === null ? 'beyond the model' : String(a.agents_needed), 'agents_needed'),
        row('On duty', String(a.agents_staffed), 'agents_staffed'),
        row('Shortfall', shortfall, 'shortfall'),
        row('Service level with current staff', percent(a.service_level_with_current), 'service_level_with_current'),
        row('Average speed of answer', a.asa_seconds_with_current === null ? 'unbounded' : duration(a.asa_seconds_with_current), 'asa'),
        row('Load', `${a.arrivals_per_hour.toFixed(1)}/h × ${duration(a.aht_seconds)} ÷ ${a.concurrency.toFixed(1)} chats = ${a.traffic_erlangs.toFixed(2)} Erlangs`, 'load'),
      ),
    );
  }
}
