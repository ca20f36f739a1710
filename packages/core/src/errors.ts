/** Base class of every error Tessera throws on purpose. */
export class TesseraError extends Error {
  override name = 'TesseraError';
}

/** A plugin name that no registered plugin of that kind has. */
export class UnknownPluginError extends TesseraError {
  override name = 'UnknownPluginError';
  constructor(
    readonly kind: string,
    readonly pluginName: string,
    readonly closest: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/** One problem with one hyperparameter. */
export interface ParamIssue {
  /** Dotted path of the parameter, e.g. `labelSmoothing` or `groups.0.lr`. */
  readonly path: string;
  readonly value: unknown;
  /** What was expected: the type, the allowed range or values, or the closest valid key. */
  readonly expected: string;
  readonly message: string;
}

/** Hyperparameters that fail the plugin's schema; lists every issue at once. */
export class InvalidParamsError extends TesseraError {
  override name = 'InvalidParamsError';
  constructor(
    readonly plugin: string,
    readonly issues: readonly ParamIssue[],
  ) {
    super(`${plugin}: invalid hyperparameters:\n${issues.map((i) => `  - ${i.message}`).join('\n')}`);
  }
}

/** Two plugins of the same kind claim one name. */
export class DuplicatePluginError extends TesseraError {
  override name = 'DuplicatePluginError';
}

/** A missing input, a wrong shape or a wrong dtype. */
export class ShapeError extends TesseraError {
  override name = 'ShapeError';
}

/** A non-finite loss or gradient met by the trainer's NaN guard under the `stop` policy. */
export class NonFiniteError extends TesseraError {
  override name = 'NonFiniteError';
  constructor(
    readonly step: number,
    readonly tensorName: string,
    message: string,
  ) {
    super(message);
  }
}

/** A checkpoint that cannot be read. */
export class CheckpointError extends TesseraError {
  override name = 'CheckpointError';
}
