import { graphql } from '../../gql';

/** The structured kinds' documents of the console (kept apart from documents.ts for merges). */

/** A task's structured consensus (the last aggregation's answer) and its gold, to draw them. */
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
