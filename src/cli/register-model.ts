import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config';
import { AppError } from '../common/errors';
import { createLogger } from '../common/logger';
import { RequestContext } from '../common/request-context';
import { withMigratedDatabase } from './with-migrated-database';
import { TransactionalConnection } from '../db/transactional-connection';
import { EventBus } from '../events/event-bus';
import { setModelServePriorities } from '../modules/aggregation/online/model-serve-priority';
import { Role } from '../modules/auth/role';
import { IdempotencyService } from '../modules/idempotency/idempotency.service';
import { DatabaseJobQueue } from '../modules/jobs/database-job-queue';
import { readQuorumModelMetadata } from '../modules/prelabel/onnx-export';
import { PrelabelService } from '../modules/prelabel/prelabel.service';
import { Project } from '../modules/projects/project.entity';
import { ProjectService } from '../modules/projects/project.service';

const USAGE = `Usage: npx ts-node --swc src/cli/register-model.ts --project <id> --file <model.onnx> --version <name>
       [--featurizer '<json>'] [--labels cat,dog] [--max-bytes <n>]

Registers an ONNX pre-label model read from a file, for models above the GraphQL body limit.
The model gets the same validation as registerModel (it is loaded and run on the project's
tasks); nothing is stored on error. --featurizer and --labels default to the Quorum metadata
inside the file (models exported by Quorum carry both). Acts as the project's owner.`;

/** `npx ts-node --swc src/cli/register-model.ts …`: registerModel from the command line. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      project: { type: 'string' },
      file: { type: 'string' },
      version: { type: 'string' },
      featurizer: { type: 'string' },
      labels: { type: 'string' },
      'max-bytes': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.project || !values.file || !values.version) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const modelBytes = new Uint8Array(await readFile(values.file));
  const metadata = (() => {
    try {
      return readQuorumModelMetadata(modelBytes);
    } catch {
      return null;
    }
  })();
  const featurizer = values.featurizer ? JSON.parse(values.featurizer) : metadata?.featurizer;
  const labelKeys = values.labels ? values.labels.split(',') : metadata?.labelKeys;
  if (featurizer === undefined || labelKeys === undefined) {
    process.stderr.write('Give --featurizer and --labels: the file has no Quorum metadata.\n');
    process.exit(2);
  }

  const config = loadConfig(process.env);
  const version = values.version;
  await withMigratedDatabase(config.database, async dataSource => {
    const db = new TransactionalConnection(dataSource);
    const logger = createLogger('silent');
    const projects = new ProjectService(db, new EventBus(logger), new IdempotencyService(db));
    const prelabels = new PrelabelService(db, projects, new DatabaseJobQueue(db, logger), {
      maxModelBytes: values['max-bytes'] ? Number(values['max-bytes']) : undefined,
    });
    // The new version votes: unanswered tasks' serving priorities follow it, as in the app
    // (prelabel.wiring.ts), without building the whole container.
    prelabels.onVotingPredictionsChanged((tx, change) =>
      setModelServePriorities(db, tx, change.projectId, change.taskIds).then(() => undefined),
    );
    const project = await dataSource.getRepository(Project).findOneBy({ id: values.project });
    if (!project) {
      process.stderr.write(`Project ${values.project} was not found.\n`);
      process.exit(1);
    }
    const ctx = RequestContext.create({
      user: { id: project.ownerId, roles: [Role.REQUESTER], via: 'jwt' },
    });
    const model = await prelabels.registerModel(ctx, {
      projectId: project.id,
      version,
      modelBytes,
      featurizer,
      labelKeys: [...labelKeys],
    });
    process.stdout.write(
      `Registered model ${model.version} (${model.id}), ${model.sizeBytes} bytes\n`,
    );
  });
}

main().catch(error => {
  if (error instanceof ConfigError || error instanceof AppError) {
    const code = error instanceof AppError ? ` [${String(error.extensions.code)}]` : '';
    process.stderr.write(`${error.message}${code}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
