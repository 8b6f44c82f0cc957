import { batchPageSize } from '../../../src/campaigns/dispatch-batch';

describe('batchPageSize', () => {
  it('is batchSize when the senders would take longer than batchSeconds to send it', () => {
    expect(batchPageSize({ batchSize: 500, batchSeconds: 60 }, [{ mps: 5 }])).toBe(500);
  });

  it('holds batchSeconds of the senders’ combined rate when that is more', () => {
    expect(batchPageSize({ batchSize: 500, batchSeconds: 60 }, [{ mps: 50 }])).toBe(3000);
    expect(batchPageSize({ batchSize: 500, batchSeconds: 60 }, [{ mps: 20 }, { mps: 30 }])).toBe(3000);
  });

  it('never holds more than ten times batchSize', () => {
    expect(batchPageSize({ batchSize: 500, batchSeconds: 60 }, [{ mps: 1000 }])).toBe(5000);
  });

  it('is exactly batchSize without batchSeconds (runs started before it existed)', () => {
    expect(batchPageSize({ batchSize: 5 }, [{ mps: 500 }])).toBe(5);
    expect(batchPageSize({ batchSize: 5, batchSeconds: 0 }, [{ mps: 500 }])).toBe(5);
  });
});
