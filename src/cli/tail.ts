/**
 * `deskwire tail TOPIC…`: prints a topic's snapshot and then its events, live, through the SDK, so it reconnects
 * and resumes with `since` exactly as an integration would, and never prints an event twice.
 */
import WebSocket from 'ws';
import { connect } from '../client/index.js';
import type { ParsedArgs } from './args.js';
import { ApiClient } from './api-client.js';
import { stringOption, targetOptionNames, targetUsage, usageError, type ClientCommand, type ServerTarget } from './client-command.js';
import { formatJson, formatReadable, type TailKind } from './tail-format.js';

const usage = `deskwire tail TOPIC… [--json] [--url URL] [--token TOKEN]

Prints each topic's snapshot, then every change as it happens (Ctrl-C to stop). Reconnects by itself and resumes
where it stopped. Topics as in docs/protocol.md, e.g. /PROJECT/requests, /PROJECT/requests/REQUEST/messages.

Exits 1 when the token is refused (TOKEN_EXPIRED, TOKEN_INVALID, USER_DISABLED: a new token is needed), when no
server answers at --url on the first attempt (connection refused), when every topic is refused, or when the server
closes for good; a server that goes away after the tail connected is waited for (reconnecting with back-off).

  --json           one JSON object per line: {time, topic, type, seq, epoch, item | items}
  --email EMAIL --password PW
                   sign in instead of --token, and again whenever the token nears its expiry (for long tails)
${targetUsage}
`;

export const tailCommand: ClientCommand = {
  name: 'tail',
  summary: 'Print topics live: tail TOPIC… [--json]',
  usage,
  optionNames: [...targetOptionNames, 'email', 'password'],
  switchNames: ['json'],
  run: runTail,
};

async function runTail(args: ParsedArgs, target: ServerTarget): Promise<number> {
  if (args.positionals.length === 0) return fail('name at least one topic');
  const email = stringOption(args, 'email');
  const password = stringOption(args, 'password');
  if ((email === undefined) !== (password === undefined)) return fail('--email and --password go together');
  // Signing in gives the SDK a way to renew the token; a fixed token ends the tail when it expires.
  const getToken =
    email !== undefined && password !== undefined
      ? async () => (await new ApiClient(target.url).post<{ token: string }>('/auth/signin', { email, password })).token
      : undefined;
  if (!target.token && !getToken) return fail('a token is needed: --token, DESKWIRE_TOKEN or --email/--password (deskwire token prints one in development)');
  const format = args.options.json ? formatJson : formatReadable;
  const print = (kind: TailKind) => (payload: unknown, meta: Parameters<typeof format>[1]) => {
    for (const line of format(kind, meta, payload)) process.stdout.write(`${line}\n`);
  };
  const client = getToken ? connect({ url: target.url, getToken, WebSocket }) : connect({ url: target.url, token: target.token!, WebSocket });
  const note = (text: string) => process.stderr.write(`deskwire tail: ${text}\n`);
  let failed = 0;
  for (const topic of args.positionals) {
    let snapshotShown = false;
    client.subscribe(topic, {
      // Every snapshot comes here; the later ones (resets) are printed by onReset.
      onSnapshot: (items, meta) => {
        if (!snapshotShown) print('snapshot')(items, meta);
        snapshotShown = true;
      },
      onReset: print('reset'),
      onCreate: (item, meta) => !meta.snapshot && print('create')(item, meta),
      onUpdate: print('update'),
      onDelete: print('delete'),
      onError: (error) => {
        // A connection-level end reaches every topic too; the 'closed' line below says it once.
        if (error.topic !== undefined) note(`${topic}: ${error.code}: ${error.message}${error.retryable ? ' (will retry)' : ''}`);
        if (!error.retryable && ++failed === args.positionals.length) client.close();
      },
    });
  }
  return new Promise((resolve) => {
    const stop = () => client.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let everOpen = false;
    let wasOpen = false;
    let unreachable = false;
    client.on('error', (error) => {
      // A server that never answered is a wrong --url or a server not started: say so once and stop. Once connected,
      // the same failure is a server restarting: keep trying (said once, not per attempt).
      if (error.code === 'CLIENT_CONNECTION_FAILED' && !everOpen) {
        note(`${error.message}: is a server running at ${target.url}? (--url, DESKWIRE_URL)`);
        unreachable = true;
        client.close();
        return;
      }
      note(`${error.code}: ${error.message}${error.retryable ? '; retrying' : ''}`);
    });
    client.on('state', (s) => {
      if (s.state === 'open') {
        everOpen = wasOpen = true;
        note(`connected to ${target.url}`);
      } else if (s.state === 'reconnecting') {
        if (wasOpen) note(`connection lost${s.closeCode ? ` (${s.closeCode})` : ''}; reconnecting`);
        wasOpen = false;
      } else if (s.state === 'closed') {
        if (s.error.code !== 'CLIENT_CLOSED') note(`closed: ${s.error.code}: ${s.error.message}`);
        // Every topic refused, the server unreachable, or a terminal refusal or close: exit 1; Ctrl-C is a normal end.
        resolve(s.error.code === 'CLIENT_CLOSED' && failed < args.positionals.length && !unreachable ? 0 : 1);
      }
    });
  });
}

const fail = (message: string) => usageError('tail', usage, message);
