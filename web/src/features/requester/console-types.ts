import type { ConsoleProjectQuery } from '../../gql/graphql';

/** The project as the console's project page loads it. */
export type ConsoleProjectData = ConsoleProjectQuery['project'];
/** What each lifecycle move would reserve or release now. */
export type MoneyPreview = ConsoleProjectQuery['projectMoneyPreview'];
/** The project's spend so far. */
export type ProjectMoneyData = ConsoleProjectQuery['projectMoney'];
