// Calling lists: what is loaded, and an upload form that maps the CSV's own columns (the file is sent as it is).
import { api } from './api.js';
import { asSentence, field, formatTime, h, showError, table } from './dom.js';

function columnOptions(select, columns, optional) {
  select.replaceChildren(
    ...(optional ? [h('option', { value: '' }, '(none)')] : []),
    ...columns.map((c) => h('option', { value: c }, c)),
  );
}

// The server reads the header row, exactly as the import will (quotes, BOM, encoding): only the file's start is sent.
async function csvFields(file, config) {
  const { fields } = await api('POST', '/calling-lists/fields', file.slice(0, config.csvHeaderReadBytes), 'text/csv');
  return fields;
}

/** mountLists shows the business unit's calling lists and the upload form. */
export function mountLists(root, { config }) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const { el: grid, fill } = table(
    ['Name', 'Fields', 'Accepted', 'Rejected', 'Loaded'],
    'No calling lists yet: upload one below.',
  );
  grid.id = 'lists';
  const refresh = async () => {
    const lists = await api('GET', '/calling-lists');
    fill(
      lists.map((list) =>
        h(
          'tr',
          {},
          h('td', { dir: 'auto' }, list.name, h('div', { class: 'muted id' }, list.id)),
          h('td', {}, list.fields.join(', ')),
          h('td', { class: 'num' }, String(list.accepted)),
          h('td', { class: 'num' }, String(list.rejected)),
          h('td', {}, formatTime(list.createdAt)),
        ),
      ),
    );
  };

  const file = h('input', { type: 'file', id: 'list-file', accept: '.csv,text/csv', required: true });
  const name = h('input', { required: true, placeholder: 'Customers June' });
  const phone = h('select', { required: true, id: 'list-phone-field' });
  const mobile = h('select', { id: 'list-mobile-field' });
  const timezone = h('select', { id: 'list-timezone-field' });
  const fileError = h('p', { class: 'error', role: 'alert', id: 'list-file-error', hidden: true });
  const result = h('p', { class: 'ok', role: 'status', hidden: true });
  const upload = h('button', { type: 'submit' }, 'Upload');
  let picking = 0;
  file.addEventListener('change', async () => {
    const picked = file.files[0];
    const pick = ++picking;
    [phone, mobile, timezone].forEach((select) => select.replaceChildren());
    showError(fileError, null);
    if (!picked) return;
    if (!name.value) name.value = picked.name.replace(/\.csv$/i, '');
    try {
      const columns = await csvFields(picked, config);
      // Another file was chosen while this one was being read: its answer is the one to show.
      if (pick !== picking) return;
      columnOptions(phone, columns, false);
      columnOptions(mobile, columns, true);
      columnOptions(timezone, columns, true);
      phone.value = columns.find((c) => /phone/i.test(c)) ?? columns[0] ?? '';
    } catch (failure) {
      if (pick === picking) showError(fileError, `This file cannot be used: ${asSentence(failure.message)}`);
    }
  });
  const form = h(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        const query = new URLSearchParams({ name: name.value.trim(), phoneField: phone.value });
        if (mobile.value) query.set('mobileField', mobile.value);
        if (timezone.value) query.set('timezoneField', timezone.value);
        upload.disabled = true;
        upload.textContent = 'Uploading…';
        try {
          const list = await api('POST', `/calling-lists?${query}`, file.files[0], 'text/csv');
          const firstErrors = list.errors.slice(0, 3).map((e) => `row ${e.row} ${e.field}: ${e.message}`);
          result.textContent = `“${list.name}”: ${list.accepted} accepted, ${list.rejected} rejected. ${firstErrors.join('; ')}`;
          result.hidden = false;
          showError(error, null);
          await refresh();
        } catch (failure) {
          showError(error, failure);
        } finally {
          upload.disabled = false;
          upload.textContent = 'Upload';
        }
      },
    },
    h(
      'div',
      { class: 'row' },
      field('CSV file', file),
      field('Name', name),
      field('Phone column', phone),
      field('Mobile column', mobile),
      field('Time zone column', timezone),
    ),
    fileError,
    upload,
    result,
  );
  root.append(
    h('section', { class: 'card' }, h('h2', {}, 'Calling lists'), error, h('div', { class: 'scroll' }, grid)),
    h('section', { class: 'card' }, h('h2', {}, 'Upload a calling list'), form),
  );
  refresh().catch((failure) => showError(error, failure));
}
