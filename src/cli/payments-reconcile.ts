import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config';
import { runReconcileCommand } from './payments-reconcile-command';

const USAGE = `Usage: npm run payments:reconcile -- [--since <ISO date>] [--json]

Compares the ledger with Stripe's balance transactions and lists every difference (a charge or
transfer on one side only, or with another amount), plus the ledger's own checks. Reads only.
Exit code 0 when everything matches, 1 when there are differences, 2 on bad usage or config.`;

/** `npm run payments:reconcile`: see USAGE. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { since: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const since = values.since ? new Date(values.since) : null;
  if (since && Number.isNaN(since.getTime())) {
    process.stderr.write(`--since: not a date: ${values.since}\n${USAGE}\n`);
    process.exit(2);
  }
  const code = await runReconcileCommand(
    loadConfig(process.env),
    { since, json: values.json ?? false },
    text => process.stdout.write(text),
  );
  process.exit(code);
}

main().catch(error => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
