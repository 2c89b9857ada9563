// Flows: each flow's graph (drawn by the daemon, the states your unfinished instances are in
// filled and counted), its source with line numbers, its settings and its stored versions.
import { api, seg } from './api.js';
import { h, clear, time } from './dom.js';
import { showError } from './app.js';

export async function flowsPage(view) {
  const flows = (await api('/flows')).body.flows;
  view.append(h('h1', {}, 'Flows'),
    h('table.responsive', {},
      h('thead', {}, h('tr', {}, ['Flow', 'Version', 'Triggers', 'Description'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, flows.map(f => h('tr', {},
        h('td', {}, h('a', { href: `#/flows/${seg(f.name)}` }, f.name)),
        h('td.mono', {}, `${f.version} (${f.hash.slice(0, 7)})`),
        h('td', {}, f.triggers.map(t => t.event ? `event ${t.event}` : `cron ${t.schedule} ${t.zone}`).join(', ') || '—'),
        h('td', {}, f.description || ''))))));
}

/** The source with a line number before each line (CSS counters: copying the text copies no numbers). */
export function sourceView(text, errorLines = new Set()) {
  return h('pre.source', { tabindex: '0', 'aria-label': 'Source' },
    text.split('\n').map((line, index) => h(`span.line${errorLines.has(index + 1) ? '.error' : ''}`, { 'data-line': index + 1 }, line || ' ')));
}

export async function flowPage(view, name) {
  const flow = (await api(`/flows/${seg(name)}`)).body;
  const graph = h('div.graph', { id: 'graph', role: 'img', 'aria-label': `states of ${name}; filled: states your unfinished instances are in, with their counts` });
  const renderer = h('p.help');
  view.append(
    h('h1', {}, `${flow.name} v${flow.version}`),
    h('p', {}, flow.description || ''),
    h('p', {}, h('a', { href: `#/instances?flow=${seg(name)}` }, 'Its instances')),
    h('h2', {}, 'Graph'), renderer, graph,
    h('h2', {}, 'Settings'),
    h('table.responsive', {},
      h('thead', {}, h('tr', {}, ['Setting', 'Type', 'Default', 'In effect for you', 'Agency may change'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, Object.entries(flow.settings).sort().map(([key, s]) => h('tr', {},
        h('td.mono', {}, key), h('td', {}, s.type), h('td.mono', {}, JSON.stringify(s.default)),
        h('td.mono', {}, JSON.stringify(s.effective)), h('td', {}, s.overridable ? 'yes' : 'no'))))),
    h('h2', {}, 'Source'), sourceView(flow.source),
    h('h2', {}, 'Versions'),
    h('ul', {}, flow.versions.map(v => h('li', {}, h('span.mono', {}, v.hash.slice(0, 12)), ` v${v.version} stored `,
      time(v.created_at), v.current ? ' (current)' : ''))));
  try {
    const drawn = await api(`/flows/${seg(name)}/graph.svg`, { raw: true });
    graph.innerHTML = drawn.body; // drawn by the daemon from the deployed flow
    renderer.textContent = drawn.headers.get('X-Flow-Graph-Renderer') === 'graphviz'
      ? 'Drawn by Graphviz.' : 'Graphviz is not installed on the daemon: an outline of the states.';
  } catch (error) {
    clear(graph).append(h('p.muted', {}, `No graph: ${error.message}`));
    showError(error);
  }
}
