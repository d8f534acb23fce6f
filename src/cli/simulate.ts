/**
 * `deskwire simulate`: realistic desk traffic through the REST API, for a demo or a load: visitors arriving as a
 * Poisson process, messages both ways, agents joining, replying, closing after log-normal handle times and taking
 * breaks. A one-line live status on stderr; a summary of what it did at the end.
 */
import { ApiClient } from './api-client.js';
import type { ParsedArgs } from './args.js';
import { numberOption, stringOption, targetOptionNames, targetUsage, type ClientCommand, type ServerTarget } from './client-command.js';
import { SimulatedAgent } from './simulate-agent.js';
import { SimulationContext, type SimulationTiming } from './simulate-context.js';
import { exponential } from './simulate-random.js';
import { SimulationStats } from './simulate-stats.js';
import { visitorArrives } from './simulate-visitor.js';

const usage = `deskwire simulate [--rate VISITORS_PER_MINUTE] [--duration SECONDS] [--agents …] [--url URL] [--token TOKEN]

Drives a project through the REST API as a desk would be used: visitors arrive at random (a Poisson process) and
write, agents join waiting requests, reply, close them and take breaks. Prints a live status line on stderr and a
summary at the end (Ctrl-C ends early, with the summary).

  --rate N           visitors per minute (default 6)
  --duration S       seconds to run (default 60)
  --handle-time S    mean seconds from an agent joining to closing, log-normal (default 120); replies, visitor
                     messages and breaks scale with it
  --agents LIST      agents to sign in as: EMAIL[:PASSWORD],… (PASSWORD defaults to --password)
  --password PW      the agents' password; without --agents, every agent of the project signs in with it
                     (the demo project's accounts share one password, printed when the server starts)
                     Without either, the --token user is the only agent.
  --capacity N       conversations an agent handles at once (default 3)
  --project ID       the project (default: the first project of the token's or the first agent's user)
  --json             print the summary as one JSON object
${targetUsage}
`;

export const simulateCommand: ClientCommand = {
  name: 'simulate',
  summary: 'Produce realistic desk traffic: simulate --rate N --duration S [--agents …]',
  usage,
  optionNames: [...targetOptionNames, 'rate', 'duration', 'handle-time', 'agents', 'password', 'capacity', 'project'],
  switchNames: ['json'],
  run: runSimulate,
};

interface Setup {
  projectId: string;
  projectName: string;
  agents: { userId: string; api: ApiClient }[];
}

async function runSimulate(args: ParsedArgs, target: ServerTarget): Promise<number> {
  const rate = numberOption(args, 'rate', 6);
  const duration = numberOption(args, 'duration', 60);
  const handleTime = numberOption(args, 'handle-time', 120);
  const capacity = numberOption(args, 'capacity', 3);
  const problems = [rate, duration, handleTime, capacity].filter((v): v is string => typeof v === 'string');
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
  };
  const stats = new SimulationStats();
  const ctx = new SimulationContext(api, setup.projectId, stats, timing);
  const agents = setup.agents.map((a) => new SimulatedAgent(ctx, a.userId, a.api, capacity as number));
  stats.agents = stats.available = agents.length;
  for (const agent of agents) agent.start();

  let arrivals = 0;
  const nextArrival = () =>
    ctx.later(exponential(60_000 / (rate as number), ctx.random), () => {
      visitorArrives(ctx, ++arrivals);
      nextArrival();
    });
  nextArrival();

  const tty = process.stderr.isTTY === true;
  const status = setInterval(() => process.stderr.write(tty ? `\r\x1b[K${stats.statusLine()}` : `${stats.statusLine()}\n`), tty ? 250 : 1000);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, (duration as number) * 1000);
    process.once('SIGINT', () => (clearTimeout(timer), resolve()));
  });
  clearInterval(status);
  await ctx.stop();
  await Promise.all(agents.map((a) => a.finish()));
  process.stderr.write(tty ? `\r\x1b[K${stats.statusLine()}\n` : `${stats.statusLine()}\n`);
  process.stdout.write(args.options.json ? `${JSON.stringify({ project: setup.projectId, ...stats.summary() })}\n` : stats.summaryText(setup.projectName, rate as number));
  return 0;
}

/** The project and the agents, signed in. */
async function prepare(api: ApiClient, token: string | null, args: ParsedArgs): Promise<Setup> {
  const password = stringOption(args, 'password');
  const agents: Setup['agents'] = [];
  const agentList = stringOption(args, 'agents');
  const signIn = async (email: string, pw: string | undefined) => {
    if (!pw) throw new Error(`no password for ${email}: EMAIL:PASSWORD or --password`);
    const signin = await api.post<{ token: string; user: { _id: string } }>('/auth/signin', { email, password: pw });
    agents.push({ userId: signin.user._id, api: api.as(signin.token) });
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
  if (agents.length === 0 && token) {
    const me = await reader.get<{ id_user: { _id: string } }>(`/${project.id}/project_users/me`);
    agents.push({ userId: me.id_user._id, api: reader });
  }
  if (agents.length === 0) throw new Error('no agents: give --agents or --password');
  return { projectId: project.id, projectName: project.name, agents };
}
