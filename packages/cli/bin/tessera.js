#!/usr/bin/env node
// The `tessera` binary. A committed shim, so package managers can link the bin
// before `dist/` is built (in a fresh clone of the monorepo); it loads the build.
import '../dist/cli.js';
