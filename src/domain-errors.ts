// Refusals the domain raises for any caller (the API, the CLI, a workflow's activity); the API maps each to its
// status (API.md's errors) in one place, src/api/errors.ts. Each names the field it is about when there is one.

/** DomainRefusal is a request the domain will not carry out, with the field of the input it is about. */
export abstract class DomainRefusal extends Error {
  abstract readonly kind: 'invalid' | 'not_found' | 'already_exists' | 'conflict' | 'unprocessable';
  constructor(
    /** What is wrong, without the field's name (the message starts with it). */
    readonly reason: string,
    readonly field: string | null = null,
    readonly details?: unknown,
  ) {
    super(field ? `${field}: ${reason}` : reason);
  }
}

/** InvalidInput is input no retry will make valid (400). */
export class InvalidInput extends DomainRefusal {
  readonly kind = 'invalid';
}

/** NotFound is an id that names nothing in the caller's business unit (404; another unit's looks the same). */
export class NotFound extends DomainRefusal {
  readonly kind = 'not_found';
  constructor(what: string, id: string, field: string | null = null) {
    super(`${what} ${id} does not exist`, field);
  }
}

/** AlreadyExists is a second thing where only one may be (409): a sender's address, a group's name. */
export class AlreadyExists extends DomainRefusal {
  readonly kind = 'already_exists';
}

/** NotAllowedNow is a change the current state does not allow (409). */
export class NotAllowedNow extends DomainRefusal {
  readonly kind = 'conflict';
}

/** Unprocessable is well-formed input that cannot work (422): a template variable the list has no field for. */
export class Unprocessable extends DomainRefusal {
  readonly kind = 'unprocessable';
  constructor(
    readonly code: string,
    message: string,
    field: string | null,
    details?: unknown,
  ) {
    super(message, field, details);
  }
}
