import { Router } from 'express';
import { handleCadenceEvent } from '../../cadences/cadence-events';
import { CadenceEventError } from '../../cadences/cadence-step';
import { businessUnitOf } from '../auth';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { cadenceEventSchema } from '../schemas';
import { parseInput } from '../validation';

/** cadenceEventRoutes is POST /cadence-events: the voice dialer reports a call outcome for a list record. */
export function cadenceEventRoutes({ db, workflows }: ApiDeps): Router {
  const router = Router();
  router.post('/cadence-events', async (req, res) => {
    const input = parseInput(cadenceEventSchema, req.body);
    try {
      const answer = await handleCadenceEvent(
        { db, workflows: workflows.cadences },
        { businessUnitId: businessUnitOf(res).id, ...input },
      );
      res.status(202).json(answer);
    } catch (error) {
      if (error instanceof CadenceEventError)
        throw new ApiError(404, 'not_found', error.message, [{ field: error.field, message: error.message }]);
      throw error;
    }
  });
  return router;
}
