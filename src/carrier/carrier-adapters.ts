// Which adapter serves which kind of carrier, for the worker's router.
import type { Db } from '../db/schema';
import type { ClosableCarrier } from './carrier-router';
import type { CarrierAccount } from './carrier-settings';
import { createSmppCarrier } from './smpp/smpp-carrier';
import { createTwilioCarrier } from './twilio-carrier';

/** buildCarrierAdapter makes the adapter for a business unit's carrier: REST calls, or one SMPP bind. */
export function buildCarrierAdapter(account: CarrierAccount, deps: { db: Db }): ClosableCarrier {
  if (account.kind === 'twilio')
    return createTwilioCarrier({ ...account.settings, authToken: account.secrets.authToken });
  return createSmppCarrier({
    carrierId: account.id,
    settings: account.settings,
    password: account.secrets.password,
    db: deps.db,
  });
}
