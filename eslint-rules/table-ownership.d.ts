import type { Rule } from 'eslint';

/** The `quorum/table-ownership` rule (table-ownership.js). */
declare const tableOwnership: Rule.RuleModule;
export = tableOwnership;
