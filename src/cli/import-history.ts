/**
 * `deskwire import-history --project P FILE.csv`: sends past conversations to `POST /:pid/history/import` (docs/rest.md,
 * "Import history"), so a desk that moves from another tool has a history and a forecast from its first day.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ParsedArgs } from './args.js';
import { ApiClient, ApiError } from './api-client.js';
import { serverFailure, stringOption, targetOptionNames, targetUsage, usageError as usageErrorOf, type ClientCommand, type ServerTarget } from './client-command.js';
import { ExitCode } from './exit-codes.js';

const usage = `deskwire import-history --project PROJECT FILE.csv [--url URL] [--token TOKEN]

Imports past conversations into the project's interval history (owners and admins). FILE.csv has a header row and
the columns created_at (ISO 8601 with a zone, required), first_response_at, closed_at (empty when it never
happened), department (name or id; empty: the default department) and rating (1–5, optional); other columns are
ignored. The whole file is checked first: with any bad line nothing is imported and every problem is printed as
FILE:LINE: COLUMN: MESSAGE. Importing the same file twice counts its conversations twice.

Exits 0 when imported, 1 when the server refuses the file or cannot be reached, 2 on a wrong command line or an
unreadable file.

  --project ID     the project to import into
${targetUsage}
`;

export const importHistoryCommand: ClientCommand = {
  name: 'import-history',
  summary: 'Import past conversations from CSV: import-history --project P FILE.csv',
  usage,
  optionNames: [...targetOptionNames, 'project'],
  switchNames: [],
  run: runImport,
};

interface Summary {
  imported: number;
  intervals: number;
  from: string | null;
  to: string | null;
}

async function runImport(args: ParsedArgs, target: ServerTarget): Promise<number> {
  const project = stringOption(args, 'project');
  if (project === undefined) return usageError('--project PROJECT is required');
  if (args.positionals.length !== 1) return usageError('name exactly one CSV file');
  if (!target.token) return usageError('a token is needed: --token or DESKWIRE_TOKEN (deskwire token prints one in development)');
  const file = args.positionals[0]!;
  let text: string;
  try {
    if (!statSync(file).isFile()) return usageError(`${file} is not a file`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  process.stderr.write(`deskwire import-history: sending ${file} (${lines - 1} rows, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB) to project ${project}…\n`);
  const started = Date.now();
  try {
    const summary = await new ApiClient(target.url, target.token).call<Summary>('POST', `/${encodeURIComponent(project)}/history/import`, text, { 'content-type': 'text/csv' });
    const span = summary.from ? ` from ${summary.from} to ${summary.to}` : '';
    process.stdout.write(`imported ${summary.imported} conversations into ${summary.intervals} history intervals${span} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return ExitCode.OK;
  } catch (error) {
    let more = '';
    if (error instanceof ApiError) {
      // A refused file: every bad line first, as FILE:LINE: problem.
      const problems = Array.isArray(error.body.errors) ? (error.body.errors as { line: number; column: string | null; message: string }[]) : [];
      for (const p of problems) process.stderr.write(`${file}:${p.line}: ${p.column ? `${p.column}: ` : ''}${p.message}\n`);
      if (typeof error.body.error_count === 'number' && error.body.error_count > problems.length) more = ` (${error.body.error_count} in all, the first ${problems.length} shown)`;
    }
    return serverFailure('import-history', target, error, more);
  }
}

const usageError = (message: string) => usageErrorOf('import-history', usage, message);
