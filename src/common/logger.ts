import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths never written to logs. Passwords, tokens and API keys stay out of every log line, also
 * when a request body or header is logged by mistake.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'password',
  'token',
  'apiKey',
  'secret',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.secret',
  'variables.password',
  'variables.input.password',
  'variables.*.password',
];

/** Structured JSON logs (pino) with credentials redacted. One logger per app instance. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'quorum' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
