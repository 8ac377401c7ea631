/** The purity lint's data (purity.js), shared by eslint.config.mjs and its unit test. */
declare const purity: {
  readonly IMPURE_MODULES: readonly string[];
  readonly APP_LAYERS: readonly string[];
  readonly PURE_FILES: readonly string[];
  readonly pureImportOptions: {
    readonly patterns: ReadonlyArray<{ group: string[]; message: string }>;
  };
};
export = purity;
