/**
 * GraphQL documents that several e2e specs send word for word, kept once. A spec that asserts on
 * more of the answer writes its own document with those fields.
 */

/** Creates a project and selects only its id. */
export const CREATE_PROJECT_ID = /* GraphQL */ `
  mutation ($input: CreateProjectInput!) {
    createProject(input: $input) {
      id
    }
  }
`;

/** Imports tasks and selects only how many were created. */
export const IMPORT_TASKS = /* GraphQL */ `
  mutation ($input: ImportTasksInput!) {
    importTasks(input: $input) {
      created
    }
  }
`;
