/**
 * `deskwire seed-history [--days 28] [--project P]`: fills a project's interval history with generated traffic (a
 * weekly and daily pattern in the project's time zone, over its departments, answered, abandoned and rated) and
 * sends it through `POST /:pid/history/import`, as `import-history` sends a file: a demo or a test desk gets a
 * forecast and a staffing plan without weeks of real traffic.
 */
import { randomInt } from 'node:crypto';
import { seededRandom, syntheticConversations } from '../metrics/synthetic-history.js';
import type { ParsedArgs } from './args.js';
import { ApiClient } from './api-client.js';
import { numberOption, serverFailure, stringOption, targetOptionNames, targetUsage, usageError as usageErrorOf, type ClientCommand, type ServerTarget } from './client-command.js';
import { ExitCode } from './exit-codes.js';

/** As many days as one history read covers. */
const MAX_DAYS = 366;

const usage = `deskwire seed-history [--days 28] [--project PROJECT] [--peak 24] [--seed N] [--url URL] [--token TOKEN]

Fills a project's history with generated past conversations (owners and admins), ending now: more on weekdays
than at weekends, a morning and an afternoon peak in the project's time zone, spread over its departments (the
default department the busiest), about 90 % answered within a minute, the rest abandoned, a third of the
answered rated. They are imported like \`deskwire import-history\` imports a file, in one request: all or nothing.
They add to any history already there (seeding twice counts both).

Exits 0 when seeded, 1 when the server refuses or cannot be reached, 2 on a wrong command line.

  --days N         days of history, a whole number from 1 to ${MAX_DAYS} (default 28: the forecast's weekly methods need 4 weeks)
  --project ID     the project (default: the token's user's first project)
  --peak N         arrivals per hour at a weekday's peak (default 24)
  --seed N         the random seed, for the same history again (default: random, printed)
${targetUsage}
`;

export const seedHistoryCommand: ClientCommand = {
  name: 'seed-history',
  summary: 'Fill a project\'s history with generated traffic: seed-history --days 28',
  usage,
  optionNames: [...targetOptionNames, 'days', 'project', 'peak', 'seed'],
  switchNames: [],
  run: runSeed,
};

interface Summary {
  imported: number;
  intervals: number;
  from: string | null;
  to: string | null;
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

async function runSeed(args: ParsedArgs, target: ServerTarget): Promise<number> {
  const days = numberOption(args, 'days', 28);
  if (typeof days === 'string') return usageError(days);
  if (!Number.isInteger(days) || days > MAX_DAYS) return usageError(`--days must be a whole number from 1 to ${MAX_DAYS}, got ${days}`);
  const peak = numberOption(args, 'peak', 24);
  if (typeof peak === 'string') return usageError(peak);
  if (peak > 10_000) return usageError(`--peak must be at most 10000 arrivals per hour, got ${peak}`);
  const seedText = stringOption(args, 'seed');
  if (args.options.seed === true || (seedText !== undefined && !/^\d{1,9}$/.test(seedText))) return usageError('--seed must be a whole number (up to 9 digits)');
  const seed = seedText === undefined ? randomInt(1_000_000_000) : Number(seedText);
  if (args.positionals.length > 0) return usageError(`unexpected argument "${args.positionals[0]}"`);
  if (!target.token) return usageError('a token is needed: --token or DESKWIRE_TOKEN (deskwire token prints one in development)');

  const api = new ApiClient(target.url, target.token);
  const started = Date.now();
  try {
    const projects = await api.get<{ id: string; name: string }[]>('/projects');
    const projectId = stringOption(args, 'project') ?? projects[0]?.id;
    const project = projects.find((p) => p.id === projectId);
    if (!project) {
      process.stderr.write(`deskwire seed-history: ${projectId ? `not a member of project ${projectId}` : 'the user belongs to no project'}\n`);
      return ExitCode.FAILED;
    }
    const details = await api.get<{ settings?: { time_zone?: string } }>(`/projects/${encodeURIComponent(project.id)}`);
    const departments = await api.get<{ id: string; name: string; default?: boolean }[]>(`/${encodeURIComponent(project.id)}/departments`);
    const timeZone = details.settings?.time_zone ?? 'UTC';
    const lines = ['created_at,first_response_at,closed_at,department,rating'];
    for (const c of syntheticConversations({
      days,
      end: Date.now(),
      timeZone,
      peakPerHour: peak,
      departments: departments.map((d) => ({ id: d.id, weight: d.default ? 2 : 1 })),
      random: seededRandom(seed),
    })) {
      lines.push(`${iso(c.createdAt)},${iso(c.firstResponseAt)},${iso(c.closedAt)},${c.departmentId ?? ''},${c.rating ?? ''}`);
    }
    const csv = `${lines.join('\n')}\n`;
    process.stderr.write(
      `deskwire seed-history: generated ${lines.length - 1} conversations over ${days} days (seed ${seed}, ${timeZone}, ${departments.length} departments); sending ${(Buffer.byteLength(csv) / 1024).toFixed(0)} KiB to project ${project.id}…\n`,
    );
    const summary = await api.call<Summary>('POST', `/${encodeURIComponent(project.id)}/history/import`, csv, { 'content-type': 'text/csv' });
    const span = summary.from ? ` from ${summary.from} to ${summary.to}` : '';
    process.stdout.write(`seeded ${summary.imported} conversations into ${summary.intervals} history intervals of ${project.name} (${project.id})${span} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return ExitCode.OK;
  } catch (error) {
    return serverFailure('seed-history', target, error);
  }
}

const usageError = (message: string) => usageErrorOf('seed-history', usage, message);
