// The console's shell: sign-in, navigation and which page shows (from the URL's hash).
import { api, key, setKey, forgetKey, APIError } from './api.js';
import { clear } from './dom.js';
import { approvalsPage } from './approvals.js';
import { instancesPage, instancePage } from './instances.js';
import { flowsPage, flowPage } from './flows.js';
import { overridesPage } from './overrides.js';

const view = document.getElementById('view');
let me = null;
// What the page open now must stop when another one opens (event streams, timers).
let teardown = [];

export function onLeave(fn) { teardown.push(fn); }

export function showError(error) {
  const box = document.getElementById('alert');
  box.className = 'alert';
  box.textContent = error instanceof APIError ? `${error.status}: ${error.message}` : String(error.message || error);
  box.hidden = false;
  if (error instanceof APIError && error.status === 401) signOut();
}

export function showInfo(text) {
  const box = document.getElementById('alert');
  box.className = 'alert info';
  box.textContent = text;
  box.hidden = false;
}

function hideAlert() { document.getElementById('alert').hidden = true; }

export function identity() { return me; }

async function signIn(value) {
  setKey(value);
  try {
    me = (await api('/me')).body;
  } catch (error) {
    forgetKey();
    me = null;
    throw error;
  }
}

function signOut() {
  forgetKey();
  me = null;
  route();
}

const routes = [
  [/^#\/approvals$/, () => approvalsPage(view)],
  [/^#\/instances(\?.*)?$/, () => instancesPage(view)],
  [/^#\/instances\/([^/]+)$/, m => instancePage(view, decodeURIComponent(m[1]))],
  [/^#\/flows$/, () => flowsPage(view)],
  [/^#\/flows\/([^/]+)$/, m => flowPage(view, decodeURIComponent(m[1]))],
  [/^#\/overrides$/, () => overridesPage(view)],
];

async function route() {
  for (const fn of teardown) { try { fn(); } catch { /* already closed */ } }
  teardown = [];
  hideAlert();
  clear(view);
  const signedIn = !!me;
  document.getElementById('sign-in').hidden = signedIn;
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  document.getElementById('who').textContent = signedIn
    ? `${me.name}${me.agency ? ` · ${me.agency}` : ''}${me.admin ? ' · admin' : ''}` : '';
  if (!signedIn) { document.getElementById('api-key').focus(); return; }
  const hash = location.hash || '#/approvals';
  const section = hash.split('/')[1];
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const match = routes.map(([pattern, page]) => [hash.match(pattern), page]).find(([m]) => m);
  if (!match) { location.hash = '#/approvals'; return; }
  try {
    await match[1](match[0]);
  } catch (error) {
    showError(error);
  }
  document.getElementById('main').focus({ preventScroll: true });
}

document.getElementById('sign-in-form').addEventListener('submit', async event => {
  event.preventDefault();
  const input = document.getElementById('api-key');
  try {
    await signIn(input.value.trim());
    input.value = '';
    route();
  } catch (error) {
    showError(error instanceof APIError && error.status === 401 ? new Error('That key was not accepted.') : error);
  }
});
document.getElementById('sign-out').addEventListener('click', signOut);
window.addEventListener('hashchange', route);

(async () => {
  if (key()) {
    try { await signIn(key()); } catch { /* shows the sign-in form */ }
  }
  route();
})();
