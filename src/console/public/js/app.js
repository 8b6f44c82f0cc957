// The console's entry point: sign-in, navigation between views (#/campaigns, #/inbox, …) and the agent's name.
import { api, apiKey, loadConsoleConfig, setApiKey } from './api.js';
import { showError } from './dom.js';
import { mountCampaigns } from './campaigns.js';
import { mountDnc } from './dnc.js';
import { mountInbox } from './inbox.js';
import { mountLists } from './lists.js';
import { mountReports } from './reports.js';
import { mountSenders } from './senders.js';
import { mountSetup } from './setup.js';
import { mountTemplates } from './templates.js';

const VIEWS = {
  campaigns: mountCampaigns,
  lists: mountLists,
  templates: mountTemplates,
  senders: mountSenders,
  dnc: mountDnc,
  inbox: mountInbox,
  reports: mountReports,
  setup: mountSetup,
};
const AGENT_STORAGE = 'proactive-sms.agent';

const byId = (id) => document.getElementById(id);
const inputById = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
let unmount = () => {};
let context = null;
// Held here: a view replaces the form in the page, and signing out must bring the same form back.
const signInForm = byId('sign-in');

function currentView() {
  const name = location.hash.replace(/^#\/?/, '').split('/')[0];
  return name in VIEWS ? name : 'campaigns';
}

function route() {
  unmount();
  const name = currentView();
  for (const link of byId('nav').querySelectorAll('a')) {
    link.classList.toggle('active', link.getAttribute('href') === `#/${name}`);
  }
  const container = byId('view');
  container.replaceChildren();
  unmount = VIEWS[name](container, context) ?? (() => {});
}

function showSignIn(message) {
  unmount();
  unmount = () => {};
  byId('nav').hidden = true;
  byId('session').hidden = true;
  byId('view').replaceChildren(signInForm);
  signInForm.hidden = false;
  showError(byId('sign-in-error'), message);
  byId('api-key').focus();
}

async function enter() {
  // GET /settings is the cheapest call that proves the key belongs to a business unit.
  await api('GET', '/settings');
  signInForm.hidden = true;
  byId('nav').hidden = false;
  byId('session').hidden = false;
  route();
}

async function start() {
  const config = await loadConsoleConfig();
  const agentInput = inputById('agent-name');
  agentInput.value = sessionStorage.getItem(AGENT_STORAGE) ?? '';
  agentInput.addEventListener('change', () => sessionStorage.setItem(AGENT_STORAGE, agentInput.value.trim()));
  context = { config, agent: () => agentInput.value.trim() };

  signInForm.addEventListener('submit', (event) => {
    event.preventDefault();
    setApiKey(inputById('api-key').value.trim());
    enter().catch((error) => showSignIn(error.status === 401 ? 'That API key is not valid.' : error));
  });
  byId('sign-out').addEventListener('click', () => {
    setApiKey(null);
    showSignIn(null);
  });
  window.addEventListener('signed-out', () => showSignIn('Your key was refused; sign in again.'));
  window.addEventListener('hashchange', () => {
    if (apiKey()) route();
  });
  if (apiKey()) await enter().catch((error) => showSignIn(error));
  else showSignIn(null);
}

start().catch((error) => {
  document.body.textContent = `The console could not start: ${error.message}`;
});
