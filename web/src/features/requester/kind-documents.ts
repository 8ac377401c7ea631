import { graphql } from '../../gql';

/** The structured kinds' documents of the console (kept apart from documents.ts for merges). */

/**
 * A task's gold answer beside its last consensus: the owner's results page draws the gold next to
 * the review's layers (`task` is owner-only, `reviewTask` has no gold).
 */
export const TaskConsensusQuery = graphql(`
  query ConsoleTaskConsensus($id: ID!) {
    task(id: $id) {
      id
      externalId
      payload
      isGold
      goldAnswer
      countedAnswers
      consensus {
        answer
        confidence
      }
    }
  }
`);

/** A structured task under review: every worker's answer, the tokens, consensus and decision. */
export const StructuredReviewTaskQuery = graphql(`
  query ConsoleStructuredReviewTask($taskId: ID!) {
    reviewTask(taskId: $taskId) {
      taskId
      externalId
      payload
      tokens
      labelSchema {
        ...LabelSchemaFields
      }
      confidence
      consensusValue
      answers {
        worker
        value
        submittedAt
        excluded
      }
      decision {
        value
        decidedBy
        decidedAt
      }
    }
  }
`);
