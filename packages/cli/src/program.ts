import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { PluginRegistryToken, SilentProgressReporter, TesseraError, UnknownPluginError, useBackend, type BackendName } from '@tessera/core';
import { ConfigError } from './config/issues.js';
import { loadPluginModules, workbenchContainer } from './config/load-modules.js';
import { loadRunConfig } from './config/validate-config.js';
import { describePlugin, listPlugins } from './commands/list.js';
import { runFiles, runTraining } from './run/run-training.js';
import { writeReport } from './report/write-report.js';
import { leaderboardMarkdown } from './sweep/leaderboard.js';
import { runSweep } from './sweep/run-sweep.js';
import { MultiBarSweepProgress } from './sweep/sweep-progress.js';
import { readSweepConfig, expandRuns, expandVariants } from './sweep/sweep-config.js';

/** Where the program writes; tests capture it. */
export interface ProgramIO {
  out(text: string): void;
  err(text: string): void;
}

export const consoleIO: ProgramIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

/** Exit codes: 0 ok, 1 error, 2 invalid config or usage, 130 interrupted (Ctrl-C). */
export const EXIT = { ok: 0, error: 1, usage: 2, interrupted: 130 } as const;

/**
 * Ctrl-C handling for long commands: the first SIGINT aborts the signal (the
 * trainer finishes its step, writes a checkpoint and returns); a second one
 * exits at once.
 */
function interruptOnSigint(io: ProgramIO): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      io.err('tessera: interrupted again, exiting without waiting.');
      process.exit(EXIT.interrupted);
    }
    io.err('\ntessera: interrupted; finishing this step and writing a checkpoint (Ctrl-C again to quit now)…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
}

async function pickBackend(name: string | undefined, io: ProgramIO): Promise<void> {
  await useBackend((name ?? 'auto') as BackendName | 'auto', { log: (l) => io.err(l) });
}

const fmtFinal = (final: Record<string, number>) =>
  Object.entries(final)
    .filter(([k]) => k !== 'lr')
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', ');

/** The `tessera` command line. `run(argv)` returns the exit code instead of exiting. */
export function buildProgram(io: ProgramIO = consoleIO): { program: Command; run(argv: readonly string[]): Promise<number> } {
  let exitCode: number = EXIT.ok;
  const program = new Command('tessera')
    .description('The Tessera workbench: try any registered loss, optimizer, schedule, norm or attention on a real task, compare them, and look at the curves.')
    .version('0.0.0')
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .exitOverride()
    .showHelpAfterError();

  const withPlugins = (cmd: Command) =>
    cmd.option('--plugins <modules...>', 'extra plugin modules to load (paths or package names whose default export is a ContainerModule)');
  const registryWith = async (specs: string[] | undefined) => {
    const { modules, issues } = await loadPluginModules(specs ?? [], process.cwd());
    if (issues.length) throw new ConfigError('--plugins', issues);
    return workbenchContainer(modules).get(PluginRegistryToken);
  };

  withPlugins(
    program
      .command('list')
      .description('list every registered plugin (of one kind) with its summary and paper')
      .argument('[kind]', 'loss, optimizer, schedule, normalization, attention, callback, model, dataset, …')
      .option('--json', 'print JSON')
      .option('-l, --long', 'also print every hyperparameter with its type, default and range'),
  ).action(async (kind: string | undefined, o: { json?: boolean; long?: boolean; plugins?: string[] }) => {
    io.out(listPlugins(await registryWith(o.plugins), kind, o.json, o.long));
  });

  withPlugins(
    program
      .command('describe')
      .description('show a plugin: summary, paper, and every hyperparameter with its type, default and range')
      .argument('<kind>')
      .argument('<name>')
      .option('--json', 'print JSON'),
  ).action(async (kind: string, name: string, o: { json?: boolean; plugins?: string[] }) => {
    io.out(describePlugin(await registryWith(o.plugins), kind, name, o.json));
  });

  program
    .command('train')
    .description('train from a JSON or YAML config (validated against the plugin manifests before anything runs)')
    .argument('<config>', 'run config (.yaml, .yml or .json)')
    .option('--out <dir>', 'run folder (default: the config\'s `out`, else runs/<name>)')
    .option('--resume', 'continue from the newest complete checkpoint in the run folder')
    .option('--set <path=value...>', 'override config values, e.g. --set optimizer.params.learningRate=0.01 train.epochs=2')
    .option('--check', 'validate the config and exit')
    .option('--quiet', 'no progress bar')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(['auto', 'wasm', 'cpu', 'tensorflow']).default(process.env['TESSERA_BACKEND'] ?? 'auto'))
    .action(async (file: string, o: { out?: string; resume?: boolean; check?: boolean; quiet?: boolean; backend?: string; set?: string[] }) => {
      const { config, modules } = await loadRunConfig(file, o.set ?? []);
      if (o.check) {
        io.out(`${file}: valid (${config.model.name} on ${config.data.name}, loss ${config.loss.name}, optimizer ${config.optimizer.name})`);
        return;
      }
      await pickBackend(o.backend, io);
      const outDir = path.resolve(o.out ?? config.out ?? path.join('runs', config.name));
      if (!o.resume && fs.existsSync(runFiles(outDir).checkpoints)) {
        io.err(`tessera: ${outDir} holds an earlier run; starting over (use --resume to continue it instead).`);
      }
      const interrupt = interruptOnSigint(io);
      try {
        const summary = await runTraining(config, {
          outDir,
          modules,
          resume: Boolean(o.resume),
          signal: interrupt.signal,
          ...(o.quiet ? { reporter: new SilentProgressReporter() } : {}),
        });
        const resumed = summary.resumedFrom !== undefined ? ` (resumed from step ${summary.resumedFrom})` : '';
        io.out(`${config.name}: ${summary.stopReason} after ${summary.steps} steps${resumed}, ${summary.stepsPerSecond.toFixed(1)} steps/s on ${summary.backend}; ${fmtFinal(summary.final)}`);
        io.out(`run folder: ${outDir}`);
        if (summary.stopReason === 'interrupted') {
          io.err(`checkpoint: ${summary.lastCheckpoint ?? '(none)'}; continue with: tessera train ${file} --resume${o.out ? ` --out ${o.out}` : ''}`);
          exitCode = EXIT.interrupted;
        }
      } finally {
        interrupt.dispose();
      }
    });

  program
    .command('sweep')
    .description('grid or random search over plugin names and hyperparameters, several seeds, with a leaderboard and an HTML report')
    .argument('<config>', 'sweep config (.yaml, .yml or .json)')
    .option('--out <dir>', 'sweep folder (default: the sweep\'s `out`, else runs/<name>)')
    .option('--resume', 'skip finished runs and resume interrupted ones')
    .option('--dry-run', 'validate every configuration and list the runs')
    .option('--no-report', 'skip the HTML report')
    .option('--no-png', 'skip the PNG exports of the plots')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(['auto', 'wasm', 'cpu', 'tensorflow']).default(process.env['TESSERA_BACKEND'] ?? 'auto'))
    .action(async (file: string, o: { out?: string; resume?: boolean; dryRun?: boolean; report: boolean; png: boolean; backend?: string }) => {
      if (!o.dryRun) await pickBackend(o.backend, io);
      const { sweep, base } = readSweepConfig(file);
      const total = expandRuns(sweep, expandVariants(sweep, base)).length;
      const interrupt = interruptOnSigint(io);
      try {
        const result = await runSweep(file, {
          ...(o.out ? { outDir: o.out } : {}),
          resume: Boolean(o.resume),
          dryRun: Boolean(o.dryRun),
          signal: interrupt.signal,
          ...(o.dryRun ? {} : { progress: new MultiBarSweepProgress(total) }),
        });
        if (o.dryRun) {
          io.out(`${file}: valid; ${result.manifest.runs.length} runs:`);
          for (const r of result.manifest.runs) io.out(`  ${r.id}`);
          return;
        }
        io.out(`\nLeaderboard (${result.outDir}/leaderboard.md):\n${leaderboardMarkdown(result.leaderboard, sweep.metric, sweep.mode)}`);
        if (o.report) {
          const report = await writeReport(result.outDir, { png: o.png });
          io.out(`report: ${report.html}${report.pngs.length ? ` (+ ${report.pngs.length} PNG plots)` : ''}`);
        }
        if (result.interrupted) {
          io.err(`sweep interrupted; continue with: tessera sweep ${file} --resume${o.out ? ` --out ${o.out}` : ''}`);
          exitCode = EXIT.interrupted;
        }
      } finally {
        interrupt.dispose();
      }
    });

  program
    .command('report')
    .description('write a self-contained HTML report (curves, learning rates, leaderboard) and PNG plots for a run or sweep folder')
    .argument('<dir>', 'run folder or sweep folder')
    .option('--out <file>', 'HTML file (default <dir>/report.html)')
    .option('--no-png', 'skip the PNG exports')
    .action(async (dir: string, o: { out?: string; png: boolean }) => {
      const r = await writeReport(dir, { png: o.png, ...(o.out ? { out: o.out } : {}) });
      io.out(`report: ${r.html}${r.pngs.length ? `\nplots: ${r.pngs.join(', ')}` : ''}`);
    });

  return {
    program,
    async run(argv) {
      exitCode = EXIT.ok;
      try {
        await program.parseAsync(argv as string[], { from: 'user' });
        return exitCode;
      } catch (e) {
        if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
        if (e instanceof ConfigError) {
          io.err(e.message);
          return EXIT.usage;
        }
        if (e instanceof UnknownPluginError || e instanceof TesseraError) {
          io.err(`tessera: ${e.message}`);
          return EXIT.error;
        }
        io.err(`tessera: ${(e as Error).message}`);
        if (process.env['TESSERA_DEBUG']) io.err(String((e as Error).stack));
        return EXIT.error;
      }
    },
  };
}
