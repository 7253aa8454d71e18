#!/usr/bin/env node
// Writes man/promts.1 and man/promts-<command>.1 from the commands' own help (summary,
// description, flags, examples), so the man pages never drift from --help, and oclif's
// command manifest, so a command run imports only its own module. Run by `npm run build`.
import { Config } from '@oclif/core';
import { mkdirSync, writeFileSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const manDir = join(root, 'man');
const manifestPath = join(root, 'oclif.manifest.json');
// A stale manifest would hide new commands: always rebuild it from the compiled commands.
rmSync(manifestPath, { force: true });
const config = await Config.load(root);
const rootPlugin = [...config.plugins.values()].find((p) => p.isRoot);
writeFileSync(manifestPath, JSON.stringify(rootPlugin.manifest, null, 1) + '\n');
const esc = (s) => String(s ?? '').replace(/\\/g, '\\e').replace(/^([.'])/gm, '\\&$1').replace(/-/g, '\\-');
const date = '2026';

mkdirSync(manDir, { recursive: true });
for (const f of readdirSync(manDir)) if (f.endsWith('.1')) unlinkSync(join(manDir, f));

const commands = config.commands.filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id));
const page = (name, title, body) => `.TH ${name.toUpperCase()} 1 "${date}" "promts ${config.version}" "promts manual"\n.SH NAME\n${name} \\- ${esc(title)}\n${body}`;

let index = '.SH SYNOPSIS\n.B promts\n\\fICOMMAND\\fR [\\fIFLAGS\\fR]\n.SH DESCRIPTION\nPrometheus server and promtool, rebuilt as one TypeScript toolkit.\n.SH COMMANDS\n';
for (const c of commands) {
  const id = c.id.replaceAll(':', ' ');
  index += `.TP\n.B promts ${esc(id)}\n${esc(c.summary ?? c.description ?? '')}\n`;
  let body = `.SH SYNOPSIS\n.B promts ${esc(id)}\n`;
  for (const a of Object.values(c.args ?? {})) body += ` \\fI${esc(a.name.toUpperCase())}\\fR`;
  body += ' [\\fIFLAGS\\fR]\n';
  if (c.description) body += `.SH DESCRIPTION\n${esc(c.description)}\n`;
  const flags = Object.values(c.flags ?? {}).filter((f) => !f.hidden);
  if (flags.length) {
    body += '.SH FLAGS\n';
    for (const f of flags) body += `.TP\n.B \\-\\-${esc(f.name)}${f.type === 'option' ? '=\\fIVALUE\\fR' : ''}\n${esc(f.description ?? f.summary ?? '')}\n`;
  }
  const ex = (c.examples ?? []).map((e) => (typeof e === 'string' ? e : e.command).replaceAll('<%= config.bin %>', 'promts').replaceAll('<%= command.id %>', id));
  if (ex.length) body += '.SH EXAMPLES\n' + ex.map((e) => `.nf\n${esc(e)}\n.fi\n`).join('.PP\n');
  body += '.SH SEE ALSO\n.BR promts (1)\n';
  writeFileSync(join(manDir, `promts-${c.id.replaceAll(':', '-')}.1`), page(`promts-${c.id.replaceAll(':', '-')}`, c.summary ?? id, body));
}
writeFileSync(join(manDir, 'promts.1'), page('promts', 'Prometheus server and promtool as one toolkit', index));
