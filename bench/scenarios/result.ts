/** What every scenario hands back: rows for the table and JSON, and the sanity problems it found. */
export type Row = Record<string, string | number | null>;

export interface ScenarioResult {
  scenario: string;
  rows: Row[];
  /** Empty when the scenario completed with nothing lost or duplicated. */
  problems: string[];
  /** Raw measurements kept in the JSON only. */
  details?: unknown;
}

export const kb = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10;
