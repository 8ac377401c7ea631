/**
 * `quorum projects create --spec project.yaml`: the YAML file describing a whole project → the
 * `createProject` input plus the quality rules to add after it.
 *
 * Keys are CreateProjectInput's own names (camelCase), with three conveniences: `overlap` may be
 * a number (fixed overlap), `instructionsFile` names a Markdown file relative to the spec, and
 * `qualification: { tasks, passMark, retryDelaySeconds }` groups the qualification settings.
 * `rules` is a list of quality rules in the createQualityRule form. Unknown keys are refused, so
 * a typo never silently drops a setting; the server checks every value.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { CliError } from '../cli-error';

/** What the spec turns into. */
export interface ProjectSpec {
  readonly input: Record<string, unknown>;
  readonly rules: Record<string, unknown>[];
  /** Derived from the spec's bytes: creating the same spec twice returns the same project. */
  readonly idempotencyKey: string;
}

/** Keys passed through to CreateProjectInput unchanged. */
const PASSTHROUGH_KEYS = [
  'name',
  'currency',
  'rewardAmount',
  'labelSchema',
  'goldRate',
  'instructions',
  'assignmentDurationSeconds',
  'autoApprovalDelaySeconds',
  'rejectionReversalWindowSeconds',
  'showPrelabelsToWorkers',
  'qualificationTaskCount',
  'qualificationPassMark',
  'qualificationRetryDelaySeconds',
] as const;
const SPEC_KEYS = new Set<string>([
  ...PASSTHROUGH_KEYS,
  'overlap',
  'instructionsFile',
  'qualification',
  'rules',
]);
const QUALIFICATION_KEYS: Record<string, string> = {
  tasks: 'qualificationTaskCount',
  passMark: 'qualificationPassMark',
  retryDelaySeconds: 'qualificationRetryDelaySeconds',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads and checks the spec file; CliError naming the file and the problem. `yaml` is loaded
 * here, on first use, so other commands start without it.
 */
export async function readProjectSpec(path: string): Promise<ProjectSpec> {
  const { parse: parseYaml } = await import('yaml');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new CliError(`${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(document)) throw new CliError(`${path}: the spec must be a YAML mapping`);
  const unknown = Object.keys(document).filter(key => !SPEC_KEYS.has(key));
  if (unknown.length > 0) {
    throw new CliError(`${path}: unknown keys ${unknown.join(', ')}`);
  }

  const input: Record<string, unknown> = {};
  for (const key of PASSTHROUGH_KEYS) if (key in document) input[key] = document[key];
  input.overlap =
    typeof document.overlap === 'number' ? { minOverlap: document.overlap } : document.overlap;
  if (typeof document.instructionsFile === 'string') {
    if ('instructions' in document) {
      throw new CliError(`${path}: give instructions or instructionsFile, not both`);
    }
    const file = resolve(dirname(path), document.instructionsFile);
    try {
      input.instructions = readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`);
    }
  }
  if (document.qualification !== undefined) {
    if (!isRecord(document.qualification)) {
      throw new CliError(`${path}: qualification must be a mapping (tasks, passMark, ...)`);
    }
    for (const [key, value] of Object.entries(document.qualification)) {
      const target = QUALIFICATION_KEYS[key];
      if (!target) throw new CliError(`${path}: unknown qualification key ${key}`);
      input[target] = value;
    }
  }
  const rules = document.rules ?? [];
  if (!Array.isArray(rules) || !rules.every(isRecord)) {
    throw new CliError(`${path}: rules must be a list of mappings`);
  }
  const idempotencyKey = `cli-spec-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  return { input, rules, idempotencyKey };
}
