/**
 * The staffing panel: how many agents the target needs now (docs/metrics.md "Live staffing"). The table is the
 * `staffing` of each metrics push, redrawn on every push, so it always agrees with the tiles above it; the form asks
 * `GET /:pid/metrics/staffing` for another target on demand ("what if"), and says that answer is a one-off.
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
    this.live = h('div', { class: 'staffing-live', 'data-staffing': 'live' }, 'Waiting for the first metrics…');
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
  update(s: LiveStaffing, computedAt: string): void {
    const defaulted = s.sources.aht_seconds === 'measured' ? '' : ` (${s.sources.aht_seconds === 'default' ? 'project default' : 'partly the project default'})`;
    const shortfall = s.shortfall === null ? 'beyond the model' : s.shortfall > 0 ? `${s.shortfall} more needed` : s.shortfall === 0 ? 'none' : `${-s.shortfall} to spare`;
    this.live.dataset.computedAt = computedAt;
    this.live.replaceChildren(
      h(
        'table',
        {},
        h('caption', {}, `Now, at ${percent(s.target)} within ${duration(s.within_seconds)} (live)`),
        row('Agents needed', s.agents_needed === null ? 'beyond the model' : String(s.agents_needed), 'agents_needed', s.agents_needed),
        row('of them for the waiting', `${s.backlog.agents_needed} (${s.backlog.waiting} waiting)`, 'backlog', s.backlog.agents_needed),
        row('Can take chats now', String(s.agents_can_take_chats), 'agents_can_take_chats', s.agents_can_take_chats),
        row('Shortfall', shortfall, 'shortfall', s.shortfall),
        row('Expected service level', percent(s.expected_service_level), 'expected_service_level', s.expected_service_level),
        row('Load', `${s.arrivals_per_hour.toFixed(1)}/h × ${duration(s.aht_seconds)}${defaulted} ÷ ${s.concurrency.toFixed(1)} chats = ${s.traffic_erlangs.toFixed(2)} Erlangs`, 'load', s.traffic_erlangs),
      ),
    );
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
    const shortfall = a.shortfall === null ? '–' : a.shortfall > 0 ? `${a.shortfall} more needed` : `${-a.shortfall} to spare`;
    this.answer.replaceChildren(
      h(
        'table',
        {},
        h('caption', {}, `What if: ${percent(a.target)} within ${duration(a.within_seconds)} (asked at ${new Date().toLocaleTimeString()})`),
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

/** One figure; `data-value` carries the raw number so a test can compare it with the API's. */
function row(label: string, text: string, key: string, value?: number | null): HTMLElement {
  return h('tr', { 'data-field': key, 'data-value': value === undefined ? undefined : String(value) }, h('th', {}, label), h('td', {}, text));
}
