// Structured JSON logs on stdout (pino) and the bridge that routes Temporal's own logs into them:
// workflow logs arrive with workflowId/runId/workflowType, activity logs with activityType and the
// workflow's ids, so one `jq 'select(.workflowId == "…")'` follows a drill across workers.
import pino from 'pino';
import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Field names that may carry a secret wherever they appear (top level or one object deep). */
const SECRET_FIELDS = [
  'apiKey',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'secretAccessKey',
  'sessionToken',
  'authorization',
  'Authorization',
  'password',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      level,
      base: { service: 'temporal-drs-worker' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`)],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

const PINO_LEVEL: Record<TemporalLogLevel, LogLevel> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Temporal's Logger interface on top of pino, for `Runtime.install({ logger })`. */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly target: pino.Logger) {}

  log(level: TemporalLogLevel, message: string, meta?: LogMetadata): void {
    const { error, ...fields } = (meta ?? {}) as LogMetadata & { error?: unknown };
    // pino serialises `err` with message and stack; Temporal passes failures as `error`
    const record = error === undefined ? fields : { ...fields, err: error };
    this.target[PINO_LEVEL[level]](record, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
