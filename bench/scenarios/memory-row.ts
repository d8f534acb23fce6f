import type { ServerStats } from '../lib/types.js';
import { kb, type Row } from './result.js';

/** What the connections held cost the server: memory grown per connection (after − before), and its RSS after. */
export function memoryRow(before: ServerStats, after: ServerStats, held: number): Row {
  return {
    'RSS KB/conn': held > 0 ? kb((after.rss - before.rss) / held) : null,
    'heap KB/conn': held > 0 ? kb((after.heapUsed - before.heapUsed) / held) : null,
    'server RSS MB': Math.round(after.rss / 1048576),
  };
}
