// Templates: the saved ones, and an editor whose preview shows the merged text (right-to-left shown right-to-left),
// its encoding and its segment count as the author types, measured by the API itself.
import { api } from './api.js';
import { debounce, field, h, showError, table } from './dom.js';

// {Name} and {Name|fallback}; {{ and }} are literal braces. The API parses for real: this only offers sample fields.
function variablesOf(body) {
  const names = [];
  for (const match of body.replace(/\{\{|\}\}/g, '').matchAll(/\{([^{}|]+)(?:\|[^{}]*)?\}/g)) {
    const name = match[1].trim();
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

function templateRow(template) {
  return h(
    'tr',
    {},
    h('td', { dir: 'auto' }, template.name),
    h('td', { class: 'body', dir: template.direction }, template.body),
    h('td', {}, template.direction),
    h('td', {}, template.encoding),
    h('td', { class: 'num' }, String(template.segments)),
    h('td', {}, template.variables.join(', ')),
  );
}

/** mountTemplates lists the templates and offers the editor with its live preview. */
export function mountTemplates(root) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const { el: grid, body: rows } = table(['Name', 'Body', 'Direction', 'Encoding', 'Segments', 'Variables']);
  grid.id = 'templates';
  const refresh = async () => rows.replaceChildren(...(await api('GET', '/templates')).map(templateRow));

  const name = h('input', { name: 'name', required: true, placeholder: 'Appointment reminder' });
  const direction = h(
    'select',
    { name: 'direction' },
    ['auto', 'ltr', 'rtl'].map((d) => h('option', { value: d }, d)),
  );
  const smart = h('input', { type: 'checkbox' });
  const body = h('textarea', {
    id: 'template-body',
    rows: 4,
    dir: 'auto',
    required: true,
    placeholder: 'مرحبا {FirstName}، موعدك غدا',
  });
  const samples = h('div', { class: 'row', id: 'template-samples' });
  const sampleInputs = new Map();
  const previewText = h('p', { id: 'preview-text', class: 'sms', dir: 'auto' });
  const previewFacts = h('p', { id: 'preview-facts', class: 'muted' });
  const previewError = h('p', { class: 'error', hidden: true });

  const preview = debounce(200, async () => {
    if (!body.value) return previewText.replaceChildren();
    const fields = Object.fromEntries([...sampleInputs].map(([variable, input]) => [variable, input.value]));
    try {
      const merged = await api('POST', '/templates/preview', {
        body: body.value,
        fields,
        direction: direction.value,
        smartEncoding: smart.checked,
      });
      previewText.textContent = merged.text;
      previewFacts.textContent = `${merged.encoding} · ${merged.characters} characters · ${merged.segments} segment${merged.segments === 1 ? '' : 's'}`;
      showError(previewError, null);
    } catch (failure) {
      showError(previewError, failure);
    }
  });
  const syncSamples = () => {
    const names = variablesOf(body.value);
    for (const variable of [...sampleInputs.keys()]) if (!names.includes(variable)) sampleInputs.delete(variable);
    for (const variable of names) {
      if (!sampleInputs.has(variable))
        sampleInputs.set(
          variable,
          h('input', { dir: 'auto', value: variable, 'data-variable': variable, oninput: preview }),
        );
    }
    samples.replaceChildren(...names.map((variable) => field(`{${variable}}`, sampleInputs.get(variable))));
  };
  const showDirection = () => {
    body.dir = direction.value;
    previewText.dir = direction.value;
  };
  body.addEventListener('input', () => {
    syncSamples();
    preview();
  });
  direction.addEventListener('change', () => {
    showDirection();
    preview();
  });
  smart.addEventListener('change', preview);

  const form = h(
    'form',
    {
      id: 'new-template',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api('POST', '/templates', {
            name: name.value.trim(),
            body: body.value,
            direction: direction.value,
            smartEncoding: smart.checked,
          });
          form.reset();
          syncSamples();
          showDirection();
          previewText.replaceChildren();
          previewFacts.replaceChildren();
          showError(error, null);
          await refresh();
        } catch (failure) {
          showError(error, failure);
        }
      },
    },
    h(
      'div',
      { class: 'row' },
      field('Name', name),
      field('Direction', direction),
      h('label', { class: 'check' }, smart, ' Smart encoding (keep GSM-7)'),
    ),
    field('Body', body),
    h('h3', {}, 'Sample values'),
    samples,
    h(
      'div',
      { class: 'preview', id: 'template-preview' },
      h('h3', {}, 'Preview'),
      previewText,
      previewFacts,
      previewError,
    ),
    h('button', { type: 'submit' }, 'Save template'),
  );
  root.append(
    h('section', { class: 'card' }, h('h2', {}, 'Templates'), error, h('div', { class: 'scroll' }, grid)),
    h('section', { class: 'card' }, h('h2', {}, 'New template'), form),
  );
  refresh().catch((failure) => showError(error, failure));
}
