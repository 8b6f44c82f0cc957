import { readDeliverSm, messageIdForms, e164Of } from '../../../src/carrier/smpp/smpp-deliver';
import {
  destinationAddress,
  relativeValidity,
  sourceAddress,
  submitSmParts,
} from '../../../src/carrier/smpp/smpp-message';
import { pdu } from '../../../src/carrier/smpp/smpp-wire';
import { measureSms, splitSms } from '../../../src/templates';

const SETTINGS = { defaultDataCoding: 0, longMessages: 'udh' as const };

describe('an SMS as submit_sm, coded as the template module measures it', () => {
  it('sends a GSM-7 body as data_coding 0 in unpacked septets, an extension character escaped', () => {
    const [part] = submitSmParts('Price: 5€ {ok}', SETTINGS, 1);
    expect(part).toMatchObject({ data_coding: 0, esm_class: 0, registered_delivery: 1 });
    expect((part.short_message as Buffer).length).toBe(measureSms('Price: 5€ {ok}').units);
  });

  it('sends Arabic as UCS-2 (data_coding 8, big-endian UTF-16)', () => {
    const [part] = submitSmParts('مرحبا Ada', SETTINGS, 1);
    expect(part.data_coding).toBe(8);
    expect((part.short_message as Buffer).subarray(0, 2)).toEqual(Buffer.from([0x06, 0x45]));
  });

  it('cuts a long body into exactly the segments measureSms counts, each with a UDH of the same reference', () => {
    const body = `${'a'.repeat(152)}€${'b'.repeat(300)}`;
    const parts = submitSmParts(body, SETTINGS, 7);
    expect(parts).toHaveLength(measureSms(body).segments);
    parts.forEach((part, i) => {
      const bytes = part.short_message as Buffer;
      expect(part.esm_class).toBe(0x40);
      expect([...bytes.subarray(0, 6)]).toEqual([5, 0, 3, 7, parts.length, i + 1]);
      expect(bytes.length - 6).toBeLessThanOrEqual(153);
    });
    // The escape pair of € is never split across two parts.
    expect(splitSms(body).parts[0]).toBe('a'.repeat(152));
  });

  it('sends a long body whole in message_payload when the carrier says so', () => {
    const parts = submitSmParts('x'.repeat(400), { ...SETTINGS, longMessages: 'message_payload' }, 1);
    expect(parts).toHaveLength(1);
    expect((parts[0].message_payload as Buffer).length).toBe(400);
    expect((parts[0].short_message as Buffer).length).toBe(0);
  });

  it('writes addresses with their TON/NPI and the validity as a relative time', () => {
    const auto = { sourceTon: null, sourceNpi: null };
    expect(sourceAddress('+14155550100', auto)).toEqual({ ton: 1, npi: 1, addr: '14155550100' });
    expect(sourceAddress('12345', auto)).toEqual({ ton: 3, npi: 0, addr: '12345' });
    expect(sourceAddress('ACME Bank', auto)).toEqual({ ton: 5, npi: 0, addr: 'ACME Bank' });
    expect(destinationAddress('+12125550143', { destTon: 1, destNpi: 1 }).addr).toBe('12125550143');
    expect(relativeValidity(3600)).toBe('000000010000000R');
    expect(relativeValidity(2 * 86400 + 61)).toBe('000002000101000R');
  });
});

describe('deliver_sm read as a receipt or a reply', () => {
  it('reads the receipt text and maps stat onto the statuses of a Twilio callback', () => {
    const text =
      'id:0001234 sub:001 dlvrd:001 submit date:2612031000 done date:2612031001 stat:DELIVRD err:000 text:Hi';
    const receipt = pdu('deliver_sm', { esm_class: 4, short_message: Buffer.from(text) });
    expect(readDeliverSm(receipt)).toEqual({
      kind: 'receipt',
      messageId: '0001234',
      status: 'delivered',
      errorCode: null,
    });
    const expired = pdu('deliver_sm', { esm_class: 4, short_message: Buffer.from('id:9 stat:EXPIRED err:012') });
    expect(readDeliverSm(expired)).toMatchObject({ status: 'undelivered', errorCode: '30036' });
    const undelivered = pdu('deliver_sm', { esm_class: 4, short_message: Buffer.from('id:9 stat:UNDELIV err:012') });
    expect(readDeliverSm(undelivered)).toMatchObject({ status: 'undelivered', errorCode: 'smpp:012' });
  });

  it('ignores an optional parameter SMPP 3.4 does not define, as the specification says', () => {
    const bytes = pdu('deliver_sm', {
      esm_class: 4,
      short_message: Buffer.from('id:77 stat:DELIVRD err:000'),
    }).toBuffer();
    const unknownTlv = Buffer.from([0x14, 0x01, 0x00, 0x02, 0xab, 0xcd]);
    const withTlv = Buffer.concat([bytes, unknownTlv]);
    withTlv.writeUInt32BE(withTlv.length, 0);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PDU } = require('smpp') as { PDU: { fromBuffer(buffer: Buffer): Parameters<typeof readDeliverSm>[0] } };
    expect(readDeliverSm(PDU.fromBuffer(withTlv))).toEqual({
      kind: 'receipt',
      messageId: '77',
      status: 'delivered',
      errorCode: null,
    });
  });

  it('prefers receipted_message_id and message_state when the SMSC sends them', () => {
    const receipt = pdu('deliver_sm', { esm_class: 4, receipted_message_id: 'A1B2', message_state: 8 });
    expect(readDeliverSm(receipt)).toMatchObject({ messageId: 'A1B2', status: 'failed' });
  });

  it('reads any other deliver_sm as a reply with its addresses in E.164', () => {
    const reply = pdu('deliver_sm', {
      source_addr_ton: 1,
      source_addr: '12125550143',
      dest_addr_ton: 0,
      destination_addr: '4155550100',
      short_message: Buffer.from('STOP'),
    });
    expect(readDeliverSm(reply)).toEqual({ kind: 'reply', from: '+12125550143', to: '+14155550100', body: 'STOP' });
    expect(e164Of('12345', 3)).toBe('12345');
  });

  it('matches an id however the SMSC writes it: case, leading zeros, hex or decimal', () => {
    expect(messageIdForms('00A1b2')).toEqual(['a1b2', '41394']);
    expect(messageIdForms('41394')).toContain('a1b2');
    expect(messageIdForms('0041394')[0]).toBe('41394');
  });
});
