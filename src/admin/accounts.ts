/** Local accounts as the node's NSS sees them (`getent passwd`), so LDAP/SSSD users count too. */
import { execFile } from 'node:child_process';

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

function parsePasswdLine(line: string): Account | null {
  const parts = line.trim().split(':');
  if (parts.length < 7) return null;
  const [name, , uid, gid, , home, shell] = parts as [string, string, string, string, string, string, string];
  if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) return null;
  return { name, uid: Number(uid), gid: Number(gid), home, shell };
}

/** null when the account does not exist. */
export function lookupAccount(name: string): Promise<Account | null> {
  return new Promise((resolve) => {
    execFile('getent', ['passwd', name], { encoding: 'utf8', timeout: 5000 }, (error, stdout) => {
      resolve(error === null ? parsePasswdLine(stdout.split('\n')[0] ?? '') : null);
    });
  });
}
