/**
 * @tessera/cli — the workbench behind the `tessera` command: config
 * validation against the plugin manifests, single runs with checkpoints and
 * resume, sweeps with a leaderboard, and self-contained HTML reports.
 */
export { buildProgram, consoleIO, EXIT, type ProgramIO } from './program.js';
export { ConfigError, formatIssues, zodToConfigIssues, type ConfigIssue } from './config/issues.js';
export { readConfigFile } from './config/read-config.js';
export { runConfigSchema, trainSectionSchema, pluginRefSchema, type RunConfig, type ResolvedRef, type TrainSection } from './config/schema.js';
export { validateRunConfig, prepareRunConfig, loadRunConfig, checkPluginRef, type LoadedRunConfig } from './config/validate-config.js';
export { builtinModules, importPluginModule, loadPluginModules, workbenchContainer } from './config/load-modules.js';
export { runTraining, readMetrics, runFiles, configRecord, type RunOptions, type RunSummary } from './run/run-training.js';
export { runSweep, writeLeaderboard, type SweepManifest, type SweepOptions, type SweepProgress, type SweepResult } from './sweep/run-sweep.js';
export { sweepConfigSchema, expandVariants, expandRuns, readSweepConfig, setPath, type SweepConfig, type SweepRun, type SweepVariant } from './sweep/sweep-config.js';
export { leaderboard, leaderboardMarkdown, meanStd, type LeaderboardRow } from './sweep/leaderboard.js';
export { MultiBarSweepProgress } from './sweep/sweep-progress.js';
export { writeReport, collectReport, reportHtml, reportPlots, dedupeRecords, smooth, svgToPng, type ReportData, type ReportRun } from './report/write-report.js';
export { linePlot, niceTicks, PALETTE, type PlotSpec, type Series } from './report/svg-plot.js';
export { listPlugins, describePlugin } from './commands/list.js';
export { default as workbenchModule } from './module.js';
export * from './zoo/index.js';
