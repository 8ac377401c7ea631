import { graphql } from '../../gql';

/** New work in projects open to the worker (the catalogue refreshes on it). */
export const NewWork = graphql(`
  subscription NewWork {
    newWork {
      projectId
      at
    }
  }
`);

/** The server's warnings about the worker's own leases (the task screen's countdown is the fallback). */
export const LeaseWarnings = graphql(`
  subscription LeaseWarnings {
    leaseWarnings {
      assignmentId
      expired
      secondsLeft
    }
  }
`);
