/**
 * `deskwire simulate`: realistic desk traffic through the REST API, for a demo or a load: visitors arriving as a
 * Poisson process at a load the agents can carry, choosing departments where simulated agents work, messages both
 * ways, agents joining, replying, closing after log-normal handle times and taking breaks, visitors leaving when
 * their patience runs out and rating what was closed. The run closes what it opened. A one-line live status on
 * stderr; a summary of what it did at the end.
 */
import { ApiClient, ApiError, type RateLimitState } from './api-client.js';
import type { ParsedArgs } from './args.js';
import { numberOption, stringOption, targetOptionNames, targetUsage, type ClientCommand, type ServerTarget } from './client-command.js';
import { SimulatedAgent } from './simulate-agent.js';
import { SimulationContext, type SimulationTiming } from './simulate-context.js';
import { arrivalsPerMinute, capacityPerMinute, departmentShares, type Capacity, type DepartmentInfo } from './simulate-load.js';
import { exponential, seededRandom } from './simulate-random.js';
import { SimulationStats } from './simulate-stats.js';
import { VISITOR_SIGNIN_SHARE, VisitorPool } from './simulate-visitor-pool.js';
import { visitorArrives } from './simulate-visitor.js';

const DEFAULT_LOAD = 0.7;

const usage = `deskwire simulate [--load L | --rate VISITORS_PER_MINUTE] [--duration SECONDS] [--agents …] [--keep] [--url URL] [--token TOKEN]

Drives a project through the REST API as a desk would be used: visitors arrive at random (a Poisson process),
choose a department where simulated agents work, and write; agents join waiting requests, reply, close them and
take breaks; visitors nobody takes up within their patience leave; most rate what was closed. Prints the arrival
rate and a live status line on stderr and a summary at the end. The run closes the requests it opened when it
ends, also on Ctrl-C or SIGTERM (a second Ctrl-C exits at once).

  --load L           offered load as a share of what the agents can carry (default ${DEFAULT_LOAD}: busy 70 % of the
                     time; above 1 the queue grows): agents × capacity × share of time available / handle time
  --rate N           visitors per minute, instead of --load
  --duration S       seconds to run (default 60)
  --handle-time S    mean seconds from an agent joining to closing, log-normal (default 120); replies, visitor
                     messages and breaks scale with it
  --patience S       mean seconds a visitor waits for an agent before leaving, exponential (default 60)
  --agents LIST      agents to sign in as: EMAIL[:PASSWORD],… (PASSWORD defaults to --password)
  --password PW      the agents' password; without --agents, every agent of the project signs in with it
                     (the demo project's accounts share one password, printed when the server starts)
                     Without either, the --token user is the only agent.
  --capacity N       conversations an agent handles at once (default 3; lower if the project's chat limit is)
  --project ID       the project (default: the first project of the token's or the first agent's user)
  --keep             leave the run's open requests open at the end
  --seed N           draw the same traffic again (arrivals, choices, durations; the server's timing still varies)
  --json             print the summary as one JSON object
${targetUsage}
`;

export const simulateCommand: ClientCommand = {
  name: 'simulate',
  summary: 'Produce realistic desk traffic: simulate [--load L | --rate N] --duration S [--agents …]',
  usage,
  optionNames: [...targetOptionNames, 'load', 'rate', 'duration', 'handle-time', 'patience', 'agents', 'password', 'capacity', 'project', 'seed'],
  switchNames: ['json', 'keep'],
  run: runSimulate,
};

interface Setup {
  projectId: string;
  projectName: string;
  agents: { userId: string; api: ApiClient }[];
  departments: DepartmentInfo[];
  /** The project's per-agent chat limit, when it has one on. */
  chatLimit: number | null;
  /** What the last sign-in answer said of the per-IP sign-in budget. */
  signinBudget: RateLimitState | null;
  /** The --token user when they see every request (owner, admin, supervisor): a second hand to close the run's. */
  supervisor: ApiClient | null;
}

async function runSimulate(args: ParsedArgs, target: ServerTarget): Promise<number> {
  const rateOption = stringOption(args, 'rate') === undefined && args.options.rate !== true ? null : numberOption(args, 'rate', 0);
  const load = numberOption(args, 'load', DEFAULT_LOAD);
  const duration = numberOption(args, 'duration', 60);
  const handleTime = numberOption(args, 'handle-time', 120);
  const patience = numberOption(args, 'patience', 60);
  const capacityOption = numberOption(args, 'capacity', 3);
  const seed = numberOption(args, 'seed', 1);
  const problems = [rateOption, load, duration, handleTime, patience, capacityOption, seed].filter((v): v is string => typeof v === 'string');
  if (rateOption !== null && args.options.load !== undefined) problems.push('give --load or --rate, not both');
  if (args.positionals.length > 0) problems.push(`unexpected argument "${args.positionals[0]}"`);
  if (!target.token && stringOption(args, 'agents') === undefined) problems.push('give --token (or DESKWIRE_TOKEN) or --agents');
  if (problems.length > 0) {
    process.stderr.write(`deskwire simulate: ${problems.join('; ')}\n\n${usage}`);
    return 2;
  }
  const api = new ApiClient(target.url);
  let setup: Setup;
  try {
    setup = await prepare(api, target.token, args);
  } catch (error) {
    process.stderr.write(`deskwire simulate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  const handleMs = (handleTime as number) * 1000;
  const timing: SimulationTiming = {
    handleTimeMs: handleMs,
    visitorMessageEveryMs: handleMs / 3,
    firstReplyMs: Math.min(5000, handleMs / 6),
    agentReplyEveryMs: handleMs / 4,
    availabilityPeriodMs: handleMs * 1.5,
    // Not faster than twice a second: an agent's reads count against the server's per-user budget.
    pollEveryMs: Math.min(2000, Math.max(500, handleMs / 10)),
    patienceMs: (patience as number) * 1000,
  };
  const capacity = Math.max(1, Math.floor(Math.min(capacityOption as number, setup.chatLimit ?? Infinity)));
  const model: Capacity = {
    agents: setup.agents.length,
    chatsPerAgent: capacity,
    handleTimeMs: handleMs,
    // Breaks last a quarter of the time between them.
    availableShare: 1 / 1.25,
  };
  const rate = typeof rateOption === 'number' ? rateOption : arrivalsPerMinute(model, load as number);
  const stats = new SimulationStats();
  const random = args.options.seed === undefined ? Math.random : seededRandom(seed as number);
  const pool = new VisitorPool(api, setup.projectId, random);
  pool.observe(setup.signinBudget);
  const ctx = new SimulationContext(api, setup.projectId, stats, timing, pool, random);
  ctx.departments = departmentShares(setup.departments, setup.agents.map((a) => a.userId));
  process.stderr.write(`${describeRun(model, rate, typeof rateOption === 'number' ? null : (load as number), ctx)}\n`);

  const agents = setup.agents.map((a) => new SimulatedAgent(ctx, a.userId, a.api, capacity));
  stats.agents = stats.available = agents.length;
  for (const agent of agents) agent.start();

  let arrivals = 0;
  const nextArrival = () =>
    ctx.later(exponential(60_000 / rate, ctx.random), () => {
      visitorArrives(ctx, ++arrivals);
      nextArrival();
    });
  nextArrival();

  const tty = process.stderr.isTTY === true;
  const status = setInterval(() => process.stderr.write(tty ? `\r\x1b[K${stats.statusLine()}` : `${stats.statusLine()}\n`), tty ? 250 : 1000);
  // The first Ctrl-C or SIGTERM ends the run as its end would (closing what it opened); a second one exits at once.
  let interrupted = false;
  let endRun = () => {};
  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupted) {
      interrupted = true;
      process.stderr.write(`\n${signal}: ending the run${args.options.keep ? '' : ', closing its requests'} (again to exit at once)\n`);
      endRun();
      return;
    }
    process.stderr.write(`${signal} again: exiting; requests of the run may be left open\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, (duration as number) * 1000);
      endRun = () => (clearTimeout(timer), resolve());
    });
    clearInterval(status);
    await ctx.stop();
    await Promise.all(agents.map((a) => a.finish()));
    if (args.options.keep) stats.keptOpen = stats.open();
    else {
      if (stats.open() > 0) process.stderr.write(`${tty ? '\r\x1b[K' : ''}simulate: closing the run's ${stats.open()} open requests\n`);
      await closeWhatTheRunOpened(ctx, setup.supervisor);
    }
  } finally {
    clearInterval(status);
    for (const agent of agents) agent.disconnect();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  stats.visitorSignins = pool.signins;
  stats.visitorSigninsPerMinute = pool.signinsPerMinute;
  process.stderr.write(tty ? `\r\x1b[K${stats.statusLine()}\n` : `${stats.statusLine()}\n`);
  process.stdout.write(args.options.json ? `${JSON.stringify({ project: setup.projectId, ratePerMinute: Number(rate.toFixed(2)), ...stats.summary() })}\n` : stats.summaryText(setup.projectName, rate));
  return 0;
}

/** The line printed at the start: where the arrival rate comes from, and where visitors go. */
function describeRun(model: Capacity, rate: number, load: number | null, ctx: SimulationContext): string {
  const carry = capacityPerMinute(model);
  const origin =
    load === null
      ? `--rate ${Number(rate.toFixed(2))}/min (load ${(rate / carry).toFixed(2)})`
      : `load ${load} → ${rate.toFixed(2)} visitors/min`;
  const where = ctx.departments.length > 0 ? ctx.departments.map((d) => `${d.name} ${Math.round(d.share * 100)} %`).join(', ') : 'the default department';
  return [
    `simulate: ${model.agents} agent${model.agents === 1 ? '' : 's'} × ${model.chatsPerAgent} chats, handle time ${model.handleTimeMs / 1000} s, available ${Math.round(model.availableShare * 100)} % of the time: they carry ${carry.toFixed(2)} visitors/min; ${origin}`,
    `simulate: visitors choose ${where}; patience ${ctx.timing.patienceMs / 1000} s on average; new visitor sign-ins at most ${Math.round(VISITOR_SIGNIN_SHARE * 100)} % of the per-IP sign-in budget`,
  ].join('\n');
}

/**
 * The end of a run: every request of the run still open is closed. Each visitor identity's open requests are read
 * from the server rather than trusted from memory, so a request a visitor's last message reopened as an agent
 * closed it is closed too. Its visitor closes it (a visitor may close their own); when that visitor's write budget
 * is spent (a returning visitor with many conversations), the --token user does, if it may: identities work in
 * parallel, each on its own budget.
 */
async function closeWhatTheRunOpened(ctx: SimulationContext, fallback: ApiClient | null): Promise<void> {
  const ours = ctx.conversations;
  await Promise.all(
    ctx.visitors.identities.map(async (identity) => {
      try {
        // A page at a time: closed requests leave the list, so the first page is read again until it has none of ours.
        for (;;) {
          const page = await withBackoff(() => identity.api.get<{ requests: { request_id: string }[] }>(`/${ctx.projectId}/requests?status=100,200,300&limit=100`));
          const open = page.requests.filter((r) => ours.has(r.request_id));
          for (const r of open) {
            const path = `/${ctx.projectId}/requests/${r.request_id}/close`;
            await withBackoff(async () => {
              try {
                await identity.api.put(path);
              } catch (error) {
                if (!(fallback && error instanceof ApiError && error.status === 429)) throw error;
                await fallback.put(path);
              }
            });
            ctx.stats.closedAtEnd += 1;
          }
          if (open.length === 0 || page.requests.length < 100) break;
        }
      } catch (error) {
        ctx.stats.failed(error);
      }
    }),
  );
}

/** A call retried after the server's `Retry-After` when a per-user budget refuses it (a visitor closing many). */
async function withBackoff<T>(call: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 429 && attempt < attempts)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(60, error.retryAfterSeconds ?? 1) * 1000));
    }
  }
}

/** The project, its departments and the agents, signed in (each once: their tokens serve the whole run). */
async function prepare(api: ApiClient, token: string | null, args: ParsedArgs): Promise<Setup> {
  const password = stringOption(args, 'password');
  const agents: Setup['agents'] = [];
  let signinBudget: RateLimitState | null = null;
  const agentList = stringOption(args, 'agents');
  const signIn = async (email: string, pw: string | undefined) => {
    if (!pw) throw new Error(`no password for ${email}: EMAIL:PASSWORD or --password`);
    const { body, rateLimit } = await withBackoff(() =>
      api.callReadingLimits<{ token: string; user: { _id: string } }>('POST', '/auth/signin', { email, password: pw }),
    );
    signinBudget = rateLimit ?? signinBudget;
    agents.push({ userId: body.user._id, api: api.as(body.token) });
  };
  if (agentList !== undefined) {
    for (const entry of agentList.split(',').map((e) => e.trim()).filter(Boolean)) {
      const colon = entry.indexOf(':');
      await (colon < 0 ? signIn(entry, password) : signIn(entry.slice(0, colon), entry.slice(colon + 1)));
    }
  }
  const reader = token ? api.as(token) : agents[0]?.api;
  if (!reader) throw new Error('no agents to sign in as');
  const projects = await reader.get<{ id: string; name: string }[]>('/projects');
  const projectId = stringOption(args, 'project') ?? projects[0]?.id;
  const project = projects.find((p) => p.id === projectId);
  if (!project) throw new Error(projectId ? `not a member of project ${projectId}` : 'the user belongs to no project');
  if (agentList === undefined && password !== undefined) {
    const members = await reader.get<{ id_user: { email: string | null } }[]>(`/${project.id}/project_users?role=agent`);
    for (const m of members) if (m.id_user.email) await signIn(m.id_user.email, password);
  }
  const me = token ? await reader.get<{ id_user: { _id: string }; role: string }>(`/${project.id}/project_users/me`) : null;
  if (agents.length === 0 && me) agents.push({ userId: me.id_user._id, api: reader });
  const supervisor = me && ['owner', 'admin', 'supervisor'].includes(me.role) ? reader : null;
  if (agents.length === 0) throw new Error('no agents: give --agents or --password');
  const details = await reader.get<{ settings?: { chat_limit_on?: boolean; max_agent_assigned_chat?: number } }>(`/projects/${project.id}`);
  const departments = await reader.get<DepartmentInfo[]>(`/${project.id}/departments`);
  const chatLimit = details.settings?.chat_limit_on ? (details.settings.max_agent_assigned_chat ?? null) : null;
  return { projectId: project.id, projectName: project.name, agents, departments, chatLimit, signinBudget, supervisor };
}
