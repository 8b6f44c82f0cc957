import { Router } from 'express';
import { DatabaseError } from 'pg';
import { getSendersByIds, insertSender, listSenders, updateSender } from '../../db/senders';
import type { Sender } from '../../db/schema';
import {
  canReceiveReplies,
  carrierManagesOptConfirmations,
  DEFAULT_MPS,
  TransportCodeKind,
  validateTransportCode,
} from '../../senders/transport-codes';
import { provisioningOutlook } from '../../senders/provisioning';
import { businessUnitOf } from '../auth';
import type { ApiDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { createSenderSchema, idParamSchema, updateSenderSchema } from '../schemas';
import { parseInput } from '../validation';

/** presentSender is a sender on the wire. */
export function presentSender(sender: Sender) {
  const kind = sender.kind as TransportCodeKind;
  return {
    id: sender.id,
    kind,
    address: sender.address,
    mps: sender.mps,
    status: sender.status,
    canReceive: canReceiveReplies(kind),
    ...provisioningOutlook(kind, sender.status, sender.provisioning_started_at),
    optOutText: sender.opt_out_text,
    optInText: sender.opt_in_text,
    helpText: sender.help_text,
  };
}

/** senderRoutes is POST/GET /senders and PATCH /senders/:id. */
export function senderRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.post('/senders', async (req, res) => {
    const input = parseInput(createSenderSchema, req.body);
    const checked = validateTransportCode(input.kind, input.address);
    if (!checked.ok)
      throw new ApiError(400, 'invalid_request', `address: ${checked.message}`, [
        { field: 'address', message: checked.message },
      ]);
    try {
      const sender = await insertSender(db, {
        business_unit_id: businessUnitOf(res).id,
        kind: input.kind,
        address: checked.address,
        mps: input.mps ?? DEFAULT_MPS[input.kind],
        status: input.status ?? 'active',
        provisioning_started_at: input.status === 'provisioning' ? new Date() : null,
        opt_out_text: null,
        opt_in_text: null,
        help_text: null,
      });
      res.status(201).json(presentSender(sender));
    } catch (error) {
      if (error instanceof DatabaseError && error.code === '23505') {
        throw new ApiError(409, 'conflict', `address: ${checked.address} is already registered as a sender`);
      }
      throw error;
    }
  });

  router.get('/senders', async (_req, res) => {
    res.json((await listSenders(db, businessUnitOf(res).id)).map(presentSender));
  });

  router.patch('/senders/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    const input = parseInput(updateSenderSchema, req.body);
    const unitId = businessUnitOf(res).id;
    const [current] = await getSendersByIds(db, unitId, [id]);
    if (!current) throw notFound('sender', id);
    // Toll-free STOP/START confirmations are sent by the carrier (FCC); letting anyone edit them would be a lie.
    if (carrierManagesOptConfirmations(current.kind as TransportCodeKind)) {
      for (const field of ['optOutText', 'optInText'] as const) {
        if (input[field] !== undefined) {
          throw new ApiError(
            400,
            'invalid_request',
            `${field}: toll-free opt-out and opt-in confirmations are sent by the carrier and cannot be customised`,
          );
        }
      }
    }
    const sender = await updateSender(db, unitId, id, {
      mps: input.mps,
      status: input.status,
      // The expected ready date counts from the moment the sender went (back) into provisioning.
      provisioning_started_at:
        input.status === 'provisioning' && current.status !== 'provisioning' ? new Date() : undefined,
      opt_out_text: input.optOutText,
      opt_in_text: input.optInText,
      help_text: input.helpText,
    });
    res.json(presentSender(sender!));
  });
  return router;
}
