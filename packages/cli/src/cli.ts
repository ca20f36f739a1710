/**
 * The `tessera` binary: `list`, `describe`, `train`, `sweep`, `report`.
 */
import 'reflect-metadata';
import { buildProgram } from './program.js';

const code = await buildProgram().run(process.argv.slice(2));
process.exitCode = code;
