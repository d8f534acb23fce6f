/**
 * Who a process is, precisely enough to tell a live lock holder from a dead one whose PID was reused: on Linux the
 * PID, its start time (field 22 of /proc/PID/stat, clock ticks since boot), the boot it belongs to and the PID
 * namespace the PID means something in (a container has its own). Elsewhere only the PID is known.
 */
import { readFileSync, readlinkSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** null where /proc is not available (macOS). */
  startTime: string | null;
  bootId: string | null;
  pidNamespace: string | null;
}

function readOrNull(read: () => string): string | null {
  try {
    return read().trim();
  } catch {
    return null;
  }
}

/** The start time of `pid` in this PID namespace, or null when no such process exists (or no /proc). */
export function startTimeOf(pid: number): string | null {
  const stat = readOrNull(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (stat === null) return null;
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[22 - 3] ?? null;
}

let own: ProcessIdentity | null = null;

export function ownIdentity(): ProcessIdentity {
  own ??= {
    pid: process.pid,
    startTime: startTimeOf(process.pid),
    bootId: readOrNull(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNamespace: readOrNull(() => readlinkSync('/proc/self/ns/pid')),
  };
  return own;
}

export type Liveness = 'alive' | 'dead' | 'unknown';

/**
 * Whether the process `other` names still runs, judged from here. 'unknown' when it cannot be told from PIDs alone
 * (another PID namespace, such as another container on the same volume): the caller then asks the process itself.
 */
export function livenessOf(other: ProcessIdentity): Liveness {
  const me = ownIdentity();
  // Nothing of an earlier boot (or of another machine) is running now.
  if (other.bootId !== null && me.bootId !== null && other.bootId !== me.bootId) return 'dead';
  if (other.pidNamespace !== me.pidNamespace) return 'unknown';
  if (other.startTime !== null && me.startTime !== null) {
    // Same PID and same start time is the same process; a different start time is a new process that got the PID.
    return startTimeOf(other.pid) === other.startTime ? 'alive' : 'dead';
  }
  try {
    process.kill(other.pid, 0);
    return 'alive';
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'dead' : 'alive';
  }
}
