import type { TestSystem } from './test-system';

/** expectEachRecipientOnce checks the simulator accepted exactly one message per phone from a sender. */
export function expectEachRecipientOnce(system: TestSystem, senderAddress: string, phones: string[]): void {
  const counts = new Map<string, number>();
  for (const m of system.sentMessages()) if (m.from === senderAddress) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  expect([...counts.keys()].sort()).toEqual([...phones].sort());
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
}
