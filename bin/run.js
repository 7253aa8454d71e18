#!/usr/bin/env node
// The CLI entry moved to bin/run.cjs. Launchers written by an earlier `promts install-service`
// (/usr/local/bin/promts) still run this file; it hands over. Re-running install-service
// writes a launcher that runs bin/run.cjs directly.
import './run.cjs';
