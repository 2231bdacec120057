// Types of eslint.config.js for src/i18n/lint.test.ts.
export declare const NOT_YET: string[];
declare const config: unknown[];
export default config;
