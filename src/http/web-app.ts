import { existsSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { STYLES as AUDIT_REPORT_STYLES } from '../reports/audit/render-audit-report';

/** Paths the API owns; the web app's fallback never answers them. */
const API_PREFIXES = ['/graphql', '/healthz', '/metrics', '/webhooks'];

/** The CSP source that allows exactly the audit report's one inline stylesheet. */
const AUDIT_REPORT_STYLE_HASH = `'sha256-${createHash('sha256').update(AUDIT_REPORT_STYLES).digest('base64')}'`;

/**
 * The page's Content Security Policy: scripts and styles only from this origin (Vite emits
 * external files, so no inline script is needed or allowed), images also from https: (task
 * payloads link to them), GraphQL over HTTP and WebSocket to this origin only, and no framing.
 * The console embeds the audit report in a sandboxed `srcdoc` iframe, which inherits this
 * policy: the report's own stylesheet is allowed by its hash, and nothing else inline is.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${AUDIT_REPORT_STYLE_HASH}`,
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build:web` writes the app, from src/http (ts-node) or dist/src/http (tsc). */
export function defaultWebAppDir(): string {
  const candidates = [
    path.resolve(__dirname, '..', '..', 'web', 'dist'),
    path.resolve(__dirname, '..', '..', '..', 'web', 'dist'),
  ];
  return candidates.find(dir => existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', WEB_APP_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  next();
};

/**
 * Serves the built worker app (web/dist) at `/`: hashed assets cached for a year, and
 * index.html (never cached) for any other GET path outside the API, so the app's own routes
 * survive a reload. Without a build it says how to make one instead of a bare 404.
 */
export function createWebAppRouter(dir: string = defaultWebAppDir()): Router {
  const router = express.Router();
  const isApiPath = (url: string) =>
    API_PREFIXES.some(prefix => url === prefix || url.startsWith(`${prefix}/`));
  router.use((req, res, next) => (isApiPath(req.path) ? next('router') : next()));
  router.use(securityHeaders);
  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }),
  );
  router.use(express.static(dir, { index: false, maxAge: 0 }));
  router.get(/.*/, (req, res) => {
    const index = path.join(dir, 'index.html');
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The web app is not built: run `npm run build:web` (npm install does it).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
