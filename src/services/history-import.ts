/**
 * Reading a history import (docs/rest.md, "Import history"): a CSV file with a header row whose columns are
 * `created_at` (required), `first_response_at`, `closed_at`, `department`, `rating`; other columns are ignored.
 * Every line is checked and every problem reported (up to IMPORT_ERRORS_MAX) with its line and column, so one pass
 * fixes the file; a file with any problem imports nothing.
 */
import { CsvSyntaxError, readCsv } from '../domain/csv.js';
import type { HistoryFacts } from '../domain/history.js';

export const IMPORT_COLUMNS = ['created_at', 'first_response_at', 'closed_at', 'department', 'rating'] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
/** Problems listed in one answer; the count says how many there were in all. */
export const IMPORT_ERRORS_MAX = 100;
/** Instants slightly ahead of the server's clock are taken as clock skew, not as the future. */
const FUTURE_SLACK_MS = 5 * 60_000;

export interface ImportProblem {
  line: number;
  column: string | null;
  message: string;
}

export interface ParsedImport {
  rows: HistoryFacts[];
  problems: ImportProblem[];
  problemCount: number;
}

/** Date and time with seconds optional, fractions optional, and a zone (Z or ±hh:mm) required: no guessing the zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function instant(text: string): number | null {
  if (!ISO_INSTANT.test(text)) return null;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return null;
  // Date.parse rolls 2026-02-30 over to March: a date that does not exist is refused.
  const [y, mo, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d ? ms : null;
}

/**
 * Checks the file against the project's departments (`resolveDepartment`: a name or an id to an id, or null when
 * unknown; an empty cell is the project's default department).
 */
export function parseHistoryImport(text: string, resolveDepartment: (nameOrId: string) => string | null, defaultDepartment: string | null, now: number): ParsedImport {
  const rows: HistoryFacts[] = [];
  const problems: ImportProblem[] = [];
  let problemCount = 0;
  const problem = (line: number, column: string | null, message: string) => {
    problemCount++;
    if (problems.length < IMPORT_ERRORS_MAX) problems.push({ line, column, message });
  };
  let index: Partial<Record<Column, number>> | null = null;
  try {
    for (const record of readCsv(text)) {
      if (index === null) {
        const names = record.fields.map((f) => f.trim().toLowerCase());
        index = {};
        for (const c of IMPORT_COLUMNS) {
          const at = names.indexOf(c);
          if (at !== -1) index[c] = at;
        }
        if (index.created_at === undefined) {
          problem(record.line, 'created_at', 'the header row has no created_at column (columns: created_at, first_response_at, closed_at, department, rating)');
          break;
        }
        continue;
      }
      const cell = (c: Column) => (index![c] === undefined ? '' : (record.fields[index![c]!] ?? '').trim());
      const at = (c: Column, required: boolean): number | null | undefined => {
        const text = cell(c);
        if (text === '') {
          if (required) problem(record.line, c, 'required');
          return required ? undefined : null;
        }
        const ms = instant(text);
        if (ms === null) {
          problem(record.line, c, `"${text.slice(0, 40)}" is not an ISO 8601 date and time with a zone (e.g. 2026-03-02T09:15:00Z)`);
          return undefined;
        }
        if (ms > now + FUTURE_SLACK_MS) {
          problem(record.line, c, `${text} is in the future`);
          return undefined;
        }
        return ms;
      };
      const before = problemCount;
      const created = at('created_at', true);
      const firstResponse = at('first_response_at', false);
      const closed = at('closed_at', false);
      if (typeof created === 'number') {
        if (typeof firstResponse === 'number' && firstResponse < created) problem(record.line, 'first_response_at', 'first_response_at is before created_at');
        if (typeof closed === 'number' && closed < created) problem(record.line, 'closed_at', 'closed_at is before created_at');
        if (typeof closed === 'number' && typeof firstResponse === 'number' && closed < firstResponse) problem(record.line, 'closed_at', 'closed_at is before first_response_at');
      }
      const departmentText = cell('department');
      const departmentId = departmentText === '' ? defaultDepartment : resolveDepartment(departmentText);
      if (departmentText !== '' && departmentId === null) problem(record.line, 'department', `no department "${departmentText.slice(0, 100)}" in this project (a name or an id)`);
      const ratingText = cell('rating');
      const rating = ratingText === '' ? null : Number(ratingText);
      if (rating !== null && !(Number.isInteger(rating) && rating >= 1 && rating <= 5)) problem(record.line, 'rating', `"${ratingText.slice(0, 20)}" is not a whole number from 1 to 5`);
      if (problemCount > before) continue;
      rows.push({
        createdAt: created!,
        firstResponseAt: firstResponse ?? null,
        // No assignment time in an import: handling is counted from the first reply.
        handleStartAt: firstResponse ?? null,
        closedAt: closed ?? null,
        departmentId,
        rating,
      });
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    problem(error.line, null, error.message);
  }
  if (index === null) problem(1, null, 'the file is empty: a header row with created_at is needed');
  return { rows, problems, problemCount };
}
