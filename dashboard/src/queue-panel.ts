/**
 * The live queue (status 100, longest wait first, timers ticking in the page) and the active conversations (status
 * 200 and 300), both from one SDK live list of `/P/requests`. The server filters that topic per subscriber, so an
 * agent's page holds only what the agent may see: nothing here filters by role.
 */
import type { Request } from '../../src/domain/request.js';
import { h, note } from './dom.js';
import { duration, secondsSince } from './format.js';

function visitor(r: Request): string {
  return r.lead?.fullname || r.lead?.email || 'Visitor';
}

function timer(since: string | null): HTMLElement {
  // data-since is read by tick(): the timer moves every second without a new push.
  return h('td', { class: 'timer', 'data-since': since ?? undefined }, since === null ? '–' : duration(secondsSince(since)));
}

function table(head: string[], rows: HTMLElement[]): HTMLElement {
  // The panel scrolls sideways on a narrow screen, never the page.
  return h('div', { class: 'scroll-x' }, h('table', {}, h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))), h('tbody', {}, ...rows)));
}

/** A request's row: clicked or chosen with Enter, it opens the conversation (the panel listens for both). */
function openRow(r: Request, ...cells: HTMLElement[]): HTMLElement {
  return h('tr', { 'data-request-id': r.request_id, class: 'open-row', tabindex: '0', title: 'Open the conversation' }, ...cells);
}

/** A section of the panel: its note when it has no rows, else the table of them. */
function fill(el: HTMLElement, empty: string, head: string[], rows: HTMLElement[]): void {
  if (rows.length === 0) note(el, empty);
  else el.replaceChildren(table(head, rows));
}

export class QueuePanel {
  private items: readonly Request[] = [];

  /** `onOpen` is called with the request of a row that was clicked (or chosen with Enter): its transcript opens. */
  constructor(
    private readonly waitingEl: HTMLElement,
    private readonly activeEl: HTMLElement,
    onOpen: (request: Request) => void,
  ) {
    note(waitingEl, 'Loading…');
    note(activeEl, 'Loading…');
    for (const el of [waitingEl, activeEl]) {
      const open = (e: Event) => {
        const row = (e.target as HTMLElement).closest<HTMLElement>('tr[data-request-id]');
        const request = row && this.items.find((r) => r.request_id === row.dataset.requestId);
        if (request) onOpen(request);
      };
      el.addEventListener('click', open);
      el.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') open(e);
      });
    }
  }

  render(items: readonly Request[]): void {
    this.items = items;
    const waiting = items.filter((r) => r.status === 100).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const active = items.filter((r) => r.status === 200 || r.status === 300).sort((a, b) => (a.assigned_at ?? a.createdAt).localeCompare(b.assigned_at ?? b.createdAt));
    this.waitingEl.dataset.count = String(waiting.length);
    this.activeEl.dataset.count = String(active.length);
    fill(this.waitingEl, 'Nobody is waiting.', ['Waiting', 'Visitor', 'Department', 'First message'], waiting.map((r) =>
      openRow(r, timer(r.createdAt), h('td', {}, visitor(r)), h('td', {}, r.department?.name ?? '–'), h('td', { class: 'text' }, r.first_text)),
    ));
    fill(this.activeEl, 'No active conversations.', ['With agent', 'Agents', 'Visitor', 'First message'], active.map((r) =>
      openRow(
        r,
        timer(r.assigned_at),
        h('td', {}, r.participatingAgents.map((a) => `${a.firstname} ${a.lastname}`.trim()).join(', ') || '–'),
        h('td', {}, visitor(r)),
        h('td', { class: 'text' }, r.first_text),
      ),
    ));
  }

  showError(message: string): void {
    note(this.waitingEl, message, 'error');
    note(this.activeEl, message, 'error');
  }
}

/** Moves every waiting timer on the page; one interval for all of them (the page's clock, not a server poll). */
export function tick(root: ParentNode, nowMs: number = Date.now()): void {
  for (const cell of root.querySelectorAll<HTMLElement>('[data-since]')) cell.textContent = (cell.dataset.prefix ?? '') + duration(secondsSince(cell.dataset.since!, nowMs));
}
