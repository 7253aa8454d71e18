// Child process for the crash test: writes committed samples into a DB, says so on stdout,
// then waits to be SIGKILLed without closing anything.
import { openDB } from '../../../src/tsdb/index.js';
import { Labels } from '../../../src/model/index.js';

const [dir, nSeries, nSamples, t0] = process.argv.slice(2);
const db = await openDB(dir!, { backgroundCompaction: false });
const series = Number(nSeries);
for (let k = 0; k < Number(nSamples); k++) {
  const app = db.appender();
  for (let i = 0; i < series; i++) app.append(0, Labels.fromObject({ __name__: 'crash_metric', i: String(i) }), Number(t0) + k * 15_000, i * 1000 + k);
  await app.commit();
}
process.stdout.write('committed\n');
setInterval(() => undefined, 1000);
