import { describe, expect, it } from 'vitest';
import { describeStore } from '../src/store.js';

describe('describeStore', () => {
  it('names the host and database of a PostgreSQL URL, never its password', () => {
    expect(describeStore({ database: 'postgres://verifier:secret@db.example:5432/hemkit', sqlitePath: '' })).toBe('PostgreSQL db.example:5432/hemkit');
  });

  it('names the Unix socket directory a host parameter connects through', () => {
    // node-postgres connects to the socket in ?host=, not to the URL's host (README, the verification service).
    expect(describeStore({ database: 'postgres://verifier@localhost/hemkit?host=/var/run/postgresql', sqlitePath: '' })).toBe('PostgreSQL /var/run/postgresql/hemkit');
  });

  it('names the SQLite file otherwise', () => {
    expect(describeStore({ sqlitePath: '/tmp/v.sqlite' })).toBe('SQLite /tmp/v.sqlite');
  });
});
