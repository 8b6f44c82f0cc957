import { PROVISIONING_LEAD_TIME, ProvisioningLeadTime, TransportCodeKind } from './transport-codes';

const DAY_MS = 24 * 60 * 60 * 1000;

/** ProvisioningOutlook is what a sender's owner needs to plan: the kind's usual lead time and when this one is due. */
export interface ProvisioningOutlook {
  provisioningLeadTime: ProvisioningLeadTime;
  /** When provisioning started; null unless the sender is provisioning. */
  provisioningSince: string | null;
  /** Earliest day it is usually ready; null unless the sender is provisioning. */
  expectedReadyAt: string | null;
  /** Latest day it is usually ready; null when not provisioning or when the kind has no dependable bound (short codes). */
  expectedReadyBy: string | null;
}

/** provisioningOutlook computes the expected ready window of a sender from its kind, status and provisioning start. */
export function provisioningOutlook(kind: TransportCodeKind, status: string, since: Date | null): ProvisioningOutlook {
  const provisioningLeadTime = PROVISIONING_LEAD_TIME[kind];
  if (status !== 'provisioning' || !since) {
    return { provisioningLeadTime, provisioningSince: null, expectedReadyAt: null, expectedReadyBy: null };
  }
  const start = new Date(since).getTime();
  const { minDays, maxDays } = provisioningLeadTime;
  return {
    provisioningLeadTime,
    provisioningSince: new Date(start).toISOString(),
    expectedReadyAt: new Date(start + minDays * DAY_MS).toISOString(),
    expectedReadyBy: maxDays === null ? null : new Date(start + maxDays * DAY_MS).toISOString(),
  };
}
