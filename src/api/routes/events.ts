import { Router } from 'express';
import { heartbeatAgent } from '../../db/agents';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { ownAgentId } from './agents';

/** STREAM_BEAT_MS is how often an open stream says it is alive (a comment line) and counts as the agent's heartbeat. */
const STREAM_BEAT_MS = 15_000;

/**
 * eventRoutes is GET /events: a server-sent event stream of the calling agent's offers, new messages and state
 * changes, pushed as they happen (from whichever API process made them). An open stream is the inbox being open, so
 * it beats the agent's heartbeat; any number of tabs may hold one.
 */
export function eventRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/events', async (req, res) => {
    const agentId = ownAgentId(res);
    const hub = deps.agentEvents;
    if (!hub) throw new ApiError(503, 'unavailable', 'this API process streams no events');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`event: ready\ndata: ${JSON.stringify({ agentId })}\n\n`);
    const unsubscribe = hub.subscribe(
      agentId,
      (event) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
      () => res.end(),
    );
    await heartbeatAgent(deps.db, agentId);
    const beat = setInterval(() => {
      res.write(': beat\n\n');
      heartbeatAgent(deps.db, agentId).catch(() => undefined);
    }, STREAM_BEAT_MS);
    req.on('close', () => {
      clearInterval(beat);
      unsubscribe();
    });
  });
  return router;
}
