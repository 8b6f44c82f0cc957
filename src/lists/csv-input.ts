import { Transform, TransformCallback } from 'node:stream';

/** CsvInputError is a problem with the uploaded file itself, located by its line. */
export class CsvInputError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

/**
 * utf8Validator passes bytes through unchanged and fails with the line number at the first byte sequence that is
 * not UTF-8, because a list saved in another encoding would silently turn names into mojibake.
 */
export function utf8Validator(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (first) {
        first = false;
        if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
          return callback(new CsvInputError('the file is UTF-16; save it as UTF-8 (with or without BOM)', 1));
        }
      }
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        // Locate the bad line: count newlines up to the first byte the decoder rejects.
        const probe = new TextDecoder('utf-8', { fatal: true });
        let good = 0;
        for (let end = 1; end <= chunk.length; end++) {
          try {
            probe.decode(chunk.subarray(good, end), { stream: true });
            good = end;
          } catch {
            break;
          }
        }
        const badLine = line + countNewlines(chunk.subarray(0, good));
        return callback(new CsvInputError(`line ${badLine} is not valid UTF-8; save the file as UTF-8`, badLine));
      }
      line += countNewlines(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      try {
        decoder.decode();
        callback();
      } catch {
        callback(new CsvInputError(`line ${line} ends in the middle of a UTF-8 character`, line));
      }
    },
  });
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}
