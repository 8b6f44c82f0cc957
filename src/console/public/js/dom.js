// Tiny DOM helpers: every text goes in as a text node (never parsed as HTML), and no inline styles or scripts are
// produced, so the console runs under a strict Content-Security-Policy.

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected', 'hidden']);

/** h builds an element: attributes, `on…` listeners and children (strings become text nodes; null is skipped). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (PROPERTIES.has(name)) el[name] = value;
    else if (value !== false) el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return el;
}

/** showError puts an error message into a status element, or clears it with null. */
export function showError(el, error) {
  el.textContent = error ? (error instanceof Error ? error.message : String(error)) : '';
  el.hidden = !error;
}

/** asSentence ends an API message (which may start in lower case) as a sentence: capital first, full stop last. */
export function asSentence(message) {
  const text = message.trim();
  return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');
}

/**
 * showFormError explains a refusal in the form's own words: each field the API names becomes the caption the person
 * sees next to it ("Senders: choose at least one sender."), never a schema path.
 */
export function showFormError(el, failure, captions) {
  const details = Array.isArray(failure?.details) ? failure.details : [];
  const named = details.filter((detail) => captions[String(detail.field).split('.')[0]]);
  if (!named.length) return showError(el, failure ? asSentence(failure.message ?? String(failure)) : null);
  const lines = named.map((detail) => `${captions[String(detail.field).split('.')[0]]}: ${asSentence(detail.message)}`);
  showError(el, [...new Set(lines)].join(' '));
}

/** every runs a task now and again `ms` after each run finishes (no overlap), until the returned stop is called. */
export function every(ms, task, onError = (_error) => {}) {
  let stopped = false;
  let timer;
  const run = async () => {
    try {
      await task();
    } catch (error) {
      onError(error);
    }
    if (!stopped) timer = setTimeout(run, ms);
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** debounce delays a call until `ms` have passed without another one (typing in an editor). */
export function debounce(ms, fn) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** field wraps a control in a label with its caption. */
export function field(caption, control) {
  return h('label', { class: 'field' }, h('span', {}, caption), control);
}

/** formatTime shows a timestamp in the reader's locale. */
export function formatTime(value) {
  return value ? new Date(value).toLocaleString() : '';
}

/** plural counts a thing in words: "1 record", "3 records". */
export function plural(n, word, words = `${word}s`) {
  return `${n} ${n === 1 ? word : words}`;
}

/**
 * table builds a table with a header row. fill(rows) puts the rows in, and when there are none says so in a row of
 * its own (emptyText), so an empty table never reads as a page still loading.
 */
export function table(headers, emptyText = 'Nothing here yet.') {
  const body = h('tbody');
  const el = h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((title) => h('th', {}, title)),
      ),
    ),
    body,
  );
  const fill = (rows) => {
    if (rows.length) body.replaceChildren(...rows);
    else
      body.replaceChildren(
        h('tr', { class: 'empty' }, h('td', { colspan: headers.length, class: 'muted' }, emptyText)),
      );
  };
  return { el, body, fill };
}

// Properties h sets that an attribute does not carry once the element exists.
const LIVE_PROPERTIES = ['disabled', 'hidden', 'checked'];

/**
 * morph makes `el` look like `next` (attributes, the properties h sets, text) while keeping `el` and its descendants
 * wherever their shape is the same, so an element under the pointer survives a redraw and a click started on it
 * lands. A part whose shape changed is replaced by next's. Listeners stay el's own: they must depend only on what
 * identifies the element (a conversation's id), never on what changes. Returns the element now in the page.
 */
export function morph(el, next) {
  if (el.nodeName !== next.nodeName || el.childNodes.length !== next.childNodes.length) {
    el.replaceWith(next);
    return next;
  }
  if (el.nodeType !== Node.ELEMENT_NODE) {
    if (el.nodeValue !== next.nodeValue) el.nodeValue = next.nodeValue;
    return el;
  }
  const element = /** @type {Element} */ (el);
  const wanted = /** @type {Element} */ (next);
  for (const name of element.getAttributeNames()) if (!wanted.hasAttribute(name)) element.removeAttribute(name);
  for (const name of wanted.getAttributeNames())
    if (element.getAttribute(name) !== wanted.getAttribute(name)) element.setAttribute(name, wanted.getAttribute(name));
  for (const property of LIVE_PROPERTIES)
    if (property in wanted && element[property] !== wanted[property]) element[property] = wanted[property];
  const children = [...element.childNodes];
  const nextChildren = [...wanted.childNodes];
  children.forEach((child, i) => morph(child, nextChildren[i]));
  return el;
}

/**
 * reconcile makes a list (ul, ol, tbody) show `items` in order, one element per key (its data-key): an element whose
 * item is still there is morphed in place, new ones are made with `build`, gone ones removed. With no items it shows
 * `empty` (an element without a key), so an empty list never reads as a page still loading.
 */
export function reconcile(list, items, keyOf, build, empty = null) {
  const kept = new Map();
  for (const child of [...list.children]) {
    const key = child.getAttribute('data-key');
    if (key === null) child.remove();
    else kept.set(key, child);
  }
  const wanted = items.map((item) => {
    const key = String(keyOf(item));
    const next = build(item);
    next.setAttribute('data-key', key);
    const old = kept.get(key);
    kept.delete(key);
    return old ? morph(old, next) : next;
  });
  for (const gone of kept.values()) gone.remove();
  // Only an element out of place moves, so a list whose order holds is never touched.
  wanted.forEach((el, i) => {
    if (list.children[i] !== el) list.insertBefore(el, list.children[i] ?? null);
  });
  if (!items.length && empty) list.append(empty);
}
