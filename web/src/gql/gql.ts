/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ConsoleAccess {\n    reviewableProjects {\n      projectId\n    }\n  }\n": typeof types.ConsoleAccessDocument,
    "\n  query AdminAuditLog {\n    qualityAuditLog(limit: 200) {\n      id\n      action\n      actorKind\n      occurredAt\n      projectId\n      workerId\n      reason\n    }\n  }\n": typeof types.AdminAuditLogDocument,
    "\n  query AdminMoney {\n    trialBalance {\n      balanced\n      cachedBalancesMatchEntries\n      currencies {\n        currency\n        total\n        lines {\n          kind\n          accounts\n          balance\n        }\n      }\n    }\n    payouts(first: 100) {\n      totalCount\n      nodes {\n        id\n        workerId\n        amount\n        currency\n        status\n        attempts\n        createdAt\n        paidAt\n        failureReason\n      }\n    }\n  }\n": typeof types.AdminMoneyDocument,
    "\n  query AdminReconciliation {\n    paymentsReconciliation {\n      ok\n      provider\n      checkedAt\n      balanceMismatches\n      stalePendingPayouts\n      unpaidApprovals\n      differences {\n        kind\n        movement\n        reference\n        currency\n        ledgerAmount\n        providerAmount\n      }\n    }\n  }\n": typeof types.AdminReconciliationDocument,
    "\n  query AdminUsers($search: String) {\n    adminUsers(search: $search, first: 50) {\n      id\n      email\n      displayName\n      roles\n      createdAt\n      activeBlocks\n    }\n  }\n": typeof types.AdminUsersDocument,
    "\n  query AdminUserBlocks($workerId: ID!) {\n    workerBlocks(workerId: $workerId, activeOnly: true) {\n      id\n      reason\n      projectId\n      startsAt\n      endsAt\n    }\n  }\n": typeof types.AdminUserBlocksDocument,
    "\n  mutation AdminBlockWorker($input: BlockWorkerInput!) {\n    blockWorker(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminBlockWorkerDocument,
    "\n  mutation AdminUnblockWorker($blockId: ID!) {\n    unblockWorker(blockId: $blockId) {\n      id\n    }\n  }\n": typeof types.AdminUnblockWorkerDocument,
    "\n  fragment LabelSchemaFields on LabelSchema {\n    kind\n    labels {\n      key\n      displayName\n    }\n    settings\n  }\n": typeof types.LabelSchemaFieldsFragmentDoc,
    "\n  query RequesterProjects {\n    projects(first: 100) {\n      nodes {\n        id\n        name\n        status\n        currency\n        rewardAmount\n        createdAt\n      }\n    }\n  }\n": typeof types.RequesterProjectsDocument,
    "\n  query ReviewableProjects {\n    reviewableProjects {\n      projectId\n      name\n      owner\n    }\n  }\n": typeof types.ReviewableProjectsDocument,
    "\n  query AggregationMethods {\n    aggregationMethods {\n      name\n      isDefault\n    }\n  }\n": typeof types.AggregationMethodsDocument,
    "\n  mutation CreateConsoleProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateConsoleProjectDocument,
    "\n  query ConsoleProject($id: ID!) {\n    project(id: $id) {\n      id\n      name\n      status\n      currency\n      rewardAmount\n      goldRate\n      instructions\n      aggregationMethod\n      qualificationTaskCount\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      overlap {\n        minOverlap\n        maxOverlap\n        confidenceTarget\n      }\n      tasks(first: 1) {\n        totalCount\n      }\n      gold: tasks(first: 1, filter: { isGold: true }) {\n        totalCount\n      }\n      done: tasks(first: 1, filter: { status: COMPLETE }) {\n        totalCount\n      }\n    }\n    projectMoneyPreview(projectId: $id) {\n      currency\n      available\n      required\n      reservedSoFar\n      toReserve\n      escrow\n      toRelease\n    }\n    projectMoney(projectId: $id) {\n      spent\n      reserved\n      escrow\n      approvedAssignments\n    }\n  }\n": typeof types.ConsoleProjectDocument,
    "\n  query ProjectDashboard($id: ID!) {\n    projectQualityAudit(projectId: $id) {\n      confidenceCounts\n      confidenceEdges\n    }\n    workerBlocks(projectId: $id, activeOnly: true) {\n      id\n      workerId\n      reason\n    }\n    projectAssignments(projectId: $id, first: 100, status: SUBMITTED) {\n      totalCount\n    }\n    projectProgress(projectId: $id) {\n      answersPerHour\n      answersNeeded\n      answersNeededAtMost\n      etaSeconds\n    }\n    qualityAuditLog(projectId: $id, limit: 500) {\n      workerId\n      action\n    }\n  }\n": typeof types.ProjectDashboardDocument,
    "\n  query ConsoleAuditReport($id: ID!) {\n    auditReport(projectId: $id)\n  }\n": typeof types.ConsoleAuditReportDocument,
    "\n  mutation MoveProject(\n    $id: ID!\n    $launch: Boolean! = false\n    $pause: Boolean! = false\n    $resume: Boolean! = false\n    $complete: Boolean! = false\n    $archive: Boolean! = false\n  ) {\n    launchProject(id: $id) @include(if: $launch) {\n      status\n    }\n    pauseProject(id: $id) @include(if: $pause) {\n      status\n    }\n    resumeProject(id: $id) @include(if: $resume) {\n      status\n    }\n    completeProject(id: $id) @include(if: $complete) {\n      status\n    }\n    archiveProject(id: $id) @include(if: $archive) {\n      status\n    }\n  }\n": typeof types.MoveProjectDocument,
    "\n  mutation ConsoleImportTasks($input: ImportTasksInput!) {\n    importTasks(input: $input) {\n      created\n      skipped\n    }\n  }\n": typeof types.ConsoleImportTasksDocument,
    "\n  query DryRunRule($projectId: ID!, $rule: JSONObject!) {\n    dryRunQualityRule(projectId: $projectId, rule: $rule) {\n      answers\n      answersPrevented\n      workersTouched\n    }\n  }\n": typeof types.DryRunRuleDocument,
    "\n  mutation CreateConsoleRule($projectId: ID!, $rule: JSONObject!) {\n    createQualityRule(projectId: $projectId, rule: $rule) {\n      id\n      name\n    }\n  }\n": typeof types.CreateConsoleRuleDocument,
    "\n  query ProjectResults($id: ID!, $filter: ResultsFilter, $after: String) {\n    project(id: $id) {\n      id\n      results(first: 50, filter: $filter, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          taskId\n          externalId\n          label\n          labels\n          confidence\n          answerCount\n          isGold\n          reviewed\n        }\n      }\n    }\n  }\n": typeof types.ProjectResultsDocument,
    "\n  mutation ConsoleRunAggregation($projectId: ID!) {\n    runAggregation(projectId: $projectId) {\n      id\n      status\n    }\n  }\n": typeof types.ConsoleRunAggregationDocument,
    "\n  query ConsoleExportResults($projectId: ID!, $format: ResultsExportFormat!) {\n    exportResults(projectId: $projectId, format: $format) {\n      content\n      contentType\n      taskCount\n    }\n  }\n": typeof types.ConsoleExportResultsDocument,
    "\n  query ConsoleReviewQueue($projectId: ID!, $confidenceBelow: Float!) {\n    reviewQueue(projectId: $projectId, confidenceBelow: $confidenceBelow, first: 50) {\n      totalCount\n      items {\n        taskId\n        externalId\n        reasons\n        consensusLabels\n        confidence\n        modelLabel\n        answerCount\n      }\n    }\n  }\n": typeof types.ConsoleReviewQueueDocument,
    "\n  query ConsoleReviewTask($taskId: ID!) {\n    reviewTask(taskId: $taskId) {\n      taskId\n      projectId\n      projectName\n      externalId\n      payload\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      consensusLabels\n      confidence\n      posterior {\n        key\n        probability\n      }\n      prelabel {\n        label\n        confidence\n      }\n      answers {\n        worker\n        workerId\n        labels\n        submittedAt\n        excluded\n        status\n      }\n      decision {\n        labels\n        decidedBy\n        decidedAt\n        goldTaskId\n      }\n    }\n  }\n": typeof types.ConsoleReviewTaskDocument,
    "\n  mutation DecideReview($input: DecideReviewInput!) {\n    decideReview(input: $input) {\n      taskId\n      labels\n      decidedBy\n      decidedAt\n    }\n  }\n": typeof types.DecideReviewDocument,
    "\n  query ConsoleReviewers($projectId: ID!) {\n    projectReviewers(projectId: $projectId) {\n      userId\n      email\n      displayName\n    }\n  }\n": typeof types.ConsoleReviewersDocument,
    "\n  mutation ConsoleGrantReviewer($projectId: ID!, $email: String!) {\n    grantReviewer(projectId: $projectId, email: $email) {\n      userId\n    }\n  }\n": typeof types.ConsoleGrantReviewerDocument,
    "\n  query ConsoleMoney {\n    cardPaymentsAvailable\n    myBalances {\n      currency\n      available\n      inEscrow\n      spent\n    }\n    myFundings(first: 20) {\n      id\n      amount\n      currency\n      method\n      status\n      createdAt\n    }\n    projects(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n  }\n": typeof types.ConsoleMoneyDocument,
    "\n  query ConsoleProjectMoney($projectId: ID!) {\n    projectMoney(projectId: $projectId) {\n      currency\n      escrow\n      reserved\n      spent\n      bonuses\n      released\n    }\n  }\n": typeof types.ConsoleProjectMoneyDocument,
    "\n  mutation ConsoleCreateFunding($input: CreateFundingInput!) {\n    createFunding(input: $input) {\n      checkoutUrl\n    }\n  }\n": typeof types.ConsoleCreateFundingDocument,
    "\n  mutation ConsoleAwardBonus($input: AwardBonusInput!) {\n    awardBonus(input: $input) {\n      amount\n      fee\n    }\n  }\n": typeof types.ConsoleAwardBonusDocument,
    "\n  query ConsoleApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n": typeof types.ConsoleApiKeysDocument,
    "\n  mutation ConsoleCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n    }\n  }\n": typeof types.ConsoleCreateApiKeyDocument,
    "\n  mutation ConsoleRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": typeof types.ConsoleRevokeApiKeyDocument,
    "\n  query ConsoleModels($projectId: ID!) {\n    modelVersions(projectId: $projectId) {\n      id\n      version\n      source\n      sizeBytes\n      labelKeys\n      metrics\n      createdAt\n    }\n  }\n": typeof types.ConsoleModelsDocument,
    "\n  mutation ConsoleRegisterModel($input: RegisterModelInput!) {\n    registerModel(input: $input) {\n      id\n    }\n  }\n": typeof types.ConsoleRegisterModelDocument,
    "\n  mutation ConsoleTrainModel($input: TrainModelInput!) {\n    trainModel(input: $input) {\n      id\n    }\n  }\n": typeof types.ConsoleTrainModelDocument,
    "\n  mutation ConsoleStartPrelabeling($input: StartPrelabelingInput!) {\n    startPrelabeling(input: $input) {\n      id\n    }\n  }\n": typeof types.ConsoleStartPrelabelingDocument,
    "\n  query ConsolePrelabelRun($id: ID!) {\n    prelabelRun(id: $id) {\n      id\n      status\n      processed\n      total\n      predicted\n      skipped\n      error\n    }\n  }\n": typeof types.ConsolePrelabelRunDocument,
    "\n  query ConsoleTaskConsensus($id: ID!) {\n    task(id: $id) {\n      id\n      externalId\n      payload\n      isGold\n      goldAnswer\n      countedAnswers\n      consensus {\n        answer\n        confidence\n      }\n    }\n  }\n": typeof types.ConsoleTaskConsensusDocument,
    "\n  query ConsoleStructuredReviewTask($taskId: ID!) {\n    reviewTask(taskId: $taskId) {\n      taskId\n      externalId\n      payload\n      tokens\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      confidence\n      consensusValue\n      answers {\n        worker\n        value\n        submittedAt\n        excluded\n      }\n      decision {\n        value\n        decidedBy\n        decidedAt\n      }\n    }\n  }\n": typeof types.ConsoleStructuredReviewTaskDocument,
    "\n  query MyBlocks {\n    myQuality {\n      blocks {\n        reason\n        byRule\n        projectId\n        startsAt\n        endsAt\n      }\n    }\n  }\n": typeof types.MyBlocksDocument,
    "\n  query WorkerCatalogue {\n    workerCatalogue {\n      projectId\n      name\n      requesterDisplayName\n      rewardAmount\n      currency\n      estimatedSecondsPerTask\n      hourlyRate\n      tasksLeft\n      qualificationRequired\n      qualificationStatus\n    }\n  }\n": typeof types.WorkerCatalogueDocument,
    "\n  query MyWork {\n    myEarnings {\n      currency\n      earned\n      pending\n      paidOut\n    }\n    myQuality {\n      answers\n      medianSeconds\n      goldAccuracy {\n        estimate\n        count\n      }\n      consensusAgreement {\n        estimate\n        count\n      }\n    }\n    myPayoutAccount {\n      id\n      payoutsEnabled\n      detailsSubmitted\n    }\n    myAssignments(first: 50) {\n      totalCount\n      nodes {\n        id\n        status\n        answerLabels\n        rewardAmount\n        currency\n        submittedAt\n        rejectionReason\n        task {\n          projectName\n        }\n      }\n    }\n  }\n": typeof types.MyWorkDocument,
    "\n  mutation ConnectPayoutAccount($input: ConnectPayoutAccountInput!) {\n    connectPayoutAccount(input: $input) {\n      url\n    }\n  }\n": typeof types.ConnectPayoutAccountDocument,
    "\n  fragment SessionPayload on AuthPayload {\n    token\n    user {\n      id\n      displayName\n      roles\n    }\n  }\n": typeof types.SessionPayloadFragmentDoc,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      ...SessionPayload\n    }\n  }\n": typeof types.LogInDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...SessionPayload\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  subscription NewWork {\n    newWork {\n      projectId\n      at\n    }\n  }\n": typeof types.NewWorkDocument,
    "\n  subscription LeaseWarnings {\n    leaseWarnings {\n      assignmentId\n      expired\n      secondsLeft\n    }\n  }\n": typeof types.LeaseWarningsDocument,
    "\n  fragment LeasedAssignment on WorkerAssignment {\n    id\n    expiresAt\n    leasedAt\n    rewardAmount\n    currency\n    task {\n      id\n      projectName\n      requesterDisplayName\n      instructions\n      payload\n      labelSchema {\n        kind\n        labels {\n          key\n          displayName\n        }\n        settings\n      }\n      tokens\n      prelabel {\n        labelKey\n        confidence\n      }\n    }\n  }\n": typeof types.LeasedAssignmentFragmentDoc,
    "\n  mutation NextAssignment($projectId: ID) {\n    nextAssignment(projectId: $projectId) {\n      ...LeasedAssignment\n    }\n  }\n": typeof types.NextAssignmentDocument,
    "\n  mutation SubmitAssignment($input: SubmitAssignmentInput!) {\n    submitAssignment(input: $input) {\n      id\n      status\n    }\n  }\n": typeof types.SubmitAssignmentDocument,
    "\n  mutation ReturnAssignment($id: ID!, $reason: ReturnReason) {\n    returnAssignment(id: $id, reason: $reason) {\n      id\n      status\n    }\n  }\n": typeof types.ReturnAssignmentDocument,
    "\n  query MyQualification($projectId: ID!) {\n    myQualification(projectId: $projectId) {\n      status\n      answered\n      required\n      retryAfter\n    }\n  }\n": typeof types.MyQualificationDocument,
};
const documents: Documents = {
    "\n  query ConsoleAccess {\n    reviewableProjects {\n      projectId\n    }\n  }\n": types.ConsoleAccessDocument,
    "\n  query AdminAuditLog {\n    qualityAuditLog(limit: 200) {\n      id\n      action\n      actorKind\n      occurredAt\n      projectId\n      workerId\n      reason\n    }\n  }\n": types.AdminAuditLogDocument,
    "\n  query AdminMoney {\n    trialBalance {\n      balanced\n      cachedBalancesMatchEntries\n      currencies {\n        currency\n        total\n        lines {\n          kind\n          accounts\n          balance\n        }\n      }\n    }\n    payouts(first: 100) {\n      totalCount\n      nodes {\n        id\n        workerId\n        amount\n        currency\n        status\n        attempts\n        createdAt\n        paidAt\n        failureReason\n      }\n    }\n  }\n": types.AdminMoneyDocument,
    "\n  query AdminReconciliation {\n    paymentsReconciliation {\n      ok\n      provider\n      checkedAt\n      balanceMismatches\n      stalePendingPayouts\n      unpaidApprovals\n      differences {\n        kind\n        movement\n        reference\n        currency\n        ledgerAmount\n        providerAmount\n      }\n    }\n  }\n": types.AdminReconciliationDocument,
    "\n  query AdminUsers($search: String) {\n    adminUsers(search: $search, first: 50) {\n      id\n      email\n      displayName\n      roles\n      createdAt\n      activeBlocks\n    }\n  }\n": types.AdminUsersDocument,
    "\n  query AdminUserBlocks($workerId: ID!) {\n    workerBlocks(workerId: $workerId, activeOnly: true) {\n      id\n      reason\n      projectId\n      startsAt\n      endsAt\n    }\n  }\n": types.AdminUserBlocksDocument,
    "\n  mutation AdminBlockWorker($input: BlockWorkerInput!) {\n    blockWorker(input: $input) {\n      id\n    }\n  }\n": types.AdminBlockWorkerDocument,
    "\n  mutation AdminUnblockWorker($blockId: ID!) {\n    unblockWorker(blockId: $blockId) {\n      id\n    }\n  }\n": types.AdminUnblockWorkerDocument,
    "\n  fragment LabelSchemaFields on LabelSchema {\n    kind\n    labels {\n      key\n      displayName\n    }\n    settings\n  }\n": types.LabelSchemaFieldsFragmentDoc,
    "\n  query RequesterProjects {\n    projects(first: 100) {\n      nodes {\n        id\n        name\n        status\n        currency\n        rewardAmount\n        createdAt\n      }\n    }\n  }\n": types.RequesterProjectsDocument,
    "\n  query ReviewableProjects {\n    reviewableProjects {\n      projectId\n      name\n      owner\n    }\n  }\n": types.ReviewableProjectsDocument,
    "\n  query AggregationMethods {\n    aggregationMethods {\n      name\n      isDefault\n    }\n  }\n": types.AggregationMethodsDocument,
    "\n  mutation CreateConsoleProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      id\n    }\n  }\n": types.CreateConsoleProjectDocument,
    "\n  query ConsoleProject($id: ID!) {\n    project(id: $id) {\n      id\n      name\n      status\n      currency\n      rewardAmount\n      goldRate\n      instructions\n      aggregationMethod\n      qualificationTaskCount\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      overlap {\n        minOverlap\n        maxOverlap\n        confidenceTarget\n      }\n      tasks(first: 1) {\n        totalCount\n      }\n      gold: tasks(first: 1, filter: { isGold: true }) {\n        totalCount\n      }\n      done: tasks(first: 1, filter: { status: COMPLETE }) {\n        totalCount\n      }\n    }\n    projectMoneyPreview(projectId: $id) {\n      currency\n      available\n      required\n      reservedSoFar\n      toReserve\n      escrow\n      toRelease\n    }\n    projectMoney(projectId: $id) {\n      spent\n      reserved\n      escrow\n      approvedAssignments\n    }\n  }\n": types.ConsoleProjectDocument,
    "\n  query ProjectDashboard($id: ID!) {\n    projectQualityAudit(projectId: $id) {\n      confidenceCounts\n      confidenceEdges\n    }\n    workerBlocks(projectId: $id, activeOnly: true) {\n      id\n      workerId\n      reason\n    }\n    projectAssignments(projectId: $id, first: 100, status: SUBMITTED) {\n      totalCount\n    }\n    projectProgress(projectId: $id) {\n      answersPerHour\n      answersNeeded\n      answersNeededAtMost\n      etaSeconds\n    }\n    qualityAuditLog(projectId: $id, limit: 500) {\n      workerId\n      action\n    }\n  }\n": types.ProjectDashboardDocument,
    "\n  query ConsoleAuditReport($id: ID!) {\n    auditReport(projectId: $id)\n  }\n": types.ConsoleAuditReportDocument,
    "\n  mutation MoveProject(\n    $id: ID!\n    $launch: Boolean! = false\n    $pause: Boolean! = false\n    $resume: Boolean! = false\n    $complete: Boolean! = false\n    $archive: Boolean! = false\n  ) {\n    launchProject(id: $id) @include(if: $launch) {\n      status\n    }\n    pauseProject(id: $id) @include(if: $pause) {\n      status\n    }\n    resumeProject(id: $id) @include(if: $resume) {\n      status\n    }\n    completeProject(id: $id) @include(if: $complete) {\n      status\n    }\n    archiveProject(id: $id) @include(if: $archive) {\n      status\n    }\n  }\n": types.MoveProjectDocument,
    "\n  mutation ConsoleImportTasks($input: ImportTasksInput!) {\n    importTasks(input: $input) {\n      created\n      skipped\n    }\n  }\n": types.ConsoleImportTasksDocument,
    "\n  query DryRunRule($projectId: ID!, $rule: JSONObject!) {\n    dryRunQualityRule(projectId: $projectId, rule: $rule) {\n      answers\n      answersPrevented\n      workersTouched\n    }\n  }\n": types.DryRunRuleDocument,
    "\n  mutation CreateConsoleRule($projectId: ID!, $rule: JSONObject!) {\n    createQualityRule(projectId: $projectId, rule: $rule) {\n      id\n      name\n    }\n  }\n": types.CreateConsoleRuleDocument,
    "\n  query ProjectResults($id: ID!, $filter: ResultsFilter, $after: String) {\n    project(id: $id) {\n      id\n      results(first: 50, filter: $filter, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          taskId\n          externalId\n          label\n          labels\n          confidence\n          answerCount\n          isGold\n          reviewed\n        }\n      }\n    }\n  }\n": types.ProjectResultsDocument,
    "\n  mutation ConsoleRunAggregation($projectId: ID!) {\n    runAggregation(projectId: $projectId) {\n      id\n      status\n    }\n  }\n": types.ConsoleRunAggregationDocument,
    "\n  query ConsoleExportResults($projectId: ID!, $format: ResultsExportFormat!) {\n    exportResults(projectId: $projectId, format: $format) {\n      content\n      contentType\n      taskCount\n    }\n  }\n": types.ConsoleExportResultsDocument,
    "\n  query ConsoleReviewQueue($projectId: ID!, $confidenceBelow: Float!) {\n    reviewQueue(projectId: $projectId, confidenceBelow: $confidenceBelow, first: 50) {\n      totalCount\n      items {\n        taskId\n        externalId\n        reasons\n        consensusLabels\n        confidence\n        modelLabel\n        answerCount\n      }\n    }\n  }\n": types.ConsoleReviewQueueDocument,
    "\n  query ConsoleReviewTask($taskId: ID!) {\n    reviewTask(taskId: $taskId) {\n      taskId\n      projectId\n      projectName\n      externalId\n      payload\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      consensusLabels\n      confidence\n      posterior {\n        key\n        probability\n      }\n      prelabel {\n        label\n        confidence\n      }\n      answers {\n        worker\n        workerId\n        labels\n        submittedAt\n        excluded\n        status\n      }\n      decision {\n        labels\n        decidedBy\n        decidedAt\n        goldTaskId\n      }\n    }\n  }\n": types.ConsoleReviewTaskDocument,
    "\n  mutation DecideReview($input: DecideReviewInput!) {\n    decideReview(input: $input) {\n      taskId\n      labels\n      decidedBy\n      decidedAt\n    }\n  }\n": types.DecideReviewDocument,
    "\n  query ConsoleReviewers($projectId: ID!) {\n    projectReviewers(projectId: $projectId) {\n      userId\n      email\n      displayName\n    }\n  }\n": types.ConsoleReviewersDocument,
    "\n  mutation ConsoleGrantReviewer($projectId: ID!, $email: String!) {\n    grantReviewer(projectId: $projectId, email: $email) {\n      userId\n    }\n  }\n": types.ConsoleGrantReviewerDocument,
    "\n  query ConsoleMoney {\n    cardPaymentsAvailable\n    myBalances {\n      currency\n      available\n      inEscrow\n      spent\n    }\n    myFundings(first: 20) {\n      id\n      amount\n      currency\n      method\n      status\n      createdAt\n    }\n    projects(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n  }\n": types.ConsoleMoneyDocument,
    "\n  query ConsoleProjectMoney($projectId: ID!) {\n    projectMoney(projectId: $projectId) {\n      currency\n      escrow\n      reserved\n      spent\n      bonuses\n      released\n    }\n  }\n": types.ConsoleProjectMoneyDocument,
    "\n  mutation ConsoleCreateFunding($input: CreateFundingInput!) {\n    createFunding(input: $input) {\n      checkoutUrl\n    }\n  }\n": types.ConsoleCreateFundingDocument,
    "\n  mutation ConsoleAwardBonus($input: AwardBonusInput!) {\n    awardBonus(input: $input) {\n      amount\n      fee\n    }\n  }\n": types.ConsoleAwardBonusDocument,
    "\n  query ConsoleApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n": types.ConsoleApiKeysDocument,
    "\n  mutation ConsoleCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n    }\n  }\n": types.ConsoleCreateApiKeyDocument,
    "\n  mutation ConsoleRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": types.ConsoleRevokeApiKeyDocument,
    "\n  query ConsoleModels($projectId: ID!) {\n    modelVersions(projectId: $projectId) {\n      id\n      version\n      source\n      sizeBytes\n      labelKeys\n      metrics\n      createdAt\n    }\n  }\n": types.ConsoleModelsDocument,
    "\n  mutation ConsoleRegisterModel($input: RegisterModelInput!) {\n    registerModel(input: $input) {\n      id\n    }\n  }\n": types.ConsoleRegisterModelDocument,
    "\n  mutation ConsoleTrainModel($input: TrainModelInput!) {\n    trainModel(input: $input) {\n      id\n    }\n  }\n": types.ConsoleTrainModelDocument,
    "\n  mutation ConsoleStartPrelabeling($input: StartPrelabelingInput!) {\n    startPrelabeling(input: $input) {\n      id\n    }\n  }\n": types.ConsoleStartPrelabelingDocument,
    "\n  query ConsolePrelabelRun($id: ID!) {\n    prelabelRun(id: $id) {\n      id\n      status\n      processed\n      total\n      predicted\n      skipped\n      error\n    }\n  }\n": types.ConsolePrelabelRunDocument,
    "\n  query ConsoleTaskConsensus($id: ID!) {\n    task(id: $id) {\n      id\n      externalId\n      payload\n      isGold\n      goldAnswer\n      countedAnswers\n      consensus {\n        answer\n        confidence\n      }\n    }\n  }\n": types.ConsoleTaskConsensusDocument,
    "\n  query ConsoleStructuredReviewTask($taskId: ID!) {\n    reviewTask(taskId: $taskId) {\n      taskId\n      externalId\n      payload\n      tokens\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      confidence\n      consensusValue\n      answers {\n        worker\n        value\n        submittedAt\n        excluded\n      }\n      decision {\n        value\n        decidedBy\n        decidedAt\n      }\n    }\n  }\n": types.ConsoleStructuredReviewTaskDocument,
    "\n  query MyBlocks {\n    myQuality {\n      blocks {\n        reason\n        byRule\n        projectId\n        startsAt\n        endsAt\n      }\n    }\n  }\n": types.MyBlocksDocument,
    "\n  query WorkerCatalogue {\n    workerCatalogue {\n      projectId\n      name\n      requesterDisplayName\n      rewardAmount\n      currency\n      estimatedSecondsPerTask\n      hourlyRate\n      tasksLeft\n      qualificationRequired\n      qualificationStatus\n    }\n  }\n": types.WorkerCatalogueDocument,
    "\n  query MyWork {\n    myEarnings {\n      currency\n      earned\n      pending\n      paidOut\n    }\n    myQuality {\n      answers\n      medianSeconds\n      goldAccuracy {\n        estimate\n        count\n      }\n      consensusAgreement {\n        estimate\n        count\n      }\n    }\n    myPayoutAccount {\n      id\n      payoutsEnabled\n      detailsSubmitted\n    }\n    myAssignments(first: 50) {\n      totalCount\n      nodes {\n        id\n        status\n        answerLabels\n        rewardAmount\n        currency\n        submittedAt\n        rejectionReason\n        task {\n          projectName\n        }\n      }\n    }\n  }\n": types.MyWorkDocument,
    "\n  mutation ConnectPayoutAccount($input: ConnectPayoutAccountInput!) {\n    connectPayoutAccount(input: $input) {\n      url\n    }\n  }\n": types.ConnectPayoutAccountDocument,
    "\n  fragment SessionPayload on AuthPayload {\n    token\n    user {\n      id\n      displayName\n      roles\n    }\n  }\n": types.SessionPayloadFragmentDoc,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      ...SessionPayload\n    }\n  }\n": types.LogInDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...SessionPayload\n    }\n  }\n": types.SignUpDocument,
    "\n  subscription NewWork {\n    newWork {\n      projectId\n      at\n    }\n  }\n": types.NewWorkDocument,
    "\n  subscription LeaseWarnings {\n    leaseWarnings {\n      assignmentId\n      expired\n      secondsLeft\n    }\n  }\n": types.LeaseWarningsDocument,
    "\n  fragment LeasedAssignment on WorkerAssignment {\n    id\n    expiresAt\n    leasedAt\n    rewardAmount\n    currency\n    task {\n      id\n      projectName\n      requesterDisplayName\n      instructions\n      payload\n      labelSchema {\n        kind\n        labels {\n          key\n          displayName\n        }\n        settings\n      }\n      tokens\n      prelabel {\n        labelKey\n        confidence\n      }\n    }\n  }\n": types.LeasedAssignmentFragmentDoc,
    "\n  mutation NextAssignment($projectId: ID) {\n    nextAssignment(projectId: $projectId) {\n      ...LeasedAssignment\n    }\n  }\n": types.NextAssignmentDocument,
    "\n  mutation SubmitAssignment($input: SubmitAssignmentInput!) {\n    submitAssignment(input: $input) {\n      id\n      status\n    }\n  }\n": types.SubmitAssignmentDocument,
    "\n  mutation ReturnAssignment($id: ID!, $reason: ReturnReason) {\n    returnAssignment(id: $id, reason: $reason) {\n      id\n      status\n    }\n  }\n": types.ReturnAssignmentDocument,
    "\n  query MyQualification($projectId: ID!) {\n    myQualification(projectId: $projectId) {\n      status\n      answered\n      required\n      retryAfter\n    }\n  }\n": types.MyQualificationDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleAccess {\n    reviewableProjects {\n      projectId\n    }\n  }\n"): (typeof documents)["\n  query ConsoleAccess {\n    reviewableProjects {\n      projectId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminAuditLog {\n    qualityAuditLog(limit: 200) {\n      id\n      action\n      actorKind\n      occurredAt\n      projectId\n      workerId\n      reason\n    }\n  }\n"): (typeof documents)["\n  query AdminAuditLog {\n    qualityAuditLog(limit: 200) {\n      id\n      action\n      actorKind\n      occurredAt\n      projectId\n      workerId\n      reason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminMoney {\n    trialBalance {\n      balanced\n      cachedBalancesMatchEntries\n      currencies {\n        currency\n        total\n        lines {\n          kind\n          accounts\n          balance\n        }\n      }\n    }\n    payouts(first: 100) {\n      totalCount\n      nodes {\n        id\n        workerId\n        amount\n        currency\n        status\n        attempts\n        createdAt\n        paidAt\n        failureReason\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminMoney {\n    trialBalance {\n      balanced\n      cachedBalancesMatchEntries\n      currencies {\n        currency\n        total\n        lines {\n          kind\n          accounts\n          balance\n        }\n      }\n    }\n    payouts(first: 100) {\n      totalCount\n      nodes {\n        id\n        workerId\n        amount\n        currency\n        status\n        attempts\n        createdAt\n        paidAt\n        failureReason\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminReconciliation {\n    paymentsReconciliation {\n      ok\n      provider\n      checkedAt\n      balanceMismatches\n      stalePendingPayouts\n      unpaidApprovals\n      differences {\n        kind\n        movement\n        reference\n        currency\n        ledgerAmount\n        providerAmount\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminReconciliation {\n    paymentsReconciliation {\n      ok\n      provider\n      checkedAt\n      balanceMismatches\n      stalePendingPayouts\n      unpaidApprovals\n      differences {\n        kind\n        movement\n        reference\n        currency\n        ledgerAmount\n        providerAmount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUsers($search: String) {\n    adminUsers(search: $search, first: 50) {\n      id\n      email\n      displayName\n      roles\n      createdAt\n      activeBlocks\n    }\n  }\n"): (typeof documents)["\n  query AdminUsers($search: String) {\n    adminUsers(search: $search, first: 50) {\n      id\n      email\n      displayName\n      roles\n      createdAt\n      activeBlocks\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUserBlocks($workerId: ID!) {\n    workerBlocks(workerId: $workerId, activeOnly: true) {\n      id\n      reason\n      projectId\n      startsAt\n      endsAt\n    }\n  }\n"): (typeof documents)["\n  query AdminUserBlocks($workerId: ID!) {\n    workerBlocks(workerId: $workerId, activeOnly: true) {\n      id\n      reason\n      projectId\n      startsAt\n      endsAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminBlockWorker($input: BlockWorkerInput!) {\n    blockWorker(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation AdminBlockWorker($input: BlockWorkerInput!) {\n    blockWorker(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUnblockWorker($blockId: ID!) {\n    unblockWorker(blockId: $blockId) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation AdminUnblockWorker($blockId: ID!) {\n    unblockWorker(blockId: $blockId) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LabelSchemaFields on LabelSchema {\n    kind\n    labels {\n      key\n      displayName\n    }\n    settings\n  }\n"): (typeof documents)["\n  fragment LabelSchemaFields on LabelSchema {\n    kind\n    labels {\n      key\n      displayName\n    }\n    settings\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RequesterProjects {\n    projects(first: 100) {\n      nodes {\n        id\n        name\n        status\n        currency\n        rewardAmount\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query RequesterProjects {\n    projects(first: 100) {\n      nodes {\n        id\n        name\n        status\n        currency\n        rewardAmount\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewableProjects {\n    reviewableProjects {\n      projectId\n      name\n      owner\n    }\n  }\n"): (typeof documents)["\n  query ReviewableProjects {\n    reviewableProjects {\n      projectId\n      name\n      owner\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AggregationMethods {\n    aggregationMethods {\n      name\n      isDefault\n    }\n  }\n"): (typeof documents)["\n  query AggregationMethods {\n    aggregationMethods {\n      name\n      isDefault\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateConsoleProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateConsoleProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleProject($id: ID!) {\n    project(id: $id) {\n      id\n      name\n      status\n      currency\n      rewardAmount\n      goldRate\n      instructions\n      aggregationMethod\n      qualificationTaskCount\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      overlap {\n        minOverlap\n        maxOverlap\n        confidenceTarget\n      }\n      tasks(first: 1) {\n        totalCount\n      }\n      gold: tasks(first: 1, filter: { isGold: true }) {\n        totalCount\n      }\n      done: tasks(first: 1, filter: { status: COMPLETE }) {\n        totalCount\n      }\n    }\n    projectMoneyPreview(projectId: $id) {\n      currency\n      available\n      required\n      reservedSoFar\n      toReserve\n      escrow\n      toRelease\n    }\n    projectMoney(projectId: $id) {\n      spent\n      reserved\n      escrow\n      approvedAssignments\n    }\n  }\n"): (typeof documents)["\n  query ConsoleProject($id: ID!) {\n    project(id: $id) {\n      id\n      name\n      status\n      currency\n      rewardAmount\n      goldRate\n      instructions\n      aggregationMethod\n      qualificationTaskCount\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      overlap {\n        minOverlap\n        maxOverlap\n        confidenceTarget\n      }\n      tasks(first: 1) {\n        totalCount\n      }\n      gold: tasks(first: 1, filter: { isGold: true }) {\n        totalCount\n      }\n      done: tasks(first: 1, filter: { status: COMPLETE }) {\n        totalCount\n      }\n    }\n    projectMoneyPreview(projectId: $id) {\n      currency\n      available\n      required\n      reservedSoFar\n      toReserve\n      escrow\n      toRelease\n    }\n    projectMoney(projectId: $id) {\n      spent\n      reserved\n      escrow\n      approvedAssignments\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProjectDashboard($id: ID!) {\n    projectQualityAudit(projectId: $id) {\n      confidenceCounts\n      confidenceEdges\n    }\n    workerBlocks(projectId: $id, activeOnly: true) {\n      id\n      workerId\n      reason\n    }\n    projectAssignments(projectId: $id, first: 100, status: SUBMITTED) {\n      totalCount\n    }\n    projectProgress(projectId: $id) {\n      answersPerHour\n      answersNeeded\n      answersNeededAtMost\n      etaSeconds\n    }\n    qualityAuditLog(projectId: $id, limit: 500) {\n      workerId\n      action\n    }\n  }\n"): (typeof documents)["\n  query ProjectDashboard($id: ID!) {\n    projectQualityAudit(projectId: $id) {\n      confidenceCounts\n      confidenceEdges\n    }\n    workerBlocks(projectId: $id, activeOnly: true) {\n      id\n      workerId\n      reason\n    }\n    projectAssignments(projectId: $id, first: 100, status: SUBMITTED) {\n      totalCount\n    }\n    projectProgress(projectId: $id) {\n      answersPerHour\n      answersNeeded\n      answersNeededAtMost\n      etaSeconds\n    }\n    qualityAuditLog(projectId: $id, limit: 500) {\n      workerId\n      action\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleAuditReport($id: ID!) {\n    auditReport(projectId: $id)\n  }\n"): (typeof documents)["\n  query ConsoleAuditReport($id: ID!) {\n    auditReport(projectId: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MoveProject(\n    $id: ID!\n    $launch: Boolean! = false\n    $pause: Boolean! = false\n    $resume: Boolean! = false\n    $complete: Boolean! = false\n    $archive: Boolean! = false\n  ) {\n    launchProject(id: $id) @include(if: $launch) {\n      status\n    }\n    pauseProject(id: $id) @include(if: $pause) {\n      status\n    }\n    resumeProject(id: $id) @include(if: $resume) {\n      status\n    }\n    completeProject(id: $id) @include(if: $complete) {\n      status\n    }\n    archiveProject(id: $id) @include(if: $archive) {\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation MoveProject(\n    $id: ID!\n    $launch: Boolean! = false\n    $pause: Boolean! = false\n    $resume: Boolean! = false\n    $complete: Boolean! = false\n    $archive: Boolean! = false\n  ) {\n    launchProject(id: $id) @include(if: $launch) {\n      status\n    }\n    pauseProject(id: $id) @include(if: $pause) {\n      status\n    }\n    resumeProject(id: $id) @include(if: $resume) {\n      status\n    }\n    completeProject(id: $id) @include(if: $complete) {\n      status\n    }\n    archiveProject(id: $id) @include(if: $archive) {\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleImportTasks($input: ImportTasksInput!) {\n    importTasks(input: $input) {\n      created\n      skipped\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleImportTasks($input: ImportTasksInput!) {\n    importTasks(input: $input) {\n      created\n      skipped\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DryRunRule($projectId: ID!, $rule: JSONObject!) {\n    dryRunQualityRule(projectId: $projectId, rule: $rule) {\n      answers\n      answersPrevented\n      workersTouched\n    }\n  }\n"): (typeof documents)["\n  query DryRunRule($projectId: ID!, $rule: JSONObject!) {\n    dryRunQualityRule(projectId: $projectId, rule: $rule) {\n      answers\n      answersPrevented\n      workersTouched\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateConsoleRule($projectId: ID!, $rule: JSONObject!) {\n    createQualityRule(projectId: $projectId, rule: $rule) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateConsoleRule($projectId: ID!, $rule: JSONObject!) {\n    createQualityRule(projectId: $projectId, rule: $rule) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProjectResults($id: ID!, $filter: ResultsFilter, $after: String) {\n    project(id: $id) {\n      id\n      results(first: 50, filter: $filter, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          taskId\n          externalId\n          label\n          labels\n          confidence\n          answerCount\n          isGold\n          reviewed\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProjectResults($id: ID!, $filter: ResultsFilter, $after: String) {\n    project(id: $id) {\n      id\n      results(first: 50, filter: $filter, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          taskId\n          externalId\n          label\n          labels\n          confidence\n          answerCount\n          isGold\n          reviewed\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRunAggregation($projectId: ID!) {\n    runAggregation(projectId: $projectId) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRunAggregation($projectId: ID!) {\n    runAggregation(projectId: $projectId) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleExportResults($projectId: ID!, $format: ResultsExportFormat!) {\n    exportResults(projectId: $projectId, format: $format) {\n      content\n      contentType\n      taskCount\n    }\n  }\n"): (typeof documents)["\n  query ConsoleExportResults($projectId: ID!, $format: ResultsExportFormat!) {\n    exportResults(projectId: $projectId, format: $format) {\n      content\n      contentType\n      taskCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleReviewQueue($projectId: ID!, $confidenceBelow: Float!) {\n    reviewQueue(projectId: $projectId, confidenceBelow: $confidenceBelow, first: 50) {\n      totalCount\n      items {\n        taskId\n        externalId\n        reasons\n        consensusLabels\n        confidence\n        modelLabel\n        answerCount\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleReviewQueue($projectId: ID!, $confidenceBelow: Float!) {\n    reviewQueue(projectId: $projectId, confidenceBelow: $confidenceBelow, first: 50) {\n      totalCount\n      items {\n        taskId\n        externalId\n        reasons\n        consensusLabels\n        confidence\n        modelLabel\n        answerCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleReviewTask($taskId: ID!) {\n    reviewTask(taskId: $taskId) {\n      taskId\n      projectId\n      projectName\n      externalId\n      payload\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      consensusLabels\n      confidence\n      posterior {\n        key\n        probability\n      }\n      prelabel {\n        label\n        confidence\n      }\n      answers {\n        worker\n        workerId\n        labels\n        submittedAt\n        excluded\n        status\n      }\n      decision {\n        labels\n        decidedBy\n        decidedAt\n        goldTaskId\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleReviewTask($taskId: ID!) {\n    reviewTask(taskId: $taskId) {\n      taskId\n      projectId\n      projectName\n      externalId\n      payload\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      consensusLabels\n      confidence\n      posterior {\n        key\n        probability\n      }\n      prelabel {\n        label\n        confidence\n      }\n      answers {\n        worker\n        workerId\n        labels\n        submittedAt\n        excluded\n        status\n      }\n      decision {\n        labels\n        decidedBy\n        decidedAt\n        goldTaskId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecideReview($input: DecideReviewInput!) {\n    decideReview(input: $input) {\n      taskId\n      labels\n      decidedBy\n      decidedAt\n    }\n  }\n"): (typeof documents)["\n  mutation DecideReview($input: DecideReviewInput!) {\n    decideReview(input: $input) {\n      taskId\n      labels\n      decidedBy\n      decidedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleReviewers($projectId: ID!) {\n    projectReviewers(projectId: $projectId) {\n      userId\n      email\n      displayName\n    }\n  }\n"): (typeof documents)["\n  query ConsoleReviewers($projectId: ID!) {\n    projectReviewers(projectId: $projectId) {\n      userId\n      email\n      displayName\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleGrantReviewer($projectId: ID!, $email: String!) {\n    grantReviewer(projectId: $projectId, email: $email) {\n      userId\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleGrantReviewer($projectId: ID!, $email: String!) {\n    grantReviewer(projectId: $projectId, email: $email) {\n      userId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMoney {\n    cardPaymentsAvailable\n    myBalances {\n      currency\n      available\n      inEscrow\n      spent\n    }\n    myFundings(first: 20) {\n      id\n      amount\n      currency\n      method\n      status\n      createdAt\n    }\n    projects(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleMoney {\n    cardPaymentsAvailable\n    myBalances {\n      currency\n      available\n      inEscrow\n      spent\n    }\n    myFundings(first: 20) {\n      id\n      amount\n      currency\n      method\n      status\n      createdAt\n    }\n    projects(first: 100) {\n      nodes {\n        id\n        name\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleProjectMoney($projectId: ID!) {\n    projectMoney(projectId: $projectId) {\n      currency\n      escrow\n      reserved\n      spent\n      bonuses\n      released\n    }\n  }\n"): (typeof documents)["\n  query ConsoleProjectMoney($projectId: ID!) {\n    projectMoney(projectId: $projectId) {\n      currency\n      escrow\n      reserved\n      spent\n      bonuses\n      released\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateFunding($input: CreateFundingInput!) {\n    createFunding(input: $input) {\n      checkoutUrl\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateFunding($input: CreateFundingInput!) {\n    createFunding(input: $input) {\n      checkoutUrl\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleAwardBonus($input: AwardBonusInput!) {\n    awardBonus(input: $input) {\n      amount\n      fee\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleAwardBonus($input: AwardBonusInput!) {\n    awardBonus(input: $input) {\n      amount\n      fee\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  query ConsoleApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleModels($projectId: ID!) {\n    modelVersions(projectId: $projectId) {\n      id\n      version\n      source\n      sizeBytes\n      labelKeys\n      metrics\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query ConsoleModels($projectId: ID!) {\n    modelVersions(projectId: $projectId) {\n      id\n      version\n      source\n      sizeBytes\n      labelKeys\n      metrics\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRegisterModel($input: RegisterModelInput!) {\n    registerModel(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRegisterModel($input: RegisterModelInput!) {\n    registerModel(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleTrainModel($input: TrainModelInput!) {\n    trainModel(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleTrainModel($input: TrainModelInput!) {\n    trainModel(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleStartPrelabeling($input: StartPrelabelingInput!) {\n    startPrelabeling(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleStartPrelabeling($input: StartPrelabelingInput!) {\n    startPrelabeling(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePrelabelRun($id: ID!) {\n    prelabelRun(id: $id) {\n      id\n      status\n      processed\n      total\n      predicted\n      skipped\n      error\n    }\n  }\n"): (typeof documents)["\n  query ConsolePrelabelRun($id: ID!) {\n    prelabelRun(id: $id) {\n      id\n      status\n      processed\n      total\n      predicted\n      skipped\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleTaskConsensus($id: ID!) {\n    task(id: $id) {\n      id\n      externalId\n      payload\n      isGold\n      goldAnswer\n      countedAnswers\n      consensus {\n        answer\n        confidence\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleTaskConsensus($id: ID!) {\n    task(id: $id) {\n      id\n      externalId\n      payload\n      isGold\n      goldAnswer\n      countedAnswers\n      consensus {\n        answer\n        confidence\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleStructuredReviewTask($taskId: ID!) {\n    reviewTask(taskId: $taskId) {\n      taskId\n      externalId\n      payload\n      tokens\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      confidence\n      consensusValue\n      answers {\n        worker\n        value\n        submittedAt\n        excluded\n      }\n      decision {\n        value\n        decidedBy\n        decidedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleStructuredReviewTask($taskId: ID!) {\n    reviewTask(taskId: $taskId) {\n      taskId\n      externalId\n      payload\n      tokens\n      labelSchema {\n        ...LabelSchemaFields\n      }\n      confidence\n      consensusValue\n      answers {\n        worker\n        value\n        submittedAt\n        excluded\n      }\n      decision {\n        value\n        decidedBy\n        decidedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyBlocks {\n    myQuality {\n      blocks {\n        reason\n        byRule\n        projectId\n        startsAt\n        endsAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyBlocks {\n    myQuality {\n      blocks {\n        reason\n        byRule\n        projectId\n        startsAt\n        endsAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkerCatalogue {\n    workerCatalogue {\n      projectId\n      name\n      requesterDisplayName\n      rewardAmount\n      currency\n      estimatedSecondsPerTask\n      hourlyRate\n      tasksLeft\n      qualificationRequired\n      qualificationStatus\n    }\n  }\n"): (typeof documents)["\n  query WorkerCatalogue {\n    workerCatalogue {\n      projectId\n      name\n      requesterDisplayName\n      rewardAmount\n      currency\n      estimatedSecondsPerTask\n      hourlyRate\n      tasksLeft\n      qualificationRequired\n      qualificationStatus\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyWork {\n    myEarnings {\n      currency\n      earned\n      pending\n      paidOut\n    }\n    myQuality {\n      answers\n      medianSeconds\n      goldAccuracy {\n        estimate\n        count\n      }\n      consensusAgreement {\n        estimate\n        count\n      }\n    }\n    myPayoutAccount {\n      id\n      payoutsEnabled\n      detailsSubmitted\n    }\n    myAssignments(first: 50) {\n      totalCount\n      nodes {\n        id\n        status\n        answerLabels\n        rewardAmount\n        currency\n        submittedAt\n        rejectionReason\n        task {\n          projectName\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyWork {\n    myEarnings {\n      currency\n      earned\n      pending\n      paidOut\n    }\n    myQuality {\n      answers\n      medianSeconds\n      goldAccuracy {\n        estimate\n        count\n      }\n      consensusAgreement {\n        estimate\n        count\n      }\n    }\n    myPayoutAccount {\n      id\n      payoutsEnabled\n      detailsSubmitted\n    }\n    myAssignments(first: 50) {\n      totalCount\n      nodes {\n        id\n        status\n        answerLabels\n        rewardAmount\n        currency\n        submittedAt\n        rejectionReason\n        task {\n          projectName\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConnectPayoutAccount($input: ConnectPayoutAccountInput!) {\n    connectPayoutAccount(input: $input) {\n      url\n    }\n  }\n"): (typeof documents)["\n  mutation ConnectPayoutAccount($input: ConnectPayoutAccountInput!) {\n    connectPayoutAccount(input: $input) {\n      url\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionPayload on AuthPayload {\n    token\n    user {\n      id\n      displayName\n      roles\n    }\n  }\n"): (typeof documents)["\n  fragment SessionPayload on AuthPayload {\n    token\n    user {\n      id\n      displayName\n      roles\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      ...SessionPayload\n    }\n  }\n"): (typeof documents)["\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      ...SessionPayload\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...SessionPayload\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...SessionPayload\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NewWork {\n    newWork {\n      projectId\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription NewWork {\n    newWork {\n      projectId\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LeaseWarnings {\n    leaseWarnings {\n      assignmentId\n      expired\n      secondsLeft\n    }\n  }\n"): (typeof documents)["\n  subscription LeaseWarnings {\n    leaseWarnings {\n      assignmentId\n      expired\n      secondsLeft\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LeasedAssignment on WorkerAssignment {\n    id\n    expiresAt\n    leasedAt\n    rewardAmount\n    currency\n    task {\n      id\n      projectName\n      requesterDisplayName\n      instructions\n      payload\n      labelSchema {\n        kind\n        labels {\n          key\n          displayName\n        }\n        settings\n      }\n      tokens\n      prelabel {\n        labelKey\n        confidence\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment LeasedAssignment on WorkerAssignment {\n    id\n    expiresAt\n    leasedAt\n    rewardAmount\n    currency\n    task {\n      id\n      projectName\n      requesterDisplayName\n      instructions\n      payload\n      labelSchema {\n        kind\n        labels {\n          key\n          displayName\n        }\n        settings\n      }\n      tokens\n      prelabel {\n        labelKey\n        confidence\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NextAssignment($projectId: ID) {\n    nextAssignment(projectId: $projectId) {\n      ...LeasedAssignment\n    }\n  }\n"): (typeof documents)["\n  mutation NextAssignment($projectId: ID) {\n    nextAssignment(projectId: $projectId) {\n      ...LeasedAssignment\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitAssignment($input: SubmitAssignmentInput!) {\n    submitAssignment(input: $input) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation SubmitAssignment($input: SubmitAssignmentInput!) {\n    submitAssignment(input: $input) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReturnAssignment($id: ID!, $reason: ReturnReason) {\n    returnAssignment(id: $id, reason: $reason) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ReturnAssignment($id: ID!, $reason: ReturnReason) {\n    returnAssignment(id: $id, reason: $reason) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyQualification($projectId: ID!) {\n    myQualification(projectId: $projectId) {\n      status\n      answered\n      required\n      retryAfter\n    }\n  }\n"): (typeof documents)["\n  query MyQualification($projectId: ID!) {\n    myQualification(projectId: $projectId) {\n      status\n      answered\n      required\n      retryAfter\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;