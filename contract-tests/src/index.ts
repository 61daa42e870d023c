// `@herald/contract` as a library: run the conformance suite from a Node script and read its
// result (`herald-contract` is the same thing as a command).
export { runSuite, RunnerError, type RunOptions } from './runner/run-suite.ts';
export { resolveConfig, ConfigError, type SuiteConfig, type Profile } from './runner/config.ts';
export { EXIT, type RunResult, type RuleResult, type CheckFailure, type CoverageResult, type CoverageCell } from './results.ts';
export { renderJUnit } from './report/junit.ts';
export { renderHtml } from './report/html.ts';
export { renderSummary, resultLine } from './report/summary.ts';
export { renderHar } from './report/har.ts';
