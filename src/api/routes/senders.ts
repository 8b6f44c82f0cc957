import { Router } from 'express';
import { listSenders } from '../../db/senders';
import { changeSender, registerSender } from '../../senders/sender-registry';
import type { Sender } from '../../db/schema';
import { canReceiveReplies, TransportCodeKind } from '../../senders/transport-codes';
import { provisioningOutlook } from '../../senders/provisioning';
import type { Answer } from '../answer';
import { businessUnitOf } from '../auth';
import type { senderResponse } from '../openapi/resources';
import type { ApiDeps } from '../deps';
import { createSenderSchema, idParamSchema, updateSenderSchema } from '../schemas';
import { parseInput } from '../validation';

/** presentSender is a sender on the wire. */
export function presentSender(sender: Sender): Answer<typeof senderResponse> {
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
    carrierId: sender.carrier_id,
    // The carrier's sender- or account-level refusal a person must fix (API.md), until a message goes through again.
    needsAttention:
      sender.attention_code === null
        ? null
        : { code: sender.attention_code, message: sender.attention_message ?? '', since: sender.attention_since },
  };
}

/** senderRoutes is POST/GET /senders and PATCH /senders/:id. */
export function senderRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.post('/senders', async (req, res) => {
    const input = parseInput(createSenderSchema, req.body);
    res.status(201).json(presentSender(await registerSender(db, businessUnitOf(res).id, input)));
  });

  router.get('/senders', async (_req, res) => {
    res.json((await listSenders(db, businessUnitOf(res).id)).map(presentSender));
  });

  router.patch('/senders/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    const input = parseInput(updateSenderSchema, req.body);
    res.json(presentSender(await changeSender(db, businessUnitOf(res).id, id, input)));
  });
  return router;
}
