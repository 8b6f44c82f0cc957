import { Writable } from 'node:stream';
import pino from 'pino';
import { maskPhone, phoneSerializers } from '../../../src/phones/mask-phone';

/** logged writes one entry through a logger built like src/log.ts at a level, and returns it parsed. */
function logged(level: 'info' | 'debug', entry: Record<string, unknown>): Record<string, unknown> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger: pino.Logger = pino(
    { level, serializers: phoneSerializers(() => logger.isLevelEnabled('debug')) },
    sink,
  );
  logger.info(entry, 'inbound message received');
  return JSON.parse(lines[0]);
}

describe('phone numbers in logs', () => {
  it('keeps the country code and last four digits of a number', () => {
    expect(maskPhone('+15551234567')).toBe('+1******4567');
    expect(maskPhone('+447700900123')).toBe('+44******0123');
  });

  it('leaves short codes and alphanumeric sender ids as they are', () => {
    expect(maskPhone('12345')).toBe('12345');
    expect(maskPhone('ACME Bank')).toBe('ACME Bank');
  });

  it('masks every phone field at info level and shows whole numbers at debug level', () => {
    const entry = {
      conversationId: 'c-1',
      contact: '+15551234567',
      from: '+15557654321',
      to: '+14155550100',
      sender: '+14155550100',
    };
    expect(logged('info', entry)).toMatchObject({
      conversationId: 'c-1',
      contact: '+1******4567',
      from: '+1******4321',
      to: '+1******0100',
      // The business's own number is no one's personal data.
      sender: '+14155550100',
    });
    expect(logged('debug', entry)).toMatchObject({ contact: '+15551234567', from: '+15557654321' });
  });
});
