// Agency overrides: the document in an editor whose gutter marks the lines the validator objects
// to, checked as you type (POST …/overrides/check, nothing stored); saving goes through PUT (the
// same checks, If-Match against a concurrent change, audited); the change history below.
import { api, APIError, seg } from './api.js';
import { h, clear, time } from './dom.js';
import { identity, showError, showInfo } from './app.js';

export async function overridesPage(view) {
  const me = identity();
  let agency = me.agency;
  const picker = h('input', { type: 'text', name: 'agency', value: agency || '' });
  if (me.admin) {
    const form = h('form.card', {}, h('label', { for: 'agency-pick' }, 'Agency'), picker,
      h('button', { type: 'submit' }, 'Open'));
    picker.id = 'agency-pick';
    form.addEventListener('submit', event => { event.preventDefault(); agency = picker.value.trim(); open(); });
    view.append(h('h1', {}, 'Agency overrides'), form);
  } else {
    view.append(h('h1', {}, `Overrides of ${agency}`));
  }
  const area = h('div');
  view.append(area);
  const open = async () => {
    clear(area);
    if (!agency) return;
    let current;
    try { current = await api(`/agencies/${seg(agency)}/overrides`); }
    catch (error) { showError(error); return; }
    const etag = current.headers.get('ETag');
    const text = current.body.document ?? `agency: ${agency}\n`;
    const editor = h('textarea', { id: 'overrides-editor', spellcheck: 'false', 'aria-describedby': 'diagnostics', wrap: 'off' });
    editor.value = text;
    const gutter = h('div.gutter', { 'aria-hidden': 'true' });
    const diagnostics = h('ul.diagnostics', { id: 'diagnostics', 'aria-live': 'polite' });
    const save = h('button', { type: 'button', id: 'save-overrides' }, 'Save');
    const historyBox = h('div', { id: 'overrides-history' });
    area.append(
      h('p.help', {}, `Revision ${current.body.revision} in effect (${current.body.origin}). Diagnostics appear beside their lines as you type; nothing is stored until you save.`),
      h('label', { for: 'overrides-editor' }, `agencies/${agency}.yaml`),
      h('div.editor', {}, gutter, editor),
      diagnostics, save,
      h('h2', {}, 'Settings in effect'), settingsTable(current.body),
      h('h2', {}, 'History'), historyBox);
    let marked = new Map();
    const drawGutter = () => {
      const lines = editor.value.split('\n').length;
      clear(gutter);
      for (let line = 1; line <= lines; line++) {
        const diagnostic = marked.get(line);
        gutter.append(diagnostic ? h('span.error', { title: diagnostic }, String(line)) : String(line), '\n');
      }
      gutter.scrollTop = editor.scrollTop;
    };
    const show = list => {
      marked = new Map();
      clear(diagnostics);
      for (const d of list) {
        if (d.severity === 'error' && d.line) marked.set(d.line, d.message);
        diagnostics.append(h(`li.${d.severity}`, { 'data-line': d.line ?? '' },
          `${d.severity} ${d.code || ''} at line ${d.line ?? '?'}${d.column ? `, column ${d.column}` : ''}: ${d.message}`));
      }
      if (list.length === 0) diagnostics.append(h('li.muted', {}, 'No problems found.'));
      drawGutter();
    };
    const check = async () => {
      try {
        const result = await api(`/agencies/${seg(agency)}/overrides/check`, { method: 'POST', text: editor.value });
        show(result.body.diagnostics);
        save.disabled = false;
      } catch (error) {
        if (error instanceof APIError && error.status === 422 && error.body?.error?.diagnostics) {
          show(error.body.error.diagnostics);
          save.disabled = true;
        } else { showError(error); }
      }
    };
    let timer = null;
    editor.addEventListener('input', () => { drawGutter(); clearTimeout(timer); timer = setTimeout(check, 400); });
    editor.addEventListener('scroll', () => { gutter.scrollTop = editor.scrollTop; });
    save.addEventListener('click', async () => {
      try {
        const result = await api(`/agencies/${seg(agency)}/overrides`, {
          method: 'PUT', text: editor.value, headers: etag ? { 'If-Match': etag } : {},
        });
        showInfo(result.body.changed ? 'Saved: the next instances start with these settings.' : 'Nothing changed.');
        open();
      } catch (error) {
        if (error instanceof APIError && error.body?.error?.diagnostics) show(error.body.error.diagnostics);
        showError(error);
      }
    });
    drawGutter();
    check();
    try {
      const history = (await api(`/agencies/${seg(agency)}/overrides/history`)).body.revisions;
      historyBox.append(history.length === 0 ? h('p.muted', {}, 'Never changed through the API.') :
        h('table.responsive', {},
          h('thead', {}, h('tr', {}, ['Revision', 'By', 'When', 'Settings changed'].map(c => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, history.map(r => h('tr', {}, h('td', {}, String(r.revision)), h('td', {}, r.changed_by),
            h('td', {}, time(r.changed_at)), h('td.mono', {}, JSON.stringify(r.changes)))))));
    } catch (error) { showError(error); }
  };
  await open();
}

function settingsTable(body) {
  const flows = body.effective_settings || {};
  const rows = Object.entries(flows).flatMap(([flow, settings]) =>
    Object.entries(settings || {}).map(([key, value]) => [flow, key, value]));
  if (rows.length === 0) return h('p.muted', {}, '—');
  return h('table.responsive', {},
    h('thead', {}, h('tr', {}, ['Flow', 'Setting', 'Value'].map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map(([flow, key, value]) => h('tr', {}, h('td', {}, flow), h('td.mono', {}, key),
      h('td.mono', {}, JSON.stringify(value))))));
}
