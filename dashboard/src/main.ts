/**
 * The supervisor dashboard's entry: sign in (email and password through REST, or a pasted token), pick a project,
 * open its live page. The token is kept in sessionStorage so a reload stays signed in, and only in this tab.
 */
import { ApiError, failureText, myProjects, normalizeToken, signIn, type MyProject } from './api.js';
import { byId, h } from './dom.js';
import { openProject } from './project-view.js';
import './style.css';

const TOKEN_KEY = 'deskwire.dashboard.token';

const signinView = byId('signin');
const appView = byId('app');
const signinError = byId('signin-error');
const picker = byId<HTMLSelectElement>('project');
let closeProject: (() => void) | null = null;

function showSignin(message = ''): void {
  closeProject?.();
  closeProject = null;
  sessionStorage.removeItem(TOKEN_KEY);
  appView.hidden = true;
  signinView.hidden = false;
  signinError.textContent = message;
}

async function enter(token: string): Promise<void> {
  let projects: MyProject[];
  try {
    projects = await myProjects(token);
  } catch (error) {
    return showSignin(error instanceof ApiError && error.status === 401 ? 'That token is not valid (or has expired).' : `Could not load projects: ${failureText(error)}`);
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  signinView.hidden = true;
  appView.hidden = false;
  if (projects.length === 0) {
    picker.replaceChildren(h('option', {}, 'No projects'));
    return;
  }
  picker.replaceChildren(...projects.map((p) => h('option', { value: p.id }, `${p.name} (${p.role})`)));
  const open = () => {
    const project = projects.find((p) => p.id === picker.value) ?? projects[0]!;
    closeProject?.();
    byId('role').textContent = project.role;
    closeProject = openProject(project, token, (reason) => showSignin(`Signed out: ${reason}`));
  };
  picker.onchange = open;
  open();
}

byId<HTMLFormElement>('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.currentTarget as HTMLFormElement);
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const pasted = String(form.get('token') ?? '').trim();
  signinError.textContent = '';
  try {
    await enter(pasted !== '' ? normalizeToken(pasted) : await signIn(email, password));
  } catch (error) {
    signinError.textContent = error instanceof ApiError && error.code === 'SIGNIN_FAILED' ? 'Wrong email or password.' : `Sign-in failed: ${failureText(error)}`;
  }
});
byId('signout').addEventListener('click', () => showSignin());

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) void enter(saved);
