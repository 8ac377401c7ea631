import { graphql } from '../gql';

/**
 * GraphQL fragments both sides of the app select (the worker's task screen and the requester
 * console), so a field added to a label schema is added once.
 */
export const LabelSchemaFields = graphql(`
  fragment LabelSchemaFields on LabelSchema {
    kind
    labels {
      key
      displayName
    }
  }
`);
