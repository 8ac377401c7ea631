/**
 * `quorum projects create|list|show|launch|pause|resume|complete`: project administration over
 * the API. Output is one JSON document (or, for `list`, one line per project) on stdout, so
 * scripts can pipe it into `jq`.
 */
import { paginate, type Page, type QuorumApi } from '../api/api-client';
import { readProjectSpec } from '../api/project-spec';
import { parseCommand, required, unknownAction, withAction } from './command-args';

/** `quorum projects --help`. */
export const PROJECTS_USAGE = `Usage: quorum projects <action> [options]

Actions:
  create --spec project.yaml   create a DRAFT project (schema, instructions, reward, overlap,
                               gold rate, qualification, rules) and print it as JSON
  list [--status STATUS]       one line per project: id, status, name
  show ID                      the project as JSON
  launch ID | pause ID | resume ID | complete ID
                               change its status and print the new one

Spec (YAML; keys as in GraphQL's CreateProjectInput, plus conveniences):
  name: Sentiment
  currency: usd
  rewardAmount: 5              # minor units (cents) per approved answer
  labelSchema: { kind: SINGLE_CHOICE, labels: [{ key: pos, displayName: Positive }, ...] }
  overlap: 3                   # or { minOverlap: 3, maxOverlap: 5, confidenceTarget: 0.9 }
  goldRate: 0.1
  instructionsFile: instructions.md   # relative to the spec (or instructions: inline text)
  qualification: { tasks: 5, passMark: 0.8, retryDelaySeconds: 86400 }
  rules: [ { name: ..., collector: ..., conditions: [...], action: ... } ]
Creating the same spec file twice returns the same project.

Options:
  -h, --help   this text
`;

const PROJECT_FIELDS = `id name status currency rewardAmount goldRate instructions
  qualificationTaskCount qualificationPassMark createdAt launchedAt closedAt
  overlap { minOverlap maxOverlap confidenceTarget }
  labelSchema { kind labels { key displayName } }`;

const TRANSITIONS: Record<string, string> = {
  launch: 'launchProject',
  pause: 'pauseProject',
  resume: 'resumeProject',
  complete: 'completeProject',
};

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function createProject(api: QuorumApi, argv: readonly string[]): Promise<void> {
  const parsed = parseCommand(argv, { spec: { type: 'string' } }, PROJECTS_USAGE);
  if (parsed.help) return;
  const spec = await readProjectSpec(required(parsed.values.spec, '--spec'));
  const { createProject: project } = await api.request<{ createProject: { id: string } }>(
    `mutation ($input: CreateProjectInput!) { createProject(input: $input) { ${PROJECT_FIELDS} } }`,
    { input: { ...spec.input, idempotencyKey: spec.idempotencyKey } },
  );
  // A repeated create returns the same project: add the rules only once.
  const { qualityRules } = await api.request<{ qualityRules: unknown[] }>(
    'query ($id: ID!) { qualityRules(projectId: $id) { id } }',
    { id: project.id },
  );
  const rules = [];
  if (qualityRules.length === 0) {
    for (const rule of spec.rules) {
      const created = await api.request<{ createQualityRule: unknown }>(
        'mutation ($id: ID!, $rule: JSONObject!) { createQualityRule(projectId: $id, rule: $rule) { id name } }',
        { id: project.id, rule },
      );
      rules.push(created.createQualityRule);
    }
  }
  printJson({ ...project, rules });
}

async function listProjects(api: QuorumApi, argv: readonly string[]): Promise<void> {
  const parsed = parseCommand(argv, { status: { type: 'string' } }, PROJECTS_USAGE);
  if (parsed.help) return;
  const status = parsed.values.status?.toUpperCase();
  const projects = paginate(async after => {
    const data = await api.request<{
      projects: Page<{ id: string; status: string; name: string }>;
    }>(
      `query ($after: String, $status: ProjectStatus) {
        projects(first: 100, after: $after, status: $status) {
          nodes { id status name } pageInfo { hasNextPage endCursor } } }`,
      { after, status },
    );
    return data.projects;
  });
  for await (const project of projects) {
    process.stdout.write(`${project.id}\t${project.status}\t${project.name}\n`);
  }
}

async function projectById(
  api: QuorumApi,
  argv: readonly string[],
  operation: 'project' | (typeof TRANSITIONS)[string],
): Promise<void> {
  const parsed = parseCommand(argv, {}, PROJECTS_USAGE);
  if (parsed.help) return;
  const id = required(parsed.positionals[0], 'the project id');
  const kind = operation === 'project' ? 'query' : 'mutation';
  const data = await api.request<Record<string, unknown>>(
    `${kind} ($id: ID!) { ${operation}(id: $id) { ${PROJECT_FIELDS} } }`,
    { id },
  );
  printJson(data[operation]);
}

/** Runs `quorum projects <action>`; `api()` is called only once the action needs the server. */
export const runProjectsCommand = withAction(PROJECTS_USAGE, async (action, rest, api) => {
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(PROJECTS_USAGE);
    return;
  }
  if (action === 'create') return createProject(api(), rest);
  if (action === 'list') return listProjects(api(), rest);
  if (action === 'show') return projectById(api(), rest, 'project');
  if (TRANSITIONS[action]) return projectById(api(), rest, TRANSITIONS[action]);
  throw unknownAction('projects', action, PROJECTS_USAGE);
});
