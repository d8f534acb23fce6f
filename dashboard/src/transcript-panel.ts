/**
 * The conversation behind a queue row, read-only: the live `/P/requests/RID/messages` list (the newest 300, oldest
 * first, then each new message). Opening it writes nothing: no read receipt, no join; a supervisor looks without
 * the visitor or the agents seeing it.
 */
import type { DeskwireClient, LiveList } from '../../src/client/index.js';
import type { Message } from '../../src/domain/message.js';
import type { Request } from '../../src/domain/request.js';
import { h, note } from './dom.js';

export class TranscriptPanel {
  private list: LiveList<Message> | null = null;
  private readonly title: HTMLElement;
  private readonly body: HTMLElement;

  constructor(
    private readonly el: HTMLElement,
    private readonly client: DeskwireClient,
    private readonly projectId: string,
  ) {
    this.title = h('h2', {}, 'Conversation');
    this.body = h('div', { class: 'transcript', 'aria-live': 'polite' });
    const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close the conversation' }, '×');
    close.addEventListener('click', () => this.close());
    el.replaceChildren(h('div', { class: 'panel-head' }, this.title, close), this.body);
    el.hidden = true;
  }

  open(request: Request): void {
    this.list?.close();
    this.el.hidden = false;
    this.el.dataset.requestId = request.request_id;
    this.title.textContent = `Conversation · ${request.lead?.fullname || request.lead?.email || 'Visitor'}`;
    note(this.body, 'Loading…');
    this.list = this.client.liveList<Message>(`/${this.projectId}/requests/${request.request_id}/messages`, {
      onChange: (items) => this.render(items),
      onError: (e) => note(this.body, `Messages: ${e.message}`, 'error'),
    });
    this.el.scrollIntoView({ block: 'nearest' });
  }

  close(): void {
    this.list?.close();
    this.list = null;
    delete this.el.dataset.requestId;
    this.el.hidden = true;
  }

  private render(items: readonly Message[]): void {
    this.body.dataset.count = String(items.length);
    if (items.length === 0) return note(this.body, 'No messages yet.');
    const sorted = [...items].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    this.body.replaceChildren(
      ...sorted.map((m) =>
        h(
          'div',
          { class: `message message-${m.sender_role === 'guest' || m.sender_role === 'user' ? 'visitor' : 'desk'}`, 'data-message-id': m._id },
          h('div', { class: 'message-meta' }, `${m.senderFullname || m.sender} · ${new Date(m.createdAt).toLocaleTimeString()}`),
          h('div', { class: 'message-text' }, m.text),
        ),
      ),
    );
    this.body.scrollTop = this.body.scrollHeight;
  }
}
