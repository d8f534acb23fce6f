/**
 * The project settings the history and the forecast plan with, read defensively: projects do not carry a time zone
 * or a default handle time yet in every build, so a missing or unusable value falls back to a documented default.
 */
import { defaultProjectSettings, type ProjectSettings } from '../domain/project.js';

/** Handle time to plan with while the history has too few closes (docs/metrics.md, "Handle time to plan with"). */
export const FALLBACK_HANDLE_SECONDS = 300;

export interface PlanSettings extends ProjectSettings {
  /** IANA zone the days, hours and seasonality are local to; UTC when the project names none. */
  timeZone: string;
  defaultHandleSeconds: number;
}

function validZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function planSettings(stored: Partial<ProjectSettings> & Record<string, unknown>): PlanSettings {
  const settings = { ...defaultProjectSettings, ...stored } as ProjectSettings & Record<string, unknown>;
  const handle = settings.default_handle_seconds;
  return {
    ...settings,
    timeZone: validZone(settings.time_zone) ? settings.time_zone : 'UTC',
    defaultHandleSeconds: typeof handle === 'number' && handle > 0 && Number.isFinite(handle) ? handle : FALLBACK_HANDLE_SECONDS,
  };
}
