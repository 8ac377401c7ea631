import { graphql } from '../../gql';
import type { LeasedAssignmentFragment } from '../../gql/graphql';

/** What the task screen shows of a lease: only worker-visible fields (never gold). */
export const LeasedAssignment = graphql(`
  fragment LeasedAssignment on WorkerAssignment {
    id
    expiresAt
    leasedAt
    rewardAmount
    currency
    task {
      id
      projectName
      requesterDisplayName
      instructions
      payload
      labelSchema {
        kind
        labels {
          key
          displayName
        }
        settings
      }
      tokens
      prelabel {
        labelKey
        confidence
      }
    }
  }
`);

/** A lease as the screen holds it. */
export type Lease = LeasedAssignmentFragment;

export const NextAssignment = graphql(`
  mutation NextAssignment($projectId: ID) {
    nextAssignment(projectId: $projectId) {
      ...LeasedAssignment
    }
  }
`);

export const SubmitAssignment = graphql(`
  mutation SubmitAssignment($input: SubmitAssignmentInput!) {
    submitAssignment(input: $input) {
      id
      status
    }
  }
`);

export const ReturnAssignment = graphql(`
  mutation ReturnAssignment($id: ID!, $reason: ReturnReason) {
    returnAssignment(id: $id, reason: $reason) {
      id
      status
    }
  }
`);

export const MyQualification = graphql(`
  query MyQualification($projectId: ID!) {
    myQualification(projectId: $projectId) {
      status
      answered
      required
      retryAfter
    }
  }
`);
