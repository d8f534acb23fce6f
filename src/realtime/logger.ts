type LogFn = (fields: Record<string, unknown>, message: string) => void;

/** The part of pino the gateway uses. Fields never hold tokens or URLs with their query. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}
