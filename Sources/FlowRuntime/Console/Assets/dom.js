// Small DOM helpers: elements built from data never go through innerHTML, so no text from the
// API (flow names, notes, messages) can become markup.

/** h('tag.class', {attr: value, onclick: fn}, ...children) */
export function h(spec, attributes = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const element = document.createElement(tag);
  if (classes.length) element.className = classes.join(' ');
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function clear(element) { while (element.firstChild) element.firstChild.remove(); return element; }

export function status(text) { return h(`span.status.${text}`, {}, text); }

/** "2026-07-06 11:00" in the browser's zone, or in `zone` when given; the ISO instant as the title. */
export function when(iso, zone) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (isNaN(date)) return iso;
  const options = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false };
  if (zone) options.timeZone = zone;
  try { return new Intl.DateTimeFormat('sv-SE', options).format(date) + (zone ? ` ${zone}` : ''); }
  catch { return iso; }
}

export function time(iso, zone) { return h('time', { datetime: iso, title: iso }, when(iso, zone)); }

/** "1h 02m 03s" */
export function span(ms) {
  const negative = ms < 0; ms = Math.abs(ms);
  const s = Math.floor(ms / 1000), d = Math.floor(s / 86400), hh = Math.floor(s % 86400 / 3600),
    mm = Math.floor(s % 3600 / 60), ss = s % 60;
  const text = (d ? `${d}d ` : '') + (d || hh ? `${hh}h ` : '') + `${String(mm).padStart(2, '0')}m ${String(ss).padStart(2, '0')}s`;
  return negative ? `-${text}` : text;
}

/** A live countdown to `iso` ("expires in …"), updated every second while it is in the page. */
export function countdown(iso, label = 'expires in') {
  if (!iso) return h('span.muted', {}, 'no expiry');
  const element = h('span.countdown', { 'data-expires-at': iso });
  const tick = () => {
    if (!element.isConnected && element.dataset.started) return;
    element.dataset.started = '1';
    const left = new Date(iso) - Date.now();
    element.textContent = left > 0 ? `${label} ${span(left)}` : 'expired';
    element.classList.toggle('soon', left < 10 * 60 * 1000);
    setTimeout(tick, 1000);
  };
  tick();
  return element;
}

export function json(value) { return h('pre.mono', {}, JSON.stringify(value, null, 2)); }

export function field(labelText, control, help) {
  const id = control.id || `f-${Math.random().toString(36).slice(2)}`;
  control.id = id;
  return h('div', {}, h('label', { for: id }, labelText), control, help ? h('p.help', {}, help) : null);
}
