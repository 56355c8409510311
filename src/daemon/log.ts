import { pino, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(level: LogLevel): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      // Registry credentials arrive in PullImage requests; they never reach a log line.
      redact: ['auth.password', 'auth.auth', 'auth.identity_token', 'auth.registry_token', 'password', 'token'],
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
