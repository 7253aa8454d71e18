// Runs `promts query <cmd>` oclif commands from source (no build needed), for tests. Takes a
// JSON array of argv arrays and prints a JSON array of {code, stdout, stderr}: one process
// for many invocations, since starting Node with tsx is the slow part.
const batch = JSON.parse(process.argv[2]!) as string[][];
const results: { code: number; stdout: string; stderr: string }[] = [];
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
for (const [cmd, ...argv] of batch) {
  const r = { code: 0, stdout: '', stderr: '' };
  process.stdout.write = ((s: string | Uint8Array) => ((r.stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((r.stderr += String(s)), true)) as typeof process.stderr.write;
  try {
    const mod = (await import(`../../commands/query/${cmd}.ts`)) as { default: { run(argv: string[], opts: string): Promise<unknown> } };
    await mod.default.run(argv, import.meta.url);
  } catch (e) {
    const exit = (e as { oclif?: { exit?: number } }).oclif?.exit;
    r.code = exit ?? 99;
    if (exit === undefined) r.stderr += String(e);
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  results.push(r);
}
realOut(JSON.stringify(results));
