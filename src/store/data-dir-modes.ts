/**
 * DATA_DIR holds password hashes, conversations and the development JWT secret: only its owner may read or write
 * it. Directories are made 0700 and files 0600. PGlite writes some files itself with fixed modes whatever the
 * process umask (0666 for the files of a new database, 0644 for a few it rewrites while running), so this runs when
 * the store is opened and again when it is closed; while it runs, the 0700 directory keeps everyone else out.
 */
import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ModeReport {
  /** Paths other users could write, or DATA_DIR itself when others could enter it: worth a warning. */
  exposed: { path: string; mode: number }[];
}

/** Makes `dataDir` and everything in it owner-only (symbolic links are left alone). */
export function makeOwnerOnly(dataDir: string): ModeReport {
  const exposed: ModeReport['exposed'] = [];
  const visit = (path: string, top: boolean) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    const mode = stat.mode & 0o777;
    const wanted = stat.isDirectory() ? 0o700 : 0o600;
    // The top directory open to others exposes everything below it; below it, only writable entries are alarming
    // (PGlite's own 0644 files inside a 0700 directory were never reachable).
    if ((top && (mode & 0o077) !== 0) || (mode & 0o022) !== 0) exposed.push({ path, mode });
    if ((mode & 0o077) !== 0 || (mode & wanted) !== wanted) chmodSync(path, (mode & ~0o077) | wanted);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name), false);
  };
  visit(dataDir, true);
  return { exposed };
}

/** One line for the log: how many paths were open to others, and the first of them. */
export function describeExposure(dataDir: string, report: ModeReport): string {
  const first = report.exposed[0]!;
  return (
    `DATA_DIR ${dataDir} was open to other users (${report.exposed.length} path${report.exposed.length === 1 ? '' : 's'}, ` +
    `e.g. ${first.path} had mode ${first.mode.toString(8).padStart(4, '0')}): made owner-only (directories 0700, files 0600)`
  );
}
