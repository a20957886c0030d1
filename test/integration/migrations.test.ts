import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { createPool } from '../../platform/db.js';
import { migrateUp } from '../../platform/migrations.js';

/** Workers (and benchmark stacks) that start together migrate the same database at once. */
describe('migrations', () => {
  it('serialise concurrent callers: every one succeeds, and the schema is migrated once', async () => {
    const config = { ...loadConfig(), PROMPTEVO_DB_SCHEMA: `t_migrate_${randomBytes(4).toString('hex')}` };
    const db = createPool(config);
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => migrateUp(config)));
      // One caller applied every migration; the others waited for it and found nothing left to do.
      const applied = results.filter((names) => names.length > 0);
      expect(applied).toHaveLength(1);
      expect(results.filter((names) => names.length === 0)).toHaveLength(3);
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${config.PROMPTEVO_DB_SCHEMA}.pgmigrations`,
      );
      expect(Number(rows[0]!.n)).toBe(applied[0]!.length);
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS ${config.PROMPTEVO_DB_SCHEMA} CASCADE`);
      await db.end();
    }
  });
});
