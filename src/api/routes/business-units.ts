import { Router } from 'express';
import type { Answer } from '../answer';
import type { businessUnitCreated, settingsResponse } from '../openapi/resources';
import { generateApiKey, hashApiKey } from '../../auth/api-keys';
import { insertBusinessUnit, updateBusinessUnitSettings } from '../../db/business-units';
import type { BusinessUnit } from '../../db/schema';
import { DEFAULT_CONFIRMATIONS } from '../../replies/confirmations';
import { businessUnitOf, requireAdmin } from '../auth';
import type { ApiDeps } from '../deps';
import { createBusinessUnitSchema, updateSettingsSchema } from '../schemas';
import { parseInput } from '../validation';

/** businessUnitRoutes is POST /business-units (admin token). */
export function businessUnitRoutes({ db, config }: ApiDeps): Router {
  const router = Router();
  router.post('/business-units', requireAdmin(config.adminToken), async (req, res) => {
    const input = parseInput(createBusinessUnitSchema, req.body);
    const apiKey = generateApiKey();
    const unit = await insertBusinessUnit(db, { name: input.name, apiKeyHash: hashApiKey(apiKey) });
    const created: Answer<typeof businessUnitCreated> = {
      id: unit.id,
      name: unit.name,
      apiKey,
      defaultDncGroupId: unit.default_dnc_group_id,
    };
    res.status(201).json(created);
  });
  return router;
}

function presentSettings(unit: BusinessUnit): Answer<typeof settingsResponse> {
  return {
    smsChannel: unit.sms_channel,
    optOutText: unit.opt_out_text ?? DEFAULT_CONFIRMATIONS.optOutText,
    optInText: unit.opt_in_text ?? DEFAULT_CONFIRMATIONS.optInText,
    helpText: unit.help_text ?? DEFAULT_CONFIRMATIONS.helpText,
    defaultDncGroupId: unit.default_dnc_group_id,
    deliverabilityShare: unit.deliverability_share,
    deliverabilityWindow: unit.deliverability_window,
    timeZone: unit.time_zone,
    segmentPrices: unit.segment_prices,
    serviceLevelSeconds: unit.service_level_seconds,
    offerTimeoutSeconds: unit.offer_timeout_seconds,
    agentOfflineSeconds: unit.agent_offline_seconds,
  };
}

/** settingsRoutes is GET and PATCH /settings: the business unit's own settings. */
export function settingsRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get('/settings', (_req, res) => {
    res.json(presentSettings(businessUnitOf(res)));
  });
  router.patch('/settings', async (req, res) => {
    const input = parseInput(updateSettingsSchema, req.body);
    const unit = await updateBusinessUnitSettings(db, businessUnitOf(res).id, {
      sms_channel: input.smsChannel,
      opt_out_text: input.optOutText,
      opt_in_text: input.optInText,
      help_text: input.helpText,
      deliverability_share: input.deliverabilityShare,
      deliverability_window: input.deliverabilityWindow,
      time_zone: input.timeZone,
      segment_prices: input.segmentPrices && JSON.stringify(input.segmentPrices),
      service_level_seconds: input.serviceLevelSeconds,
      offer_timeout_seconds: input.offerTimeoutSeconds,
      agent_offline_seconds: input.agentOfflineSeconds,
    });
    res.json(presentSettings(unit));
  });
  return router;
}
