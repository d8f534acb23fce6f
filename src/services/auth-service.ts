import { DeskwireError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Db } from '../store/db.js';
import { readCallerFacts } from '../store/callers.js';
import { findProject } from '../store/projects.js';
import { insertProjectUser, listProjectIdsOfUser } from '../store/project-users.js';
import { findUserByEmail, findUserById, insertUser, setUserActive, toUser, type User } from '../store/users.js';
import type { LimitOverrides } from '../domain/limit-overrides.js';
import type { ServiceDeps } from './context.js';
import { emitProjectUser, emitProjectUsersOf } from './emit.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { writeProject } from './project-write.js';
import type { TokenService } from './tokens.js';

export interface SignedIn {
  success: true;
  /** With the `JWT ` prefix Tiledesk clients expect. */
  token: string;
  expires_at: number;
  user: User;
}

export class AuthService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly tokens: TokenService,
  ) {}

  private get db(): Db {
    return this.deps.db;
  }

  async signup(input: { email: string; password: string; firstname: string; lastname: string }): Promise<User> {
    if (await findUserByEmail(this.db, input.email)) throw new DeskwireError('EMAIL_TAKEN');
    const passwordHash = await hashPassword(input.password);
    try {
      return toUser(await insertUser(this.db, { id: newId(), email: input.email, passwordHash, firstname: input.firstname, lastname: input.lastname }));
    } catch (error) {
      // Two signups racing for one email: the unique index decides.
      if ((error as { code?: string }).code === '23505') throw new DeskwireError('EMAIL_TAKEN');
      throw error;
    }
  }

  async signin(email: string, password: string): Promise<SignedIn> {
    const row = await findUserByEmail(this.db, email);
    // Verify against a dummy hash when the user is unknown, so timing does not reveal which emails exist.
    const ok = await verifyPassword(password, row?.password_hash ?? dummyHash);
    if (!row || !row.password_hash || !ok) throw new DeskwireError('SIGNIN_FAILED');
    if (!row.active) throw new DeskwireError('USER_DISABLED');
    return this.tokenFor(toUser(row));
  }

  /** A visitor of one project: a user without credentials, a guest project user, and a token for them. */
  async signinAnonymously(input: { projectId: string; firstname?: string; lastname?: string; email?: string }): Promise<SignedIn> {
    if (!(await findProject(this.db, input.projectId))) throw new DeskwireError('NOT_FOUND', 'No such project.');
    const userId = newId();
    const user = await writeProject(this.deps, input.projectId, async ({ tx, outbox }) => {
      const row = await insertUser(tx, {
        id: userId,
        email: input.email ?? null,
        passwordHash: null,
        firstname: input.firstname ?? `guest#${userId.slice(-4)}`,
        lastname: input.lastname ?? '',
      });
      const puId = newId();
      await insertProjectUser(tx, { id: puId, projectId: input.projectId, userId, role: 'guest' });
      await emitProjectUser(tx, outbox, input.projectId, puId, 'CREATE');
      return toUser(row);
    });
    return this.tokenFor(user);
  }

  async tokenFor(user: User, ttlSeconds?: number): Promise<SignedIn> {
    const { token, expiresAt } = await this.tokens.issue(user, ttlSeconds);
    return { success: true, token: `JWT ${token}`, expires_at: expiresAt, user };
  }

  /**
   * Disables a user everywhere (no REST route yet: operators' tooling). Every membership gets a project_user UPDATE
   * event, so each node holding the user's Realtime connections hears of it at once and closes them with 4003.
   */
  async disableUser(userId: string): Promise<void> {
    if (!(await findUserById(this.db, userId))) throw new DeskwireError('NOT_FOUND', 'No such user.');
    // Committed before the events go out: a node that re-checks the user on an event must find it disabled.
    await setUserActive(this.db, userId, false);
    for (const projectId of await listProjectIdsOfUser(this.db, userId)) {
      await writeProject(this.deps, projectId, ({ tx, outbox }) => emitProjectUsersOf(tx, outbox, projectId, [userId]));
    }
  }

  /**
   * A REST caller's standing, and the limit overrides of the project its route names, read in one statement
   * (`readCallerFacts`): throws USER_DISABLED for a user that is gone or disabled.
   */
  async activeCaller(userId: string, projectId: string | null): Promise<{ limitOverrides: LimitOverrides }> {
    const facts = await readCallerFacts(this.db, userId, projectId);
    if (facts === null || !facts.active) throw new DeskwireError('USER_DISABLED');
    return { limitOverrides: facts.limits as LimitOverrides };
  }
}

const dummyHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
