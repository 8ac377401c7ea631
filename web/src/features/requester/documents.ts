import { graphql } from '../../gql';

/** The typed documents of the requester console (one place, so codegen sees them all). */

/**
 * A label schema as the console shows it. Only in the console's shallow queries: the API's
 * depth limit counts a fragment spread as a level, and the worker's lease is already deep.
 */
export const LabelSchemaFields = graphql(`
  fragment LabelSchemaFields on LabelSchema {
    kind
    labels {
      key
      displayName
    }
    settings
  }
`);

export const RequesterProjects = graphql(`
  query RequesterProjects {
    projects(first: 100) {
      nodes {
        id
        name
        status
        currency
        rewardAmount
        createdAt
      }
    }
  }
`);

export const ReviewableProjects = graphql(`
  query ReviewableProjects {
    reviewableProjects {
      projectId
      name
      owner
    }
  }
`);

export const AggregationMethods = graphql(`
  query AggregationMethods {
    aggregationMethods {
      name
      isDefault
    }
  }
`);

export const CreateProjectMutation = graphql(`
  mutation CreateConsoleProject($input: CreateProjectInput!) {
    createProject(input: $input) {
      id
    }
  }
`);

export const ConsoleProject = graphql(`
  query ConsoleProject($id: ID!) {
    project(id: $id) {
      id
      name
      status
      currency
      rewardAmount
      goldRate
      instructions
      aggregationMethod
      qualificationTaskCount
      labelSchema {
        ...LabelSchemaFields
      }
      overlap {
        minOverlap
        maxOverlap
        confidenceTarget
      }
      tasks(first: 1) {
        totalCount
      }
      gold: tasks(first: 1, filter: { isGold: true }) {
        totalCount
      }
      done: tasks(first: 1, filter: { status: COMPLETE }) {
        totalCount
      }
    }
    projectMoneyPreview(projectId: $id) {
      currency
      available
      required
      reservedSoFar
      toReserve
      escrow
      toRelease
    }
    projectMoney(projectId: $id) {
      spent
      reserved
      escrow
      approvedAssignments
    }
  }
`);

export const ProjectDashboard = graphql(`
  query ProjectDashboard($id: ID!) {
    projectQualityAudit(projectId: $id) {
      confidenceCounts
      confidenceEdges
    }
    workerBlocks(projectId: $id, activeOnly: true) {
      id
      workerId
      reason
    }
    projectAssignments(projectId: $id, first: 100, status: SUBMITTED) {
      totalCount
    }
    projectProgress(projectId: $id) {
      answersPerHour
      answersNeeded
      answersNeededAtMost
      etaSeconds
    }
    qualityAuditLog(projectId: $id, limit: 500) {
      workerId
      action
    }
  }
`);

export const AuditReport = graphql(`
  query ConsoleAuditReport($id: ID!) {
    auditReport(projectId: $id)
  }
`);

/** Every lifecycle move in one document: set exactly one of the flags (the others default off). */
export const MoveProject = graphql(`
  mutation MoveProject(
    $id: ID!
    $launch: Boolean! = false
    $pause: Boolean! = false
    $resume: Boolean! = false
    $complete: Boolean! = false
    $archive: Boolean! = false
  ) {
    launchProject(id: $id) @include(if: $launch) {
      status
    }
    pauseProject(id: $id) @include(if: $pause) {
      status
    }
    resumeProject(id: $id) @include(if: $resume) {
      status
    }
    completeProject(id: $id) @include(if: $complete) {
      status
    }
    archiveProject(id: $id) @include(if: $archive) {
      status
    }
  }
`);

export const ImportTasks = graphql(`
  mutation ConsoleImportTasks($input: ImportTasksInput!) {
    importTasks(input: $input) {
      created
      skipped
    }
  }
`);

export const DryRunRule = graphql(`
  query DryRunRule($projectId: ID!, $rule: JSONObject!) {
    dryRunQualityRule(projectId: $projectId, rule: $rule) {
      answers
      answersPrevented
      workersTouched
    }
  }
`);

export const CreateRule = graphql(`
  mutation CreateConsoleRule($projectId: ID!, $rule: JSONObject!) {
    createQualityRule(projectId: $projectId, rule: $rule) {
      id
      name
    }
  }
`);

export const ProjectResults = graphql(`
  query ProjectResults($id: ID!, $filter: ResultsFilter, $after: String) {
    project(id: $id) {
      id
      results(first: 50, filter: $filter, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          taskId
          externalId
          label
          labels
          confidence
          answerCount
          isGold
          reviewed
        }
      }
    }
  }
`);

export const RunAggregation = graphql(`
  mutation ConsoleRunAggregation($projectId: ID!) {
    runAggregation(projectId: $projectId) {
      id
      status
    }
  }
`);

export const ExportResults = graphql(`
  query ConsoleExportResults($projectId: ID!, $format: ResultsExportFormat!) {
    exportResults(projectId: $projectId, format: $format) {
      content
      contentType
      taskCount
    }
  }
`);

export const ReviewQueueQuery = graphql(`
  query ConsoleReviewQueue($projectId: ID!, $confidenceBelow: Float!) {
    reviewQueue(projectId: $projectId, confidenceBelow: $confidenceBelow, first: 50) {
      totalCount
      items {
        taskId
        externalId
        reasons
        consensusLabels
        confidence
        modelLabel
        answerCount
      }
    }
  }
`);

export const ReviewTaskQuery = graphql(`
  query ConsoleReviewTask($taskId: ID!) {
    reviewTask(taskId: $taskId) {
      taskId
      projectId
      projectName
      externalId
      payload
      labelSchema {
        ...LabelSchemaFields
      }
      consensusLabels
      confidence
      posterior {
        key
        probability
      }
      prelabel {
        label
        confidence
      }
      answers {
        worker
        workerId
        labels
        submittedAt
        excluded
        status
      }
      decision {
        labels
        decidedBy
        decidedAt
        goldTaskId
      }
    }
  }
`);

export const DecideReview = graphql(`
  mutation DecideReview($input: DecideReviewInput!) {
    decideReview(input: $input) {
      taskId
      labels
      decidedBy
      decidedAt
    }
  }
`);

export const Reviewers = graphql(`
  query ConsoleReviewers($projectId: ID!) {
    projectReviewers(projectId: $projectId) {
      userId
      email
      displayName
    }
  }
`);

export const GrantReviewer = graphql(`
  mutation ConsoleGrantReviewer($projectId: ID!, $email: String!) {
    grantReviewer(projectId: $projectId, email: $email) {
      userId
    }
  }
`);

export const ConsoleMoney = graphql(`
  query ConsoleMoney {
    cardPaymentsAvailable
    myBalances {
      currency
      available
      inEscrow
      spent
    }
    myFundings(first: 20) {
      id
      amount
      currency
      method
      status
      createdAt
    }
    projects(first: 100) {
      nodes {
        id
        name
        status
      }
    }
  }
`);

export const ConsoleProjectMoney = graphql(`
  query ConsoleProjectMoney($projectId: ID!) {
    projectMoney(projectId: $projectId) {
      currency
      escrow
      reserved
      spent
      bonuses
      released
    }
  }
`);

export const CreateFunding = graphql(`
  mutation ConsoleCreateFunding($input: CreateFundingInput!) {
    createFunding(input: $input) {
      checkoutUrl
    }
  }
`);

export const AwardBonus = graphql(`
  mutation ConsoleAwardBonus($input: AwardBonusInput!) {
    awardBonus(input: $input) {
      amount
      fee
    }
  }
`);

export const ApiKeys = graphql(`
  query ConsoleApiKeys {
    apiKeys {
      id
      name
      prefix
      scopes
      createdAt
      lastUsedAt
      revokedAt
    }
  }
`);

export const CreateApiKey = graphql(`
  mutation ConsoleCreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      apiKey {
        id
      }
    }
  }
`);

export const RevokeApiKey = graphql(`
  mutation ConsoleRevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      id
      revokedAt
    }
  }
`);

export const ModelVersions = graphql(`
  query ConsoleModels($projectId: ID!) {
    modelVersions(projectId: $projectId) {
      id
      version
      source
      sizeBytes
      labelKeys
      metrics
      createdAt
    }
  }
`);

export const RegisterModel = graphql(`
  mutation ConsoleRegisterModel($input: RegisterModelInput!) {
    registerModel(input: $input) {
      id
    }
  }
`);

export const TrainModel = graphql(`
  mutation ConsoleTrainModel($input: TrainModelInput!) {
    trainModel(input: $input) {
      id
    }
  }
`);

export const StartPrelabeling = graphql(`
  mutation ConsoleStartPrelabeling($input: StartPrelabelingInput!) {
    startPrelabeling(input: $input) {
      id
    }
  }
`);

export const PrelabelRunQuery = graphql(`
  query ConsolePrelabelRun($id: ID!) {
    prelabelRun(id: $id) {
      id
      status
      processed
      total
      predicted
      skipped
      error
    }
  }
`);
