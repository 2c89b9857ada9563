// One timeline entry as a line a person reads: when, what kind, and a few words on what happened,
// with the reasons (deferrals, skips, decisions) the runtime recorded.
import { h, time } from './dom.js';

/** Every kind the daemon writes (the SSE `event:` names), and `end`. */
export const KINDS = [
  'state_entered', 'decided', 'step_called', 'step_succeeded', 'step_failed', 'retry_scheduled', 'step_paused', 'resumed',
  'timer_set', 'deferred',
  'caught', 'approval_requested', 'approval_decided', 'approval_notified', 'approval_reminded', 'approval_escalated', 'event_received', 'event_matched', 'wait_timed_out',
  'branch_cancelled', 'completed', 'ignored', 'message_sent', 'duplicate', 'suppressed', 'alert', 'effect_in_doubt',
  'model_usage', 'feedback',
];

function short(value, limit = 160) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text && text.length > limit ? `${text.slice(0, limit)}…` : text;
}

export function describe(e) {
  switch (e.kind) {
    case 'state_entered': return `entered ${e.state}`;
    case 'decided': return `${e.state}: → ${e.next}${e.reason ? ` — ${e.reason}` : ''}`;
    case 'step_called': return `${e.state}: ${e.step} attempt ${e.attempt}`;
    case 'step_succeeded': return `${e.state}: ${e.step} → ${short(e.output)}`;
    case 'step_failed': return `${e.state}: ${e.step} failed: ${short(e.error?.message || e.error)}`;
    case 'retry_scheduled': return `${e.state}: retry ${e.attempt} at ${e.due_at}`;
    case 'step_paused': return `${e.state}: ${e.step} paused after attempt ${e.attempt}: ${short(e.error?.message || e.error)}`;
    case 'resumed': return `${e.state}: ${e.action === 'fail' ? 'given up' : 'resumed'} by ${e.by || '—'}${e.note ? `: “${e.note}”` : ''}`;
    case 'timer_set': return `${e.state}: timer until ${e.due_at}${e.waiting_for ? ` (waiting for ${e.waiting_for})` : ''}`;
    case 'deferred': return `${e.state}: ${e.reason || `moved from ${e.from_local} to ${e.to_local}`}`;
    case 'approval_requested': return `${e.state}: approval requested — ${e.request?.summary || ''}`;
    case 'approval_decided': return `${e.decision?.decision} by ${e.decision?.by || '—'}${e.decision?.notes ? `: “${e.decision.notes}”` : ''}`;
    case 'event_received': return `event ${e.name}${e.key ? ` (${e.key})` : ''}`;
    case 'message_sent': return `${e.type} → ${e.to} (${e.template})${e.local_time ? ` local ${e.local_time}` : ''}`;
    case 'duplicate': return `${e.type} already sent (${e.key})`;
    case 'suppressed': return `${e.type || ''} not sent: ${e.reason || ''}`;
    case 'alert': return `${e.code}: ${e.message}`;
    case 'completed': return `${e.status}${e.output ? ` ${short(e.output)}` : ''}${e.error ? ` ${short(e.error)}` : ''}`;
    case 'model_usage': return `${e.model}: ${e.total_tokens} tokens`;
    default: return e.explanation || e.reason || e.message || e.state || '';
  }
}

/** The values a decision or deferral was made on (`decided`, `deferred`), as "name = value" pairs. */
function why(e) {
  const values = e.values && typeof e.values === 'object' ? Object.entries(e.values) : [];
  const comparisons = Array.isArray(e.comparisons) ? e.comparisons : [];
  if (values.length === 0 && comparisons.length === 0) return null;
  return h('div.why', {}, comparisons.length ? comparisons.join('; ') : values.map(([k, v]) => `${k} = ${short(v, 60)}`).join(', '));
}

export function entryItem(e, fresh = false) {
  return h(`li${fresh ? '.new' : ''}`, { 'data-seq': e.seq, 'data-kind': e.kind },
    time(e.at), h('span.kind', {}, e.kind), h('div', {}, describe(e), why(e)));
}
