import { createCadenceActivities } from './cadence';
import { createCampaignActivities } from './campaign';
import type { ActivityDeps } from './deps';
import { createReplyActivities } from './replies';

export type { ActivityDeps } from './deps';

/** createActivities builds every activity the worker runs: thin adapters over the domain code in src/. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCampaignActivities(deps),
    ...createReplyActivities(deps),
    ...createCadenceActivities(deps),
  };
}
