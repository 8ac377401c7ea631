import { Linter, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import purity from '../../../eslint-rules/purity';
import tableOwnership from '../../../eslint-rules/table-ownership';

const GRANTS = [
  {
    module: 'aggregation',
    table: 'tasks',
    columns: ['posterior', 'consensus_labels', 'consensus_confidence', 'updated_at'],
    reason: 'aggregation is the one writer of consensus',
  },
];

const ruleTester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

/**
 * The table-ownership rule of `npm run lint`: owners come from where each entity lives
 * (`tasks` and `assignments` from marketplace/, `worker_blocks` from workers/, …).
 */
ruleTester.run('quorum/table-ownership', tableOwnership, {
  valid: [
    {
      name: 'the owner writes its table in SQL',
      filename: 'src/modules/marketplace/task-slots.ts',
      code: "export const sql = 'UPDATE tasks SET live_assignments = live_assignments - 1 WHERE id = $1';",
    },
    {
      name: 'another module only reads and locks it',
      filename: 'src/modules/quality/exclusion.service.ts',
      code: 'export const sql = `SELECT id FROM assignments WHERE worker_id = $1 ORDER BY id FOR UPDATE`;',
    },
    {
      name: 'a granted module writes only its granted columns',
      filename: 'src/modules/aggregation/online/online-aggregation.service.ts',
      code: "export const sql = 'UPDATE tasks SET posterior = $2::float8[], consensus_labels = $3, updated_at = now() WHERE id = $1';",
      options: [{ grants: GRANTS }],
    },
    {
      name: 'files outside the modules are not checked',
      filename: 'migrations/1796000000000-x.ts',
      code: "export const sql = 'UPDATE tasks SET status = $1';",
    },
    {
      name: 'the owner writes through its own entity',
      filename: 'src/modules/workers/worker-standing.service.ts',
      code: `import { WorkerBlock } from './worker-block.entity';
        export const f = (db: any, tx: any) => { const blocks = db.repo(tx, WorkerBlock); return blocks.save({}); };`,
    },
  ],
  invalid: [
    {
      name: 'a rule inserting block rows itself (what quality-rules.service.ts did)',
      filename: 'src/modules/quality/quality-rules.service.ts',
      code: `import { WorkerBlock } from '../workers/worker-block.entity';
        export const f = (db: any, tx: any) => { const blocks = db.repo(tx, WorkerBlock); return blocks.save({}); };`,
      errors: [
        {
          messageId: 'foreignWrite',
          data: { module: 'quality', table: 'worker_blocks', owner: 'workers' },
        },
      ],
    },
    {
      name: 'exclusion changing slot counters in SQL (the bug of issue 10)',
      filename: 'src/modules/quality/exclusion.service.ts',
      code: 'export const sql = `UPDATE tasks t SET counted_answers = t.counted_answers - 1, live_assignments = t.live_assignments - 1 WHERE t.id = $1`;',
      errors: [
        {
          messageId: 'foreignWrite',
          data: { module: 'quality', table: 'tasks', owner: 'marketplace' },
        },
      ],
    },
    {
      name: 'a TypeORM update of a foreign entity',
      filename: 'src/modules/payments/escrow.service.ts',
      code: `import { Assignment } from '../marketplace/assignment.entity';
        export const f = (db: any, tx: any) => db.repo(tx, Assignment).update('id', { counted: false });`,
      errors: [{ messageId: 'foreignWrite' }],
    },
    {
      name: 'a granted module writing a column outside its grant',
      filename: 'src/modules/aggregation/aggregation.service.ts',
      code: "export const sql = 'UPDATE tasks SET posterior = $2, status = $3 WHERE id = $1';",
      options: [{ grants: GRANTS }],
      errors: [{ messageId: 'foreignWrite' }],
    },
    {
      name: 'inserts and deletes count too',
      filename: 'src/reports/audit-report.service.ts',
      code: "export const a = 'INSERT INTO quality_audit_log (id) VALUES ($1)'; export const b = 'DELETE FROM worker_qualities';",
      errors: [{ messageId: 'foreignWrite' }, { messageId: 'foreignWrite' }],
    },
  ],
});

describe('purity lint: algorithm folders', () => {
  const linter = new Linter({ configType: 'flat' });
  const lint = (code: string) =>
    linter
      .verify(
        code,
        [
          {
            files: ['**/*.ts'],
            languageOptions: { parser: tseslint.parser },
            rules: { 'no-restricted-imports': ['error', purity.pureImportOptions] },
          },
        ],
        { filename: 'src/modules/aggregation/algorithms/example.ts' },
      )
      .map(message => message.message);

  it('refuses relative imports of services, entities and db/', () => {
    expect(lint("import { queryRows } from '../../../db/query-rows';")).toHaveLength(1);
    expect(lint("import type { AggregationService } from '../aggregation.service';")).toHaveLength(
      1,
    );
    expect(lint("import { Task } from '../../marketplace/task.entity';")).toHaveLength(1);
    expect(lint("import { Pool } from 'pg';")).toHaveLength(1);
  });

  it('allows other pure code', () => {
    expect(lint("import { logSumExp } from './math';")).toEqual([]);
    expect(
      lint("import { wilsonInterval } from '../../quality/algorithms/wilson-interval';"),
    ).toEqual([]);
  });

  it('covers every algorithms folder', () => {
    expect(purity.PURE_FILES).toContain('src/**/algorithms/**/*.ts');
  });
});
