// The console's entry point: sign-in, navigation between views (#/campaigns, #/inbox, …) and the agent's name. A
// business unit's key opens the supervisor's console; an agent's own key opens that agent's inbox and nothing else.
import { api, apiKey, loadConsoleConfig, setApiKey } from './api.js';
import { showError } from './dom.js';
import { mountAgentInbox } from './agent-inbox.js';
import { mountCampaigns } from './campaigns.js';
import { mountDnc } from './dnc.js';
import { mountInbox } from './inbox.js';
import { mountLists } from './lists.js';
import { mountQueues } from './queues.js';
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
  queues: mountQueues,
  reports: mountReports,
  setup: mountSetup,
};
const AGENT_VIEWS = { inbox: mountAgentInbox };
const AGENT_STORAGE = 'proactive-sms.agent';

const byId = (id) => document.getElementById(id);
const inputById = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
let unmount = () => {};
let context = null;
// Held here: a view replaces the form in the page, and signing out must bring the same form back.
const signInForm = byId('sign-in');

const viewsOf = () => (context.role === 'agent' ? AGENT_VIEWS : VIEWS);

function currentView() {
  const name = location.hash.replace(/^#\/?/, '').split('/')[0];
  const views = viewsOf();
  return name in views ? name : Object.keys(views)[0];
}

function route() {
  unmount();
  const name = currentView();
  for (const link of byId('nav').querySelectorAll('a')) {
    const view = link.getAttribute('href').slice(2);
    link.classList.toggle('active', view === name);
    link.hidden = !(view in viewsOf());
  }
  const container = byId('view');
  container.replaceChildren();
  unmount = viewsOf()[name](container, context) ?? (() => {});
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

// An agent's key may not read the settings: the refusal names its role, and the page becomes that agent's inbox.
async function whoIsSignedIn() {
  try {
    // GET /settings is the cheapest call that proves the key belongs to a business unit.
    await api('GET', '/settings');
    return { role: 'supervisor', me: null };
  } catch (error) {
    if (error.status !== 403 || error.details?.role !== 'agent') throw error;
    return { role: 'agent', me: await api('GET', '/agents/me') };
  }
}

async function enter() {
  Object.assign(context, await whoIsSignedIn());
  signInForm.hidden = true;
  byId('nav').hidden = false;
  byId('session').hidden = false;
  // An agent is known by its key: the name box is the supervisor's, for "assign to me".
  byId('agent-name').closest('label').hidden = context.role === 'agent';
  route();
}

async function start() {
  const config = await loadConsoleConfig();
  const agentInput = inputById('agent-name');
  agentInput.value = sessionStorage.getItem(AGENT_STORAGE) ?? '';
  agentInput.addEventListener('change', () => sessionStorage.setItem(AGENT_STORAGE, agentInput.value.trim()));
  context = {
    config,
    role: 'supervisor',
    me: null,
    agent: () => (context.role === 'agent' ? context.me.name : agentInput.value.trim()),
  };

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
