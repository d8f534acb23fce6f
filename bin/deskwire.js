#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the package needs no build step. tsx is registered in this process (not
// run as a CLI, which would start the program as a second, child process): the process a supervisor starts and
// signals is the server itself.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
