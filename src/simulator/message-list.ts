// Twilio's Messages list: filtered by To, From and DateSent, newest first, in pages linked by next_page_uri. A message
// still queued has no date_sent, so a DateSent filter leaves it out, as Twilio's does.
import type { MessageLog } from './message-log';
import { messageResource, messagesPath } from './message-resource';
import { twilioError, type SendReply } from './twilio-errors';

/** ListQuery is a parsed list request: its filters, its page and where the page starts. */
export interface ListQuery {
  to?: string;
  from?: string;
  /** date_sent at or after this instant (epoch ms). */
  sentFrom: number;
  /** date_sent before this instant (epoch ms). */
  sentBefore: number;
  pageSize: number;
  page: number;
  /** A PageToken: the page starts after (older than) or ends before (newer than) the message at index. */
  token?: { direction: 'after' | 'before'; index: number };
  /** The filter parameters as given, in Twilio's order, for the page URIs. */
  filters: [string, string][];
}

const FILTERS = ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>'] as const;
const DAY_MS = 86_400_000;
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/**
 * parseListQuery reads the list's query string, or answers Twilio's 400. `DateSent>=2026-01-31` arrives as the key
 * `DateSent>` (the `=` is the separator), so it means "on or after"; `DateSent<` is "on or before", and a bare date
 * stands for its midnight (UTC), as Twilio documents. A bare `DateSent` date means that whole day.
 */
export function parseListQuery(params: URLSearchParams, log: MessageLog): ListQuery | SendReply {
  const query: ListQuery = {
    sentFrom: Number.NEGATIVE_INFINITY,
    sentBefore: Number.POSITIVE_INFINITY,
    pageSize: DEFAULT_PAGE_SIZE,
    page: 0,
    filters: [],
  };
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value === null) continue;
    query.filters.push([name, value]);
    if (name === 'To') query.to = value;
    else if (name === 'From') query.from = value;
    else {
      const instant = parseInstant(value);
      if (instant === undefined) return invalidParameter(name, value);
      const onlyDate = !value.includes('T');
      if (name === 'DateSent>') query.sentFrom = Math.max(query.sentFrom, instant);
      else if (name === 'DateSent<') query.sentBefore = Math.min(query.sentBefore, instant + 1000);
      else {
        query.sentFrom = Math.max(query.sentFrom, instant);
        query.sentBefore = Math.min(query.sentBefore, instant + (onlyDate ? DAY_MS : 1000));
      }
    }
  }
  const pageSize = params.get('PageSize');
  if (pageSize !== null) {
    query.pageSize = Number(pageSize);
    if (!/^\d+$/.test(pageSize) || query.pageSize < 1 || query.pageSize > MAX_PAGE_SIZE)
      return invalidParameter('PageSize', pageSize);
  }
  const page = params.get('Page');
  if (page !== null) {
    if (!/^\d+$/.test(page)) return invalidParameter('Page', page);
    query.page = Number(page);
  }
  const token = params.get('PageToken');
  if (token !== null) {
    const index = log.indexOfSid(token.slice(2));
    const direction = token.startsWith('PA') ? 'after' : token.startsWith('PB') ? 'before' : undefined;
    if (index === undefined || direction === undefined) return invalidParameter('PageToken', token);
    query.token = { direction, index };
  }
  return query;
}

/** listPage is the list resource of one page: its messages, newest first, and the URIs of the pages around it. */
export function listPage(log: MessageLog, query: ListQuery, accountSid: string): Record<string, unknown> {
  const indexes = pageIndexes(log, query);
  const uri = (page: number, token?: string) => {
    const params = new URLSearchParams(query.filters);
    params.set('PageSize', String(query.pageSize));
    params.set('Page', String(page));
    if (token) params.set('PageToken', token);
    return `${messagesPath(accountSid)}.json?${params.toString()}`;
  };
  const oldest = indexes.at(-1);
  const newest = indexes.at(0);
  const hasNext = oldest !== undefined && !newestFirst(log, query, oldest).next().done;
  const start = query.page * query.pageSize;
  const given = query.token && `${query.token.direction === 'after' ? 'PA' : 'PB'}${log.sidOf(query.token.index)}`;
  return {
    first_page_uri: uri(0),
    end: Math.max(start, start + indexes.length - 1),
    previous_page_uri: query.page > 0 && newest !== undefined ? uri(query.page - 1, `PB${log.sidOf(newest)}`) : null,
    messages: indexes.map((index) => messageResource(log, index, accountSid)),
    uri: uri(query.page, given),
    page_size: query.pageSize,
    start,
    next_page_uri: hasNext ? uri(query.page + 1, `PA${log.sidOf(oldest)}`) : null,
    page: query.page,
  };
}

// The indexes on the requested page, newest first. A token pins the page to a message, so messages accepted while a
// client pages through the list neither repeat nor go missing; without one the page is counted from the newest.
function pageIndexes(log: MessageLog, query: ListQuery): number[] {
  const { token, pageSize } = query;
  if (token?.direction === 'before') {
    const newer: number[] = [];
    for (const index of newestFirst(log, query)) {
      if (index <= token.index) break;
      newer.push(index);
    }
    return newer.slice(-pageSize);
  }
  const indexes: number[] = [];
  let skip = token ? 0 : query.page * pageSize;
  for (const index of newestFirst(log, query, token?.index)) {
    if (skip > 0) skip--;
    else if (indexes.push(index) === pageSize) break;
  }
  return indexes;
}

// The matching messages' indexes from the newest down, only those older than `below` when given.
function* newestFirst(log: MessageLog, query: ListQuery, below = log.size): Generator<number> {
  const candidates = query.to === undefined ? undefined : log.indexesTo(query.to);
  let position = candidates ? candidates.length - 1 : below - 1;
  for (; position >= 0; position--) {
    const index = candidates ? candidates[position] : position;
    if (index >= below) continue;
    const message = log.get(index);
    // Twilio keeps dates to the second.
    const sentAt = Math.floor(message.receivedAt / 1000) * 1000;
    if (query.from !== undefined && message.from !== query.from) continue;
    if (sentAt < query.sentFrom || sentAt >= query.sentBefore) continue;
    if (hasDateFilter(query) && log.progressOf(index).status === 'queued') continue;
    yield index;
  }
}

function hasDateFilter(query: ListQuery): boolean {
  return query.sentFrom > Number.NEGATIVE_INFINITY || query.sentBefore < Number.POSITIVE_INFINITY;
}

// A date (its midnight, UTC) or an ISO 8601 date and time.
function parseInstant(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T.+)?$/.test(value)) return undefined;
  const instant = Date.parse(value.includes('T') ? value : `${value}T00:00:00Z`);
  return Number.isFinite(instant) ? instant : undefined;
}

function invalidParameter(name: string, value: string): SendReply {
  return twilioError(400, 20001, `Invalid value '${value}' for parameter ${name}`);
}
