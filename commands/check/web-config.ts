import { Args, Command } from '@oclif/core';
import { ConfigError, existingFilesError, explain, validateWebConfigFile } from '../../src/config/index.js';

export default class CheckWebConfig extends Command {
  static override summary = 'Check if the web config files are valid or not.';

  static override description = `Validates web configuration files (--web.config.file) the way Prometheus 2.42 does: TLS server settings (cert/key files, client auth, versions, ciphers, curves), HTTP/2 and security headers, and bcrypt hashes of basic_auth_users. Like promtool, prints "FILE SUCCESS" or "FILE FAILED: reason" on stderr and exits 1 if any file is invalid.`;

  static override examples = ['<%= config.bin %> check web-config web.yml', '<%= config.bin %> check web-config a.yml b.yml'];

  static override strict = false;

  static override args = {
    'web-config-files': Args.string({ description: 'The config files to check.', required: true }),
  };

  async run(): Promise<void> {
    const { argv } = await this.parse(CheckWebConfig);
    const argError = existingFilesError(argv as string[]);
    if (argError) {
      process.stderr.write(argError + '\n');
      this.exit(1);
    }
    let failed = false;
    for (const f of argv as string[]) {
      try {
        validateWebConfigFile(f);
        process.stderr.write(`${f} SUCCESS\n`);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        failed = true;
        process.stderr.write(`${f} FAILED: ${e.reason}\n`);
        for (const line of explain(e)) process.stderr.write(line + '\n');
      }
    }
    if (failed) this.exit(1);
  }
}
