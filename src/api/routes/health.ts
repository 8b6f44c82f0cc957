import { Router } from 'express';
import { pingDatabase } from '../../db/connection';
import type { ApiDeps } from '../deps';

async function withinMs<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** healthRoutes is GET /healthz: 200 once PostgreSQL and Temporal both answer, 503 naming what is missing. */
export function healthRoutes({ db, workflows, config }: ApiDeps): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const problems: Record<string, string> = {};
    await Promise.all([
      withinMs(2000, pingDatabase(db)).catch((e: Error) => (problems.postgres = e.message)),
      withinMs(2000, workflows.ping()).catch(
        (e: Error) => (problems.temporal = `${config.temporalAddress}: ${e.message}`),
      ),
    ]);
    if (Object.keys(problems).length === 0) return res.json({ ok: true });
    res.status(503).json({ ok: false, missing: problems });
  });
  return router;
}
