/**
 * The limits a project's owner may set for their project (within the operator's ceilings), as the `projects.limits`
 * column stores them. A domain type because the store reads them (with the connecting user) and the limits, the
 * services and REST use them: `src/limits/budgets.ts` maps each to the operator's setting it overrides.
 */
export const overridableLimitNames = ['rest_reads_per_minute', 'rest_writes_per_minute', 'ws_conn_max_per_project'] as const;

export type OverridableLimit = (typeof overridableLimitNames)[number];
export type LimitOverrides = Partial<Record<OverridableLimit, number>>;
