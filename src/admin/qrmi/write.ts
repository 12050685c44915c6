/** Writes an import plan's secret files: a root-only directory, each file mode 0600, replaced whole. */
import { chmod, mkdir, open, rename } from 'node:fs/promises';
import type { PlannedSecret } from './plan.js';

export async function writeSecretFiles(dir: string, secrets: readonly PlannedSecret[]): Promise<void> {
  if (secrets.length === 0) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  for (const secret of secrets) {
    const tmp = `${secret.path}.${process.pid}.tmp`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(secret.text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, secret.path);
  }
}
