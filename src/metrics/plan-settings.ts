/**
 * The project settings the history and the forecast plan with, read defensively: a project without a time zone is
 * planned in UTC, and one without a usable `default_handle_seconds` with the default the live estimates use.
 */
import { defaultProjectSettings, isTimeZone, type ProjectSettings } from '../domain/project.js';

export interface PlanSettings extends ProjectSettings {
  /** IANA zone the days, hours and seasonality are local to; UTC when the project names none. */
  timeZone: string;
  defaultHandleSeconds: number;
}

const validZone = (zone: unknown): zone is string => typeof zone === 'string' && isTimeZone(zone);

export function planSettings(stored: Partial<ProjectSettings> & Record<string, unknown>): PlanSettings {
  const settings = { ...defaultProjectSettings, ...stored } as ProjectSettings & Record<string, unknown>;
  const handle = settings.default_handle_seconds;
  return {
    ...settings,
    timeZone: validZone(settings.time_zone) ? settings.time_zone : 'UTC',
    defaultHandleSeconds: typeof handle === 'number' && handle > 0 && Number.isFinite(handle) ? handle : defaultProjectSettings.default_handle_seconds,
  };
}
