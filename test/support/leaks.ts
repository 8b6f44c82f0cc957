/** answerLeaks names what an error answer gives away that it never may: a stack frame, a source path, SQL. */
export function answerLeaks(text: string): string[] {
  const leaks: [string, RegExp][] = [
    ['a stack frame', /\bat .+:\d+:\d+/],
    ['a source path', /\.(ts|js):\d+/],
    ['SQL', /\bSELECT\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|\bFROM \w+/i],
    ["PostgreSQL's words", /relation "|syntax error at|violates .* constraint|invalid input syntax/],
  ];
  return leaks.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}
