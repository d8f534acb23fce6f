import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { chargeAuth, id, type RouteDeps } from './route-kit.js';

const signupBody = z.object({
  email: z.email().max(254),
  password: z.string().min(8).max(256),
  firstname: z.string().max(100).default(''),
  lastname: z.string().max(100).default(''),
});
const signinBody = z.object({ email: z.string().max(254), password: z.string().max(256) });
const anonymousBody = z.object({
  id_project: id,
  firstname: z.string().max(100).optional(),
  lastname: z.string().max(100).optional(),
  email: z.email().max(254).optional(),
});

export function authRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { auth } = deps.services;
  app.post('/auth/signup', async (request, reply) => {
    await chargeAuth(deps, request, reply);
    const body = signupBody.parse(request.body);
    const user = await auth.signup(body);
    const signedIn = await auth.tokenFor(user);
    return reply.code(201).send({ ...signedIn, msg: 'Signed up.' });
  });
  app.post('/auth/signin', async (request, reply) => {
    await chargeAuth(deps, request, reply);
    const body = signinBody.parse(request.body);
    return auth.signin(body.email, body.password);
  });
  app.post('/auth/signinAnonymously', async (request, reply) => {
    await chargeAuth(deps, request, reply);
    const body = anonymousBody.parse(request.body);
    return auth.signinAnonymously({ projectId: body.id_project, firstname: body.firstname, lastname: body.lastname, email: body.email });
  });
}
