// users.yaml: who may sign in, with problems named by file and field; passwords hashed with scrypt.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCoworkersError } from '../../protocol/index.ts';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';
import { loadUsers, withOneTimePasswords } from './users.ts';

function folderWith(usersYaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'coworkers-users-'));
  writeFileSync(join(dir, 'users.yaml'), usersYaml);
  return dir;
}

async function problemOf(usersYaml: string): Promise<string> {
  const dir = folderWith(usersYaml);
  const error = await loadUsers(dir).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!isCoworkersError(error, 'CONFIG_INVALID')) throw new Error(`expected CONFIG_INVALID, got ${String(error)}`);
  expect(error.message).toContain(join(dir, 'users.yaml'));
  return error.message;
}

describe('loadUsers', () => {
  it('reads users, with and without a passwordHash', async () => {
    const hash = await hashPassword('s3cret');
    const dir = folderWith(`users:\n  - { login: maria, name: Maria Lopez, slack: U04MARIA01 }\n  - login: daniel\n    name: Daniel Okafor\n    slack: U04DANIEL2\n    passwordHash: "${hash}"\n`);
    expect(await loadUsers(dir)).toEqual([
      { login: 'maria', name: 'Maria Lopez', slack: 'U04MARIA01' },
      { login: 'daniel', name: 'Daniel Okafor', slack: 'U04DANIEL2', passwordHash: hash },
    ]);
  });

  it('reads an email, which a manager needs, and names a malformed one', async () => {
    expect(await loadUsers(folderWith('users:\n  - { login: maria, name: Maria Lopez, slack: U04MARIA01, email: maria@example.com }\n'))).toEqual([
      { login: 'maria', name: 'Maria Lopez', slack: 'U04MARIA01', email: 'maria@example.com' },
    ]);
    expect(await problemOf('users:\n  - { login: maria, name: Maria Lopez, slack: U04MARIA01, email: maria-at-example }\n')).toContain("users[0].email: the manager's email address is not valid");
  });

  it('knows people by their Slack id, their Teams id, or both, and refuses someone known in neither chat', async () => {
    const entra = '6f1c1a4e-58a2-4c1b-9f0e-2d3b8c7a9e10';
    expect(await loadUsers(folderWith(`users:\n  - { login: tess, name: Tess Teams, teams: ${entra} }\n`))).toEqual([{ login: 'tess', name: 'Tess Teams', teams: entra }]);
    expect(await problemOf('users:\n  - { login: nobody, name: No Chat }\n')).toContain('users[0].slack: nobody needs a Slack user id ("slack: U0123ABCD"), a Teams user\'s Entra object id ("teams: …"), or both');
  });

  it('is an empty list when the folder has no users.yaml', async () => {
    expect(await loadUsers(mkdtempSync(join(tmpdir(), 'coworkers-users-')))).toEqual([]);
  });

  it('names the field of each problem', async () => {
    const message = await problemOf(`users:\n  - { login: maria, name: Maria, slack: maria }\n  - { login: Bad Login, name: X, slack: U04X00001 }\n  - { login: zoe, slack: U04ZOE0003 }\n`);
    expect(message).toContain('users[0].slack: a Slack user id looks like "U0123ABCD"');
    expect(message).toContain('users[1].login: a login is lowercase letters');
    expect(message).toContain('users[2].name: missing');
    expect(message).toContain('3 problems');
  });

  it('takes role: admin, and no other role', async () => {
    const users = await loadUsers(folderWith('users:\n  - { login: daniel, name: Daniel, slack: U04DANIEL2, role: admin }\n'));
    expect(users[0]!.role).toBe('admin');
    expect(await problemOf('users:\n  - { login: maria, name: Maria, slack: U04MARIA01, role: manager }\n')).toContain('users[0].role: the only role given here is "admin"');
  });

  it('refuses unknown fields, saying which are allowed', async () => {
    const message = await problemOf(`users:\n  - { login: maria, name: Maria, slack: U04MARIA01, password: hunter2 }\n`);
    expect(message).toContain('users[0]: unknown field "password"; fields allowed here: login, name, slack, teams, email, role, passwordHash');
    expect(await problemOf('people: []\n')).toContain('top level: unknown field "people"');
  });

  it('refuses duplicate logins', async () => {
    const message = await problemOf(`users:\n  - { login: maria, name: Maria, slack: U04MARIA01 }\n  - { login: maria, name: Maria Again, slack: U04MARIA02 }\n`);
    expect(message).toContain('users[1].login: duplicate login "maria"');
  });

  it('refuses a passwordHash that is not an scrypt hash', async () => {
    for (const hash of ['plain-text-password', 'scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', 'bcrypt$2b$10$abc']) {
      expect(await problemOf(`users:\n  - { login: maria, name: Maria, slack: U04MARIA01, passwordHash: "${hash}" }\n`)).toContain('users[0].passwordHash:');
    }
  });

  it('says when the YAML itself is broken', async () => {
    expect(await problemOf('users: [ { login: maria\n')).toContain('invalid YAML');
  });
});

describe('withOneTimePasswords', () => {
  it('gives each user without a hash a fresh readable password, and none to users with one', () => {
    const users = withOneTimePasswords([
      { login: 'maria', name: 'Maria', slack: 'U04MARIA01' },
      { login: 'daniel', name: 'Daniel', slack: 'U04DANIEL2', passwordHash: 'scrypt$16384$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==' },
      { login: 'zoe', name: 'Zoe', slack: 'U04ZOE0003' },
    ]);
    expect(users[0]!.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(users[1]!.password).toBeUndefined();
    expect(users[2]!.password).not.toBe(users[0]!.password);
  });
});

describe('passwords', () => {
  it('a hash verifies its password and nothing else', async () => {
    const password = generatePassword();
    const hash = await hashPassword(password);
    expect(hash).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword(password, hash)).toBe(true);
    expect(await verifyPassword(`${password}x`, hash)).toBe(false);
    expect(await verifyPassword(password, await hashPassword(password))).toBe(true);
    expect(await hashPassword(password)).not.toBe(hash);
  });

  it('a malformed hash verifies nothing', async () => {
    expect(await verifyPassword('anything', 'scrypt$nonsense')).toBe(false);
    expect(await verifyPassword('anything', '')).toBe(false);
  });
});
