// Approvals inbox: the agency's pending approvals with the request as declared and a live
// countdown; approve or reject with notes; decided and expired ones in a history. Live: the
// `GET /approvals` event stream brings requests and decisions made elsewhere.
import { api, stream, seg } from './api.js';
import { h, clear, status, time, countdown, json, field } from './dom.js';
import { onLeave, showError, showInfo } from './app.js';

function money(amount, currency) {
  if (amount === null || amount === undefined) return null;
  try { return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount); }
  catch { return `${amount} ${currency || ''}`.trim(); }
}

function itemsTable(items) {
  if (!Array.isArray(items) || items.length === 0) return null;
  const columns = [...new Set(items.flatMap(item => item && typeof item === 'object' ? Object.keys(item) : ['item']))];
  return h('table.items', {},
    h('caption.muted', {}, 'Items'),
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map(item => h('tr', {}, columns.map(c => {
      const value = item && typeof item === 'object' ? item[c] : item;
      return h('td', {}, value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
    })))));
}

function details(object) {
  if (!object || typeof object !== 'object') return null;
  return h('dl.kv', {}, Object.entries(object).flatMap(([k, v]) =>
    [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]));
}

function pendingCard(approval, refresh) {
  const request = approval.request || {};
  const notes = h('textarea', { name: 'notes', rows: 2 });
  const decide = decision => async () => {
    try {
      await api(`/approvals/${seg(approval.id)}/decision`, {
        method: 'POST', json: { decision, notes: notes.value || null },
      });
      showInfo(`${decision === 'approve' ? 'Approved' : 'Rejected'}: ${request.summary || approval.id}`);
      refresh();
    } catch (error) { showError(error); }
  };
  const approvers = Array.isArray(approval.approvers) ? approval.approvers.join(', ') : null;
  return h('article.card', { 'data-approval': approval.id, 'aria-labelledby': `a-${approval.id}` },
    h('h3', { id: `a-${approval.id}` }, request.summary || approval.kind || approval.id),
    h('div.row', {}, status(approval.status), h('span', {}, request.kind || approval.kind || ''),
      request.amount !== undefined ? h('strong', {}, money(request.amount, request.currency)) : null,
      countdown(approval.expires_at)),
    h('dl.kv', {},
      h('dt', {}, 'Flow'), h('dd', {}, h('a', { href: `#/instances/${seg(approval.instance_id)}` },
        `${approval.flow} · ${approval.instance_id}`)),
      h('dt', {}, 'State'), h('dd', {}, approval.state),
      request.version !== undefined ? [h('dt', {}, 'Version approved'), h('dd.mono', {}, String(request.version))] : [],
      h('dt', {}, 'Requested'), h('dd', {}, time(approval.requested_at)),
      h('dt', {}, 'Expires'), h('dd', {}, time(approval.expires_at)),
      approvers ? [h('dt', {}, 'Approvers'), h('dd', {}, approvers)] : []),
    itemsTable(request.items),
    request.details ? h('details', {}, h('summary', {}, 'Details'), details(request.details)) : null,
    field('Notes', notes, 'Recorded with the decision and shown in the instance\'s timeline.'),
    h('div.row', {},
      h('button', { type: 'button', onclick: decide('approve') }, 'Approve'),
      h('button.danger', { type: 'button', onclick: decide('reject') }, 'Reject')));
}

function historyTable(rows) {
  if (rows.length === 0) return h('p.muted', {}, 'Nothing decided yet.');
  return h('table.responsive', {},
    h('thead', {}, h('tr', {}, ['Request', 'Status', 'By', 'When', 'Notes', 'Instance'].map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map(a => h('tr', { 'data-approval': a.id },
      h('td', {}, a.request?.summary || a.kind || a.id),
      h('td', {}, status(a.status)),
      h('td', {}, a.decided_by || (a.status === 'expired' ? '(expired)' : '—')),
      h('td', {}, time(a.decided_at || a.expires_at)),
      h('td', {}, a.notes || ''),
      h('td', {}, h('a', { href: `#/instances/${seg(a.instance_id)}` }, a.instance_id))))));
}

export async function approvalsPage(view) {
  const pending = h('div', { id: 'pending', 'aria-live': 'polite' });
  const history = h('div', { id: 'history' });
  view.append(h('h1', {}, 'Approvals'),
    h('p.help', {}, 'Pending requests of your agency, oldest first. The list follows decisions made elsewhere as they happen.'),
    pending, h('h2', {}, 'History'), history);
  const loadHistory = async () => {
    const all = await api('/approvals?status=all&limit=1000');
    const decided = all.body.approvals.filter(a => a.status !== 'pending')
      .sort((a, b) => (b.decided_at || b.expires_at || '').localeCompare(a.decided_at || a.expires_at || ''));
    clear(history).append(historyTable(decided.slice(0, 100)));
  };
  const noneWaiting = () => {
    const empty = pending.querySelector('#no-pending');
    const cards = pending.querySelectorAll('article[data-approval]').length;
    if (cards === 0 && !empty) pending.append(h('p.card.muted', { id: 'no-pending' }, 'No approval is waiting.'));
    if (cards > 0 && empty) empty.remove();
  };
  const refresh = async () => {
    try {
      const open = await api('/approvals?status=pending&limit=200');
      clear(pending);
      for (const approval of open.body.approvals) pending.append(pendingCard(approval, refresh));
      noneWaiting();
      await loadHistory();
    } catch (error) { showError(error); }
  };
  // One approval changed elsewhere: only its card moves, so notes being typed in others stay.
  const changed = async approval => {
    const card = pending.querySelector(`article[data-approval="${CSS.escape(approval.id)}"]`);
    if (approval.status === 'pending') {
      if (!card) pending.append(pendingCard(approval, refresh));
    } else {
      card?.remove();
      try { await loadHistory(); } catch (error) { showError(error); }
    }
    noneWaiting();
  };
  await refresh();
  const source = stream('/approvals', { approval: changed }, ['approval']);
  onLeave(() => source.close());
}
