// Templates: the saved ones, and an editor whose preview shows the merged text (right-to-left shown right-to-left),
// its encoding and its segment count as the author types. The API parses, merges and measures: the variables that
// get sample fields are the ones its preview names, so the page holds no copy of the template syntax.
import { api } from './api.js';
import { asSentence, debounce, field, h, showError, table } from './dom.js';

// What a refused preview or save means to the author, as a sentence (the API's message names schema fields).
function templateProblem(failure) {
  if (failure.code === 'missing_value' && failure.details?.variable)
    return `{${failure.details.variable}} has no sample value, and the template gives it no fallback.`;
  if (Array.isArray(failure.details) && failure.details.length === 1 && failure.details[0].message)
    return asSentence(failure.details[0].message);
  return failure.message;
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
  const { el: grid, fill } = table(
    ['Name', 'Body', 'Direction', 'Encoding', 'Segments', 'Variables'],
    'No templates yet: write one below.',
  );
  grid.id = 'templates';
  const refresh = async () => fill((await api('GET', '/templates')).map(templateRow));

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
  const previewError = h('p', { id: 'preview-error', class: 'error', hidden: true });

  // Sample inputs follow the variables the API names; a new one starts as the variable's own name, as the API merged it.
  const syncSamples = (names) => {
    // Unchanged variables leave the inputs where they are: moving them would take the focus from the one being typed in.
    if (names.join('\n') === [...sampleInputs.keys()].join('\n')) return;
    const inputs = names.map(
      (variable) =>
        sampleInputs.get(variable) ??
        h('input', { dir: 'auto', value: variable, 'data-variable': variable, oninput: () => preview() }),
    );
    sampleInputs.clear();
    names.forEach((variable, i) => sampleInputs.set(variable, inputs[i]));
    samples.replaceChildren(...names.map((variable, i) => field(`{${variable}}`, inputs[i])));
  };
  let asked = 0;
  const preview = debounce(200, async () => {
    const ask = ++asked;
    if (!body.value) {
      syncSamples([]);
      previewText.replaceChildren();
      previewFacts.replaceChildren();
      return showError(previewError, null);
    }
    const fields = Object.fromEntries([...sampleInputs].map(([variable, input]) => [variable, input.value]));
    try {
      const merged = await api('POST', '/templates/preview', {
        body: body.value,
        fields,
        direction: direction.value,
        smartEncoding: smart.checked,
        absentAsName: true,
      });
      // A slower answer to an earlier keystroke must not overwrite a later one.
      if (ask !== asked) return;
      syncSamples(merged.variables);
      previewText.textContent = merged.text;
      previewFacts.textContent = `${merged.encoding} · ${merged.characters} characters · ${merged.segments} segment${merged.segments === 1 ? '' : 's'}`;
      showError(previewError, null);
    } catch (failure) {
      if (ask !== asked) return;
      if (failure.details?.variables) syncSamples(failure.details.variables);
      showError(previewError, templateProblem(failure));
    }
  });
  const showDirection = () => {
    body.dir = direction.value;
    previewText.dir = direction.value;
  };
  body.addEventListener('input', () => preview());
  direction.addEventListener('change', () => {
    showDirection();
    preview();
  });
  smart.addEventListener('change', () => preview());

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
          syncSamples([]);
          showDirection();
          previewText.replaceChildren();
          previewFacts.replaceChildren();
          showError(previewError, null);
          showError(error, null);
          await refresh();
        } catch (failure) {
          showError(error, templateProblem(failure));
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
