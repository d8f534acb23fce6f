/**
 * Writes whose acknowledgement a test keeps: a message counts as acknowledged only when the server answered 201, and
 * is recorded by the id it answered with. After a crash, a restart or two processes on one store, every recorded id
 * must still be there.
 */
import { randomBytes } from 'node:crypto';
import { Rest } from './rest-client.js';

export class AckedWrites {
  readonly ids = new Set<string>();
  /** Answers that were not a 201 (refused, or the server stopping), for the failure message. */
  readonly unacknowledged: string[] = [];

  constructor(readonly projectId: string) {}

  /** A new visitor's conversation on the server at `url`: `write()` posts one message to it. */
  async conversation(url: string): Promise<{ write(text: string): Promise<boolean> }> {
    const signin = await new Rest(url).post('/auth/signinAnonymously', { id_project: this.projectId });
    if (signin.status !== 200) throw new Error(`visitor sign-in failed: ${signin.status} ${JSON.stringify(signin.body)}`);
    const visitor = new Rest(url, signin.body.token as string);
    const rid = `support-group-${this.projectId}-${randomBytes(6).toString('hex')}`;
    return {
      write: async (text: string) => {
        try {
          const response = await visitor.post(`/${this.projectId}/requests/${rid}/messages`, { text });
          if (response.status === 201) {
            this.ids.add(response.body._id as string);
            return true;
          }
          this.unacknowledged.push(`${response.status} ${JSON.stringify(response.body)}`);
        } catch (error) {
          this.unacknowledged.push(String(error)); // the server went away: not acknowledged
        }
        return false;
      },
    };
  }

  /** Acknowledged ids missing from `stored`. */
  missingFrom(stored: ReadonlySet<string>): string[] {
    return [...this.ids].filter((id) => !stored.has(id));
  }
}
