// Instances: a filtered list, and one instance's page — its live timeline (SSE), what it waits
// for and until when, its settings and version, the messages it sent with their local times,
// its graph with its states filled, a resume panel for steps paused after their retries, and a
// cancel button.
import { api, stream, seg } from './api.js';
import { h, clear, status, time, json, field, countdown } from './dom.js';
import { onLeave, showError, showInfo } from './app.js';
import { KINDS, entryItem } from './timeline.js';

const FILTERS = ['flow', 'status', 'waiting_for', 'trip', 'user', 'created_from', 'created_before'];

function localInstant(value) {
  // <input type=datetime-local> gives local wall time; the API takes an instant.
  if (!value) return null;
  const date = new Date(value);
  return isNaN(date) ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function instancesPage(view) {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const flows = (await api('/flows')).body.flows.map(f => f.name);
  const flow = h('select', { name: 'flow' }, h('option', { value: '' }, 'any'), flows.map(n => h('option', { value: n }, n)));
  const statusSelect = h('select', { name: 'status' }, h('option', { value: '' }, 'any'),
    ['running', 'waiting', 'succeeded', 'failed', 'cancelled'].map(s => h('option', { value: s }, s)));
  const waiting = h('select', { name: 'waiting_for' }, h('option', { value: '' }, 'anything'),
    ['timer', 'event', 'approval', 'retry', 'step', 'resume'].map(s => h('option', { value: s }, s)));
  const trip = h('input', { name: 'trip', type: 'text' });
  const user = h('input', { name: 'user', type: 'text' });
  const from = h('input', { name: 'created_from', type: 'datetime-local' });
  const before = h('input', { name: 'created_before', type: 'datetime-local' });
  const table = h('div', { id: 'instances' });
  const more = h('button.secondary', { type: 'button', hidden: true }, 'More');
  const form = h('form.card', { role: 'search', 'aria-label': 'Filter instances' },
    h('div.grid', {}, field('Flow', flow), field('Status', statusSelect), field('Waiting for', waiting),
      field('Trip', trip), field('User', user), field('Created from', from), field('Created before', before)),
    h('button', { type: 'submit' }, 'Filter'));
  view.append(h('h1', {}, 'Instances'), form, table, more);
  for (const control of [flow, statusSelect, waiting, trip, user]) control.value = params.get(control.name) || '';
  let cursor = null;
  const load = async append => {
    const query = new URLSearchParams();
    for (const control of [flow, statusSelect, waiting, trip, user]) if (control.value) query.set(control.name, control.value);
    if (localInstant(from.value)) query.set('created_from', localInstant(from.value));
    if (localInstant(before.value)) query.set('created_before', localInstant(before.value));
    query.set('limit', '100');
    if (append && cursor) query.set('cursor', cursor);
    const page = (await api(`/instances?${query}`)).body;
    cursor = page.next_cursor;
    more.hidden = !cursor;
    let body = table.querySelector('tbody');
    if (!append || !body) {
      body = h('tbody');
      clear(table).append(h('table.responsive', {},
        h('thead', {}, h('tr', {}, ['Instance', 'Flow', 'Status', 'Waiting for', 'Created', 'Updated'].map(c => h('th', { scope: 'col' }, c)))),
        body));
    }
    for (const i of page.instances) {
      body.append(h('tr', { 'data-instance': i.id },
        h('td', {}, h('a', { href: `#/instances/${seg(i.id)}` }, i.id)),
        h('td', {}, i.flow), h('td', {}, status(i.status)),
        h('td', {}, (i.waiting_for || []).map(w => h('div', {}, `${w.kind}${w.event ? ` ${w.event}` : ''} in ${w.state}`,
          w.until ? [' until ', time(w.until)] : ''))),
        h('td', {}, time(i.created_at)), h('td', {}, time(i.updated_at))));
    }
    if (!append && page.instances.length === 0) table.append(h('p.muted', {}, 'No instance matches.'));
  };
  form.addEventListener('submit', event => { event.preventDefault(); load(false).catch(showError); });
  more.addEventListener('click', () => load(true).catch(showError));
  await load(false);
}

function waitsList(waits) {
  if (!waits || waits.length === 0) return h('p.muted', {}, 'Not waiting.');
  return h('ul', {}, waits.map(w => h('li', {},
    `${w.state}: ${w.kind}${w.event ? ` ${w.event}` : ''}${w.correlation ? ` (${w.correlation})` : ''}${w.approval ? ` ${w.approval}` : ''} `,
    w.kind === 'resume' ? [`— paused after attempt ${w.attempt} since `, time(w.since), `: ${w.error?.code || ''} ${w.error?.message || ''}`] : '',
    w.until ? ['until ', time(w.until), ' (', countdown(w.until, 'in'), ')'] : '')));
}

/** Resume or give up the steps paused after their retries (`on_exhausted: pause`). */
function resumePanel(id, waits) {
  if (!(waits || []).some(w => w.kind === 'resume')) return null;
  const note = h('input', { type: 'text', name: 'note' });
  const retry = h('button', { type: 'button', id: 'resume-retry' }, 'Resume (retry the step)');
  const fail = h('button.danger', { type: 'button', id: 'resume-fail' }, 'Give up (its error goes on)');
  const send = async action => {
    try {
      const json = note.value ? { action, note: note.value } : { action };
      await api(`/instances/${seg(id)}/resume`, { method: 'POST', json });
      showInfo(action === 'retry' ? 'Resume requested: the step is called again.' : 'Requested: the error goes on to its catch.');
      retry.disabled = fail.disabled = true;
    } catch (error) { showError(error); }
  };
  retry.addEventListener('click', () => send('retry'));
  fail.addEventListener('click', () => send('fail'));
  return h('div.row', { id: 'resume' }, field('Note', note), retry, fail);
}

function messagesTable(entries) {
  const sent = entries.filter(e => e.kind === 'message_sent');
  if (sent.length === 0) return h('p.muted', {}, 'No message sent yet.');
  return h('table.responsive', {},
    h('thead', {}, h('tr', {}, ['Type', 'To', 'Template', 'Local time', 'Sent (UTC)'].map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, sent.map(e => h('tr', {}, h('td', {}, e.type), h('td.mono', {}, e.to), h('td', {}, e.template),
      h('td', {}, e.local_time || '—'), h('td', {}, time(e.at))))));
}

export async function instancePage(view, id) {
  const instance = (await api(`/instances/${seg(id)}`)).body;
  const statusBox = h('span', { id: 'instance-status' }, status(instance.status));
  const waits = h('div', { id: 'waits' }, waitsList(instance.waiting_for));
  const messages = h('div', { id: 'messages' });
  const graph = h('div.graph', { id: 'graph', role: 'img', 'aria-label': `states of ${instance.flow} with this instance's filled` });
  const list = h('ol.timeline', { id: 'timeline', 'aria-live': 'polite', 'aria-label': 'Timeline' });
  const reason = h('input', { type: 'text', name: 'reason' });
  const cancel = h('button.danger', { type: 'button', id: 'cancel' }, 'Cancel instance');
  const entries = [];
  const settings = Object.entries(instance.settings || {});
  view.append(
    h('h1', {}, `${instance.flow} · ${instance.id}`),
    h('div.card', {},
      h('dl.kv', {},
        h('dt', {}, 'Status'), h('dd', {}, statusBox),
        h('dt', {}, 'Version'), h('dd.mono', {}, `${instance.version ?? '?'} (${instance.version_hash})`),
        h('dt', {}, 'Agency'), h('dd', {}, instance.agency || '—'),
        h('dt', {}, 'Created'), h('dd', {}, time(instance.created_at)),
        h('dt', {}, 'Next wake'), h('dd', {}, instance.wake_at ? time(instance.wake_at) : '—')),
      h('h2', {}, 'Waiting for'), waits, resumePanel(id, instance.waiting_for),
      instance.output ? [h('h2', {}, 'Output'), json(instance.output)] : null,
      instance.failure ? [h('h2', {}, 'Failure'), json(instance.failure)] : null,
      instance.status === 'running' || instance.status === 'waiting'
        ? h('div.row', {}, field('Reason for cancelling', reason), cancel) : null),
    h('h2', {}, 'Messages'), messages,
    h('h2', {}, 'Timeline'), list,
    h('h2', {}, 'Graph'), graph,
    replayForm(id),
    h('details.card', {}, h('summary', {}, `Effective settings (${settings.length})`),
      h('dl.kv', {}, settings.flatMap(([k, v]) => [h('dt', {}, k), h('dd.mono', {}, JSON.stringify(v))]))));
  cancel.addEventListener('click', async () => {
    if (!confirm(`Cancel ${instance.id}? Nothing more will be sent.`)) return;
    try {
      await api(`/instances/${seg(id)}/cancel`, { method: 'POST', json: reason.value ? { reason: reason.value } : {} });
      showInfo('Cancel requested: the instance ends as soon as a worker applies it.');
      cancel.disabled = true;
    } catch (error) { showError(error); }
  });
  const drawGraph = async () => {
    try {
      const svg = (await api(`/flows/${seg(instance.flow)}/graph.svg?instance=${seg(id)}`, { raw: true })).body;
      graph.innerHTML = svg; // drawn by the daemon from the deployed flow (dot escapes every label)
    } catch (error) { clear(graph).append(h('p.muted', {}, `No graph: ${error.message}`)); }
  };
  drawGraph();
  const refresh = async () => {
    try {
      const now = (await api(`/instances/${seg(id)}`)).body;
      clear(statusBox).append(status(now.status));
      clear(waits).append(waitsList(now.waiting_for));
    } catch (error) { showError(error); }
  };
  let seen = 0;
  let pending = null;
  const add = (entry, fresh) => {
    if (entry.seq <= seen) return;
    seen = entry.seq;
    entries.push(entry);
    list.append(entryItem(entry, fresh));
    clear(messages).append(messagesTable(entries));
    // Status, waits and graph follow the timeline, at most once a second.
    if (fresh && !pending) pending = setTimeout(() => { pending = null; refresh(); drawGraph(); }, 300);
  };
  // The timeline so far as JSON pages, then the rest live from the last sequence read.
  for (;;) {
    const page = (await api(`/instances/${seg(id)}/events?after=${seen}&limit=1000`)).body;
    for (const entry of page.events) add(entry, false);
    if (!page.more) break;
  }
  clear(messages).append(messagesTable(entries));
  const source = stream(`/instances/${seg(id)}/events?after=${seen}`, {
    '*': entry => add(entry, true),
    end: () => { source.close(); refresh(); drawGraph(); if (cancel.isConnected) cancel.disabled = true; },
  }, [...KINDS, 'end']);
  onLeave(() => { source.close(); if (pending) clearTimeout(pending); });
}

/** Replay this instance's recorded inputs and answers through another version of its flow. */
function replayForm(id) {
  const source = h('textarea', { name: 'flow_source', rows: 8, spellcheck: 'false', class: 'mono' });
  const result = h('div', { id: 'replay-result', 'aria-live': 'polite' });
  const form = h('form.card', { 'aria-label': 'Replay through another version' },
    h('h2', {}, 'Replay through another version'),
    field('Flow source (YAML)', source, 'Its recorded inputs, events, decisions and provider answers, on the virtual clock; nothing is sent.'),
    h('button', { type: 'submit' }, 'Replay'), result);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clear(result).append(h('p.muted', {}, 'Replaying…'));
    try {
      const report = (await api(`/instances/${seg(id)}/replay`, { method: 'POST', json: { flow_source: source.value } })).body;
      clear(result).append(replayView(report));
    } catch (error) {
      clear(result);
      const diagnostics = error.body?.error?.diagnostics;
      if (diagnostics) result.append(h('ul.diagnostics', {}, diagnostics.map(d =>
        h(`li.${d.severity}`, {}, `${d.severity} ${d.code} at line ${d.line}, column ${d.column}: ${d.message}`))));
      showError(error);
    }
  });
  return form;
}

function replayView(r) {
  const message = m => `${m.type} → ${m.to} at ${m.local_time || m.at}`;
  return h('div', {},
    h('p', {}, r.differs ? h('strong', {}, 'The new version would differ.') : 'No difference.',
      ` ${r.recorded_version} → ${r.replayed_version}; recorded ${r.recorded.status}, replayed ${r.replayed.status}.`),
    r.missing_answer ? h('p.diff-removed', {}, r.missing_answer.message) : null,
    h('ul', {},
      r.messages.added.map(m => h('li.diff-added', {}, `added: ${message(m)}`)),
      r.messages.removed.map(m => h('li.diff-removed', {}, `removed: ${message(m)}`)),
      r.messages.moved.map(p => h('li.diff-moved', {}, `moved: ${p.recorded.type} ${p.recorded.local_time || p.recorded.at} → ${p.replayed.local_time || p.replayed.at}`)),
      r.messages.changed.map(p => h('li.diff-moved', {}, `changed: ${p.recorded.type} (${p.fields.join(', ')})`)),
      r.states.only_recorded.map(s => h('li', {}, `no longer reached: ${s}`)),
      r.states.only_replayed.map(s => h('li', {}, `now reached: ${s}`))),
    h('details', {}, h('summary', {}, `Replayed timeline (${r.timeline.length} entries)`),
      h('ol.timeline', {}, r.timeline.map(e => entryItem(e)))));
}
