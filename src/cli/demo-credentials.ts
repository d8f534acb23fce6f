import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoData } from '../services/demo-data.js';

/**
 * The demo password is random per data directory; it is kept beside the data (mode 600) so that every later
 * start can show it again. Nothing is written when the store is in memory.
 */
export function saveDemoCredentials(dataDir: string | null, demo: DemoData): void {
  if (dataDir === null) return;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'demo-credentials.json'), JSON.stringify(demo, null, 2), { mode: 0o600 });
}

export function loadDemoCredentials(dataDir: string | null): DemoData | null {
  if (dataDir === null) return null;
  const file = join(dataDir, 'demo-credentials.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoData) : null;
}
