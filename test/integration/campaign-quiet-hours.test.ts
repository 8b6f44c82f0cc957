import { localSecondsOfDay } from '../../src/campaigns/quiet-hours';
import { createCampaign, createSender } from '../support/campaign-fixtures';
import { createTenant, eventually, uniquePhone, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem();

function clock(seconds: number): string {
  const s = ((seconds % 86_400) + 86_400) % 86_400;
  return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
}

describe('quiet hours', () => {
  it('holds each recipient until the window opens in their own time zone, then sends', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 50);
    // London and Paris are one hour apart all year. A window that opens in London 8 s from now is already open in Paris.
    const londonNow = localSecondsOfDay('Europe/London', new Date());
    const window = { start: clock(londonNow + 8), end: clock(londonNow + 8 + 3600) };
    const london = uniquePhone();
    const paris = uniquePhone();
    const csv = `FirstName,Phone,TZ\nLena,${london},Europe/London\nPierre,${paris},Europe/Paris\n`;
    const list = await tenant.api.uploadCsv('name=Zones&phoneField=Phone&timezoneField=TZ', csv);
    expect(list.status).toBe(201);
    const campaignId = await createCampaign(tenant, {
      listId: list.body.id,
      message: 'Hello {FirstName}',
      senderIds: [sender.id],
      quietHours: window,
    });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);

    const to = (phone: string) => system.sentMessages().filter((m) => m.from === sender.address && m.to === phone);
    await eventually('Paris (window open) to be messaged', async () => (to(paris).length === 1 ? true : undefined));
    expect(to(london)).toHaveLength(0);
    expect((await tenant.api.get(`/v1/campaigns/${campaignId}`)).body).toMatchObject({
      status: 'running',
      counts: { sent: 1, pending: 1 },
    });

    const opensAt = Date.now() + 8000 - 1500;
    await waitForCampaignStatus(tenant, campaignId, 'completed', 60_000);
    expect(to(london)).toHaveLength(1);
    expect(to(london)[0].receivedAt).toBeGreaterThanOrEqual(opensAt - 2000);
    expect(to(paris)).toHaveLength(1);
  });
});
